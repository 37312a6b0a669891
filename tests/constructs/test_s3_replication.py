"""BucketReplication: RTC, metrics, delete markers and replica keys; other regions only."""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.services.s3_replication import BucketReplication, BucketReplicationProps
from tests.helpers import only, ref, resources

pytestmark = pytest.mark.synth


def test_replication_has_rtc_metrics_delete_markers_and_replica_keys(h):
    """Replication keeps delete markers, replicates SSE-KMS objects with RTC and metrics."""
    src, dst = h.buckets("us-east-1"), h.buckets("us-west-2")
    BucketReplication(
        h.stack,
        "repl",
        props=BucketReplicationProps(placement=h["us-east-1"], source=src, destinations=(dst,)),
    )
    out = h.synth()
    rule = only(out, "aws_s3_bucket_replication_configuration")["rule"][0]
    assert rule["delete_marker_replication"]["status"] == "Enabled"
    assert rule["source_selection_criteria"]["sse_kms_encrypted_objects"]["status"] == "Enabled"
    destination = rule["destination"]
    assert destination["replication_time"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert destination["metrics"]["status"] == "Enabled"
    keys = resources(out, "aws_kms_key")
    replica_key = keys[ref(destination["encryption_configuration"]["replica_kms_key_id"])[1]]
    assert replica_key["provider"] == "aws.uswest2"


def test_replication_refuses_same_region_destinations(h):
    """A destination in the source's own region is refused, named."""
    src = h.buckets("us-east-1")
    with pytest.raises(SpecError, match="destinations"):
        BucketReplicationProps(placement=h["us-east-1"], source=src, destinations=(src,))
