"""BucketReplication: RTC, metrics, delete markers and replica keys; other regions only."""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.services.s3_replication import BucketReplication, BucketReplicationProps, ReplicaSite
from tests.constructs.conftest import ROLE_ARN
from tests.helpers import only

pytestmark = pytest.mark.synth

#: Another region's bucket and key, named as the links stack names them (by ARN; S3 takes a
#: replica key's alias ARN).
DESTINATION = ReplicaSite(
    region="us-west-2",
    bucket_arn="arn:aws:s3:::s3-data-usw2-unit",
    key_arn="arn:aws:kms:us-west-2:123456789012:alias/kms-data-usw2-unit",
)


def test_replication_has_rtc_metrics_delete_markers_and_replica_keys(h):
    """Replication keeps delete markers, replicates SSE-KMS objects with RTC and metrics, into
    the destination named by ARN, re-encrypted with its region's key."""
    BucketReplication(
        h.stack,
        "repl",
        props=BucketReplicationProps(
            placement=h["us-east-1"],
            bucket_name="s3-data-use1-unit",
            role_arn=ROLE_ARN,
            destinations=(DESTINATION,),
        ),
    )
    config = only(h.synth(), "aws_s3_bucket_replication_configuration")
    assert (config["bucket"], config["role"]) == ("s3-data-use1-unit", ROLE_ARN)
    (rule,) = config["rule"]
    assert rule["id"] == "to-us-west-2"
    assert rule["delete_marker_replication"]["status"] == "Enabled"
    assert rule["source_selection_criteria"]["sse_kms_encrypted_objects"]["status"] == "Enabled"
    destination = rule["destination"]
    assert destination["replication_time"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert destination["metrics"]["status"] == "Enabled"
    assert destination["bucket"] == DESTINATION.bucket_arn
    assert destination["encryption_configuration"]["replica_kms_key_id"] == DESTINATION.key_arn


def test_replication_refuses_same_region_destinations(h):
    """A destination in the source's own region is refused, named."""
    with pytest.raises(SpecError, match="destinations"):
        BucketReplicationProps(
            placement=h["us-west-2"],
            bucket_name="s3-data-usw2-unit",
            role_arn=ROLE_ARN,
            destinations=(DESTINATION,),
        )


def test_replication_can_keep_delete_markers_in_the_source(h):
    """replicate_delete_markers=False: every rule leaves delete markers in the source."""
    BucketReplication(
        h.stack,
        "repl",
        props=BucketReplicationProps(
            placement=h["us-east-1"],
            bucket_name="s3-data-use1-unit",
            role_arn=ROLE_ARN,
            destinations=(DESTINATION,),
            replicate_delete_markers=False,
        ),
    )
    (rule,) = only(h.synth(), "aws_s3_bucket_replication_configuration")["rule"]
    assert rule["delete_marker_replication"] == {"status": "Disabled"}
