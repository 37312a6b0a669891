"""The synthesized CloudTrail trail: the deployment's audit record (HIPAA 164.312(b)).

Checked over the default stack and the three-region example: where the trail lives, what it
records, how its files are protected, and that the record survives the loss of its region.
"""

from __future__ import annotations

import pytest

from drkit.regions.naming import ResourceType
from tests.helpers import (
    account_token,
    as_list,
    bucket_key,
    bucket_named,
    bucket_of,
    key_of,
    only,
    ref,
    region_of,
    resources,
    role_logical,
    role_statements,
    statements,
    table_arn_parts,
    table_replicas,
)

pytestmark = pytest.mark.synth


def _primary_key(spec, stack) -> str:
    """The primary's key: the one encrypting the primary region's data bucket."""
    data = spec.namer(ResourceType.S3_BUCKET, "data", spec.primary.region)
    return bucket_key(stack, bucket_named(stack, data))


def _is_this_trail(source_arn: str, stack, trail) -> bool:
    return source_arn.endswith(
        f":cloudtrail:{region_of(stack, trail)}:{account_token(stack)}:trail/{trail['name']}"
    )


def test_trail_is_multi_region_with_validated_log_files(case):
    """One trail, in the primary region, for every region and global services, files validated."""
    spec, stack = case
    trail = only(stack, "aws_cloudtrail")
    assert region_of(stack, trail) == spec.primary.region
    assert trail["is_multi_region_trail"] is True
    assert trail["include_global_service_events"] is True
    assert trail["enable_log_file_validation"] is True


