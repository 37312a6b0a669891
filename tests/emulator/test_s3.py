"""The S3 bucket-configuration extension, driven with boto3 against the running emulator."""

from __future__ import annotations

from typing import Any

import pytest

from drkit_emulator.runner import Emulator

EAST = "us-east-1"


@pytest.fixture
def bucket(aws: Emulator, unique_name: str) -> str:
    """A versioned bucket of this test's."""
    name = unique_name.lower()[:55]
    s3 = aws.client("s3", EAST)
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def test_eventbridge_notification_is_returned(aws: Emulator, bucket: str) -> None:
    """GetBucketNotificationConfiguration includes the EventBridgeConfiguration that was put."""
    s3 = aws.client("s3", EAST)
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["EventBridgeConfiguration"] == {}


def test_bucket_without_eventbridge_has_none(aws: Emulator, bucket: str) -> None:
    """Without EventBridge configured, none is reported."""
    assert "EventBridgeConfiguration" not in aws.client(
        "s3", EAST
    ).get_bucket_notification_configuration(Bucket=bucket)


RULE: dict[str, Any] = {
    "ID": "to-replica",
    "Priority": 0,
    "Status": "Enabled",
    "Filter": {"Prefix": ""},
    "DeleteMarkerReplication": {"Status": "Enabled"},
    "SourceSelectionCriteria": {
        "SseKmsEncryptedObjects": {"Status": "Enabled"},
        "ReplicaModifications": {"Status": "Enabled"},
    },
    "Destination": {
        "Bucket": "arn:aws:s3:::replica-bucket",
        "StorageClass": "STANDARD",
        "EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:us-west-2:123456789012:key/k"},
        "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
        "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
    },
}


def test_replication_rule_round_trips(aws: Emulator, bucket: str) -> None:
    """GetBucketReplication returns the rule as put: delete markers, source selection, target."""
    s3 = aws.client("s3", EAST)
    s3.put_bucket_replication(
        Bucket=bucket,
        ReplicationConfiguration={
            "Role": "arn:aws:iam::123456789012:role/replication",
            "Rules": [RULE],
        },
    )
    [rule] = s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]["Rules"]
    assert rule == RULE


def test_replication_rule_defaults_when_left_out(aws: Emulator, bucket: str) -> None:
    """A rule without DeleteMarkerReplication or Filter reads back Disabled and an empty prefix."""
    s3 = aws.client("s3", EAST)
    minimal = {
        "ID": "minimal",
        "Priority": 1,
        "Status": "Enabled",
        "Destination": {"Bucket": "arn:aws:s3:::replica"},
    }
    s3.put_bucket_replication(
        Bucket=bucket,
        ReplicationConfiguration={
            "Role": "arn:aws:iam::123456789012:role/replication",
            "Rules": [minimal],
        },
    )
    [rule] = s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]["Rules"]
    assert rule["DeleteMarkerReplication"] == {"Status": "Disabled"}
    assert rule["Filter"] == {"Prefix": ""}


def test_objects_replicate_to_the_rule_s_destination_under_its_replica_key(
    aws: Emulator, bucket: str
) -> None:
    """A new object under an enabled rule's prefix is copied at once, encrypted with the
    rule's replica key; one outside the prefix stays."""
    west = aws.client("s3", "us-west-2")
    destination = f"{bucket[:50]}-dst"
    west.create_bucket(
        Bucket=destination, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    replica_key = aws.client("kms", "us-west-2").create_key()["KeyMetadata"]["Arn"]
    rule = {
        **RULE,
        "Filter": {"Prefix": "drkit-canary/"},
        "Destination": {
            "Bucket": f"arn:aws:s3:::{destination}",
            "EncryptionConfiguration": {"ReplicaKmsKeyID": replica_key},
        },
    }
    s3 = aws.client("s3", EAST)
    s3.put_bucket_replication(
        Bucket=bucket,
        ReplicationConfiguration={"Role": "arn:aws:iam::123456789012:role/r", "Rules": [rule]},
    )
    s3.put_object(Bucket=bucket, Key="drkit-canary/us-east-1/latest.json", Body=b"{}")
    s3.put_object(Bucket=bucket, Key="records/x.json", Body=b"{}")
    replica = west.head_object(Bucket=destination, Key="drkit-canary/us-east-1/latest.json")
    assert (replica["ServerSideEncryption"], replica["SSEKMSKeyId"]) == ("aws:kms", replica_key)
    assert [o["Key"] for o in west.list_objects_v2(Bucket=destination)["Contents"]] == [
        "drkit-canary/us-east-1/latest.json"
    ]


# drkit's lifecycle rules (drkit/services/s3.py: the data bucket's three, and the access-log
# and trail buckets' archive rule), in the form hashicorp/aws 5.100.0 puts them (its
# PutBucketLifecycleConfiguration body, TF_LOG=DEBUG), with the
# x-amz-transition-default-minimum-object-size it sends when the attribute is left out.
LIFECYCLE_RULES: list[dict[str, Any]] = [
    {
        "ID": "tier-then-expire-noncurrent-versions",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "NoncurrentVersionTransitions": [{"NoncurrentDays": 30, "StorageClass": "STANDARD_IA"}],
        "NoncurrentVersionExpiration": {"NoncurrentDays": 365},
    },
    {
        "ID": "expire-canary-versions",
        "Status": "Enabled",
        "Filter": {"Prefix": "drkit-canary/"},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
    },
    {
        "ID": "abort-incomplete-multipart-uploads",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    },
    {
        "ID": "archive-then-expire-access-logs",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "Transitions": [{"Days": 90, "StorageClass": "GLACIER_IR"}],
        "Expiration": {"Days": 2190},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
    },
]
TRANSITION_DEFAULT_MINIMUM_OBJECT_SIZE = "all_storage_classes_128K"


def test_drkit_lifecycle_rules_read_back_as_put(aws: Emulator, bucket: str) -> None:
    """GetBucketLifecycleConfiguration returns drkit's rules and minimum object size as put.

    The provider's create compares each read with what it put (the rules as a set, deeply,
    and the minimum object size) and needs 10 equal reads in a row, 5 s apart after a 10 s
    delay: 55 s when every read is equal, as on AWS. An answer that differs in any field
    never ends the wait: the create fails on its timeout (docs/emulator.md).
    """
    s3 = aws.client("s3", EAST)
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={"Rules": LIFECYCLE_RULES},
        TransitionDefaultMinimumObjectSize=TRANSITION_DEFAULT_MINIMUM_OBJECT_SIZE,
    )
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["TransitionDefaultMinimumObjectSize"] == TRANSITION_DEFAULT_MINIMUM_OBJECT_SIZE
    by_id = {rule["ID"]: rule for rule in got["Rules"]}
    assert by_id == {rule["ID"]: rule for rule in LIFECYCLE_RULES}
    assert len(got["Rules"]) == len(LIFECYCLE_RULES)
