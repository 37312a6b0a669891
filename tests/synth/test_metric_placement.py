"""Alarms and widgets sit where AWS publishes their metrics (drkit.regions.metrics).

The random layouts (2 to 5 regions, with and without us-east-1, primaries elsewhere)
run these properties in tests/synth/test_stack_properties.py, sharing its synths;
here they run on the example stacks, and each is shown to fail when an alarm or a
widget is moved to a region where its metric is not published.
"""

from __future__ import annotations

import copy
import json

import pytest

from tests.helpers import provider_regions, ref, region_of, resources
from tests.synth.metric_placement import (
    PLACEMENT_PROPERTIES,
    allowed_regions,
    every_alarm_is_where_its_metric_is_published,
    every_key_watch_is_where_its_key_is,
    every_widget_metric_is_drawn_where_it_is_published,
)

pytestmark = pytest.mark.synth

#: One alarm of each kind the issue names: (namespace, metric). DynamoDB's ThrottledRequests
#: and SystemErrors are not here: they name a table, whose every replica's region publishes
#: its own, so no region is wrong for them (tests/synth/dependency_alarms.py checks that
#: every replica has its own).
KINDS = [
    ("AWS/S3", "ReplicationLatency"),
    ("AWS/S3", "OperationsFailedReplication"),
    ("AWS/DynamoDB", "ReplicationLatency"),
    ("AWS/Route53", "HealthCheckStatus"),
    ("AWS/Route53", "DNSSECInternalFailure"),
    ("AWS/Route53", "DNSSECKeySigningKeysNeedingAction"),
    ("AWS/Lambda", "Errors"),
    ("AWS/Lambda", "Throttles"),
    ("AWS/ApiGateway", "5xx"),
    ("AWS/ApiGateway", "4xx"),
    ("AWS/Backup", "NumberOfBackupJobsFailed"),
    ("AWS/Backup", "NumberOfCopyJobsFailed"),
    ("AWS/CertificateManager", "DaysToExpiry"),
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    ("DrKit/Replication", "ReplicationLag"),
    ("DrKit/Replication", "HeartbeatArrivals"),
    ("DrKit/Replication", "SourceHeartbeatAge"),
    ("DrKit/Watch", "PeerHealthy"),
]


@pytest.mark.parametrize("prop", PLACEMENT_PROPERTIES, ids=lambda p: p.__name__)
def test_examples(prop, case):
    """Each placement invariant holds for the default stack and the three-region example."""
    prop(*case)


def _moved(stack, name, region):
    """A copy of ``stack`` with alarm ``name`` (and its actions) moved to ``region``."""
    moved = copy.deepcopy(stack)
    alarm = resources(moved, "aws_cloudwatch_metric_alarm")[name]
    alias = {r: a for a, r in provider_regions(moved).items()}[region]
    alarm["provider"] = alias
    topic = next(
        t for t, body in resources(moved, "aws_sns_topic").items() if body["provider"] == alias
    )
    alarm["alarm_actions"] = alarm["ok_actions"] = [f"${{aws_sns_topic.{topic}.arn}}"]
    return moved


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: "/".join(k))
def test_moving_an_alarm_off_its_metrics_region_fails(three_region_stack, kind):
    """The placement property fails for any alarm moved to a region without its metric."""
    stack = three_region_stack
    namespace, metric = kind
    alarms = {
        name: a
        for name, a in resources(stack, "aws_cloudwatch_metric_alarm").items()
        if (a["namespace"], a["metric_name"]) == kind
    }
    assert alarms, f"no {namespace}/{metric} alarm"
    name, alarm = next(iter(alarms.items()))
    allowed = allowed_regions(stack, namespace, metric, alarm["dimensions"])
    elsewhere = set(provider_regions(stack).values()) - allowed
    assert elsewhere and region_of(stack, alarm) in allowed
    for region in elsewhere:
        with pytest.raises(AssertionError):
            every_alarm_is_where_its_metric_is_published(None, _moved(stack, name, region))