def test_trail_is_encrypted_with_the_primarys_key(case):
    """Log files are encrypted with the primary's key, which CloudTrail may use for this trail."""
    spec, stack = case
    trail = only(stack, "aws_cloudtrail")
    kind, key, attribute = ref(trail["kms_key_id"])
    assert (kind, key, attribute) == ("aws_kms_key", _primary_key(spec, stack), "arn")
    grants = [
        s
        for s in statements(resources(stack, "aws_kms_key")[key])
        if s["Effect"] == "Allow"
        and s["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
        and "kms:GenerateDataKey" in as_list(s["Action"])
    ]
    assert grants, "the key does not let CloudTrail encrypt log files"
    for grant in grants:
        assert _is_this_trail(grant["Condition"]["StringEquals"]["aws:SourceArn"], stack, trail)


def test_trail_records_data_events_on_every_replica_and_data_bucket(case):
    """Every read and write of every table replica and every data bucket's objects is recorded."""
    spec, stack = case
    trail = only(stack, "aws_cloudtrail")
    (selector,) = trail["event_selector"]
    assert selector["read_write_type"] == "All" and selector["include_management_events"] is True
    data = {d["type"]: d["values"] for d in selector["data_resource"]}
    assert set(data) == {"AWS::DynamoDB::Table", "AWS::S3::Object"}

    recorded_tables = [table_arn_parts(arn) for arn in data["AWS::DynamoDB::Table"]]
    replicas = table_replicas(stack)
    assert sorted(recorded_tables) == sorted(replicas)
    assert {region for region, _ in replicas} == {r.region for r in spec.regions}

    buckets = resources(stack, "aws_s3_bucket")
    recorded_buckets = []
    for value in data["AWS::S3::Object"]:
        assert value.endswith("/"), f"{value} does not cover every object of its bucket"
        recorded_buckets.append(buckets[bucket_of(stack, value[:-1])]["bucket"])
    data_buckets = [spec.namer(ResourceType.S3_BUCKET, "data", r.region) for r in spec.regions]
    assert sorted(recorded_buckets) == sorted(data_buckets)


def test_trail_streams_to_its_encrypted_log_group_through_its_role(case):
    """Events go to a KMS-encrypted log group, through a role only this trail may assume."""
    spec, stack = case
    trail = only(stack, "aws_cloudtrail")
    streams_arn = trail["cloud_watch_logs_group_arn"]
    assert streams_arn.endswith(":*")
    kind, group_name, attribute = ref(streams_arn.removesuffix(":*"))
    assert (kind, attribute) == ("aws_cloudwatch_log_group", "arn")
    group = resources(stack, "aws_cloudwatch_log_group")[group_name]
    assert region_of(stack, group) == region_of(stack, trail)
    assert ref(group["kms_key_id"])[:2] == ("aws_kms_key", _primary_key(spec, stack))

    role = role_logical(stack, trail["cloud_watch_logs_role_arn"])
    (trust,) = statements(resources(stack, "aws_iam_role")[role], "assume_role_policy")
    assert trust["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    assert _is_this_trail(trust["Condition"]["StringEquals"]["aws:SourceArn"], stack, trail)
    delivery = [
        s
        for s in role_statements(stack, role)
        if s["Effect"] == "Allow"
        and {"logs:CreateLogStream", "logs:PutLogEvents"} <= set(as_list(s["Action"]))
    ]
    # The role names the group by ARN (it is in the IAM stack): the same group.
    assert [as_list(s["Resource"]) for s in delivery] == [
        [f"arn:${{data.aws_partition.partition.partition}}:logs:{region_of(stack, trail)}:"
         f"${{data.aws_caller_identity.account.account_id}}:log-group:{group['name']}:*"]
    ]  # fmt: skip


def test_trail_bucket_admits_only_this_trail(case):
    """Only CloudTrail, for this trail, may write log files into the trail's bucket."""
    _, stack = case
    trail = only(stack, "aws_cloudtrail")
    bucket = ref(trail["s3_bucket_name"])[1]
    (bucket_policy,) = (
        p
        for p in resources(stack, "aws_s3_bucket_policy").values()
        if ref(p["bucket"])[1] == bucket
    )
    writes = [
        s
        for s in statements(bucket_policy)
        if s["Effect"] == "Allow" and "s3:PutObject" in as_list(s["Action"])
    ]
    assert writes
    for write in writes:
        assert write["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
        assert _is_this_trail(write["Condition"]["StringEquals"]["aws:SourceArn"], stack, trail)


def test_trail_bucket_is_replicated_to_every_other_region(case):
    """Every log file is replicated, with replica keys of the destination, to every other region."""
    spec, stack = case
    trail = only(stack, "aws_cloudtrail")
    kind, bucket, attribute = ref(trail["s3_bucket_name"])
    assert (kind, attribute) == ("aws_s3_bucket", "id")
    buckets = resources(stack, "aws_s3_bucket")
    assert region_of(stack, buckets[bucket]) == spec.primary.region
    (replication,) = (
        c
        for c in resources(stack, "aws_s3_bucket_replication_configuration").values()
        if bucket_of(stack, c["bucket"]) == bucket
    )
    keys = resources(stack, "aws_kms_key")
    reached = []
    for rule in replication["rule"]:
        assert rule["status"] == "Enabled" and rule["filter"] == {"prefix": ""}
        assert rule["source_selection_criteria"]["sse_kms_encrypted_objects"]["status"] == "Enabled"
        destination = rule["destination"]
        region = region_of(stack, buckets[bucket_of(stack, destination["bucket"])])
        replica_key = key_of(stack, destination["encryption_configuration"]["replica_kms_key_id"])
        assert region_of(stack, keys[replica_key]) == region
        reached.append(region)
    assert sorted(reached) == sorted(r.region for r in spec.secondaries)


def test_trail_delivery_is_announced_on_its_own_encrypted_topic_and_alarmed(case):
    """Each delivered file is announced on an encrypted topic only this trail may publish to,
    and an hour with no announcement (or no event in the log group) fires an alarm."""
    spec, stack = case
    trail = only(stack, "aws_cloudtrail")
    topics = {t["name"]: (n, t) for n, t in resources(stack, "aws_sns_topic").items()}
    name, topic = topics[trail["sns_topic_name"]]
    assert name != "alerts" and "traildelivery" in trail["sns_topic_name"]
    assert region_of(stack, topic) == region_of(stack, trail)
    assert ref(topic["kms_master_key_id"])[:2] == ("aws_kms_key", _primary_key(spec, stack))
    (policy,) = [
        p for p in resources(stack, "aws_sns_topic_policy").values() if ref(p["arn"])[1] == name
    ]
    (publish,) = [s for s in statements(policy) if s["Effect"] == "Allow"]
    assert publish["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert _is_this_trail(publish["Condition"]["StringEquals"]["aws:SourceArn"], stack, trail)
    key = resources(stack, "aws_kms_key")[_primary_key(spec, stack)]
    (use,) = [s for s in statements(key) if s.get("Sid") == "CloudTrailPublishToEncryptedTopic"]
    assert _is_this_trail(use["Condition"]["StringEquals"]["aws:SourceArn"], stack, trail)

    alarms = {
        a["metric_name"]: a
        for a in resources(stack, "aws_cloudwatch_metric_alarm").values()
        if a["namespace"] in ("AWS/SNS", "AWS/Logs")
    }
    assert set(alarms) == {"NumberOfMessagesPublished", "IncomingLogEvents"}
    assert alarms["NumberOfMessagesPublished"]["dimensions"] == {
        "TopicName": trail["sns_topic_name"]
    }
    for alarm in alarms.values():
        assert region_of(stack, alarm) == region_of(stack, trail)
        assert alarm["treat_missing_data"] == "breaching"
        assert (alarm["comparison_operator"], alarm["threshold"]) == ("LessThanThreshold", 1)
