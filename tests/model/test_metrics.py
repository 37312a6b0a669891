"""The metric placement table: one row per metric, each citing AWS's documentation."""

from __future__ import annotations

import pytest

from drkit.regions import metrics
from drkit.regions.metrics import PLACEMENTS, Published, placement
from drkit_runtime import contract


def test_every_row_cites_an_aws_page():
    """Every placement rule names the AWS documentation page it comes from."""
    for row in PLACEMENTS:
        assert row.source.startswith("https://docs.aws.amazon.com/"), row


def test_s3_replication_metrics_follow_the_s3_user_guide():
    """Pending and latency metrics are at the destination; failures at the source (repl-metrics)."""
    for metric in ("ReplicationLatency", "BytesPendingReplication", "OperationsPendingReplication"):
        assert placement("AWS/S3", metric).published is Published.DESTINATION
    assert placement("AWS/S3", "OperationsFailedReplication").published is Published.SOURCE


def test_a_rule_resolves_to_the_region_it_names():
    """Each rule picks its own region out of the ones the dimensions stand for."""
    regions = {"source": "eu-west-1", "destination": "us-west-2", "own": "ap-south-1"}
    assert placement("AWS/S3", "ReplicationLatency").region(**regions) == "us-west-2"
    assert placement("AWS/DynamoDB", "ReplicationLatency").region(**regions) == "eu-west-1"
    assert placement("AWS/Lambda", "Errors").region(**regions) == "ap-south-1"
    assert placement("AWS/Route53", "HealthCheckStatus").region(**regions) == "us-east-1"


def test_an_unknown_metric_or_a_missing_region_is_refused():
    """A metric without a row, or a rule without the region it needs, raises naming it."""
    with pytest.raises(KeyError, match="AWS/EC2/CPUUtilization"):
        placement("AWS/EC2", "CPUUtilization")
    with pytest.raises(ValueError, match="destination"):
        placement("AWS/S3", "ReplicationLatency").region(source="eu-west-1")


def test_silence_is_a_failure_exactly_where_the_watched_thing_reports_on_a_clock():
    """Missing data breaches for the metrics whose silence means the watched thing stopped:
    Route 53's health status, the canary's heartbeat age and arrivals, the watchers' verdicts,
    the trail's delivery and the auditor's verdicts; every other metric is published only
    while something happens."""
    breaching = {
        (p.namespace, p.metric_name)
        for p in metrics.PLACEMENTS
        if p.missing_data is metrics.MissingData.BREACHING
    }
    assert breaching == {
        ("AWS/Route53", "HealthCheckStatus"),
        (contract.METRIC_NAMESPACE, contract.HEARTBEAT_AGE),
        (contract.METRIC_NAMESPACE, contract.HEARTBEAT_ARRIVALS),
        (contract.WATCH_NAMESPACE, contract.PEER_HEALTHY),
        (contract.AUDIT_NAMESPACE, contract.AUDIT_CHAIN_BREAKS),
        ("AWS/SNS", "NumberOfMessagesPublished"),
        ("AWS/Logs", "IncomingLogEvents"),
    }
    assert all(len(p.missing_data_why) > 40 for p in metrics.PLACEMENTS)


def test_a_copy_jobs_failures_are_where_the_copy_runs():
    """A copy job names the destination vault but runs, and counts, in the source region."""
    row = metrics.COPY_JOBS_FAILED
    assert row.region(source="eu-west-1", destination="us-west-2") == "eu-west-1"
    assert metrics.BACKUP_JOBS_FAILED.region(own="us-west-2") == "us-west-2"


def test_every_row_is_named_once():
    """Each row is a named constant of the package (what alarms are given) and in the table."""
    named = [v for v in vars(metrics).values() if isinstance(v, metrics.MetricPlacement)]
    assert sorted(named, key=lambda p: p.name) == sorted(PLACEMENTS, key=lambda p: p.name)


@pytest.mark.parametrize(
    ("namespace", "metric", "needs"),
    [
        ("AWS/S3", "OperationsFailedReplication", "source"),
        ("AWS/S3", "ReplicationLatency", "destination"),
        ("AWS/Lambda", "Errors", "own"),
    ],
)
def test_a_rule_given_no_region_at_all_refuses_to_guess(namespace, metric, needs):
    """With none of the regions given, each rule that needs one says which."""
    with pytest.raises(ValueError) as refused:
        placement(namespace, metric).region()
    assert str(refused.value) == f"{namespace}/{metric} needs its {needs}"