def test_moving_an_s3_lag_widget_to_the_source_fails(three_region_stack):
    """S3's ReplicationLatency drawn in the source bucket's region is refused."""
    stack = copy.deepcopy(three_region_stack)
    (body,) = [
        b
        for b in resources(stack, "aws_cloudwatch_dashboard").values()
        if "S3 replication latency" in b["dashboard_body"]
    ]
    dashboard = json.loads(body["dashboard_body"])
    widget = next(w for w in dashboard["widgets"] if w["properties"]["title"].startswith("S3 "))
    line = widget["properties"]["metrics"][0]
    buckets = {b["bucket"]: region_of(stack, b) for b in resources(stack, "aws_s3_bucket").values()}
    widget["properties"]["region"] = buckets[line[line.index("SourceBucket") + 1]]
    body["dashboard_body"] = json.dumps(dashboard)
    with pytest.raises(AssertionError):
        every_widget_metric_is_drawn_where_it_is_published(None, stack)


def test_s3_lag_alarms_are_in_the_destination_and_failures_in_the_source(three_region_stack):
    """S3 lag alarms sit in the destination bucket's region, failure alarms in the source's."""
    stack = three_region_stack
    buckets = {b["bucket"]: region_of(stack, b) for b in resources(stack, "aws_s3_bucket").values()}
    s3 = [
        a
        for a in resources(stack, "aws_cloudwatch_metric_alarm").values()
        if a["namespace"] == "AWS/S3"
    ]
    for alarm in s3:
        side = (
            "DestinationBucket" if alarm["metric_name"] == "ReplicationLatency" else "SourceBucket"
        )
        assert region_of(stack, alarm) == buckets[alarm["dimensions"][side]], alarm["alarm_name"]
    assert {a["metric_name"] for a in s3} == {"ReplicationLatency", "OperationsFailedReplication"}
    assert all(ref(a["alarm_actions"][0]) for a in s3)


def test_dnssec_failures_are_alarmed_in_us_east_1(case):
    """Route 53's two DNSSEC failure metrics are alarmed for the signed zone, in us-east-1."""
    _, stack = case
    (zone,) = resources(stack, "aws_route53_zone")
    dnssec = {
        a["metric_name"]: a
        for a in resources(stack, "aws_cloudwatch_metric_alarm").values()
        if a["metric_name"].startswith("DNSSEC")
    }
    assert set(dnssec) == {"DNSSECInternalFailure", "DNSSECKeySigningKeysNeedingAction"}
    for alarm in dnssec.values():
        assert region_of(stack, alarm) == "us-east-1"
        assert alarm["dimensions"] == {"HostedZoneId": f"${{aws_route53_zone.{zone}.zone_id}}"}
        assert (alarm["statistic"], alarm["threshold"]) == ("Sum", 0)
        assert alarm["comparison_operator"] == "GreaterThanThreshold"


def test_moving_a_key_watch_off_its_keys_region_fails(three_region_spec, three_region_stack):
    """A key watch in another region than its key (where its calls never arrive) is refused,
    and so is a region whose key has no watch."""
    stack = copy.deepcopy(three_region_stack)
    rules = resources(stack, "aws_cloudwatch_event_rule")
    (name, rule), *_ = [(n, r) for n, r in rules.items() if "aws.kms" in r.get("event_pattern", "")]
    others = set(provider_regions(stack).values()) - {region_of(stack, rule)}
    rule["provider"] = {r: a for a, r in provider_regions(stack).items()}[sorted(others)[0]]
    with pytest.raises(AssertionError):
        every_key_watch_is_where_its_key_is(three_region_spec, stack)
    del resources(stack, "aws_cloudwatch_event_rule")[name]
    with pytest.raises(AssertionError):
        every_key_watch_is_where_its_key_is(three_region_spec, stack)
