"""Every region watched from every other: the watchers, what they probe, what they may do."""

from __future__ import annotations

import copy
import json

import pytest

from drkit_runtime import contract
from tests.helpers import (
    checked_regions,
    ref,
    region_of,
    resources,
    role_logical,
    role_statements,
)
from tests.synth.metric_placement import every_regions_failure_is_alarmed_from_another_region
from tests.synth.stack_json import referenced

pytestmark = pytest.mark.synth

#: Everything a watcher's role may do: its logs, traces and dead letters, and its metrics.
WATCHER_ACTIONS = {
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
    "sqs:SendMessage",
    "cloudwatch:PutMetricData",
}


def _watchers(stack):
    return {
        name: f
        for name, f in resources(stack, "aws_lambda_function").items()
        if f["handler"] == contract.WATCHER_HANDLER
    }


def test_each_region_has_a_watcher_outside_the_vpc_every_minute(case):
    """One watcher per region, in no VPC, run by a one-minute schedule in its region."""
    spec, stack = case
    watchers = _watchers(stack)
    assert sorted(region_of(stack, f) for f in watchers.values()) == sorted(
        r.region for r in spec.regions
    )
    rules = resources(stack, "aws_cloudwatch_event_rule")
    for name, f in watchers.items():
        assert "vpc_config" not in f, name
        assert sorted(f["environment"]["variables"]) == sorted(contract.WATCHER_ENVIRONMENT)
        (target,) = [
            t
            for t in resources(stack, "aws_cloudwatch_event_target").values()
            if "lambda" in t["arn"] and referenced(t["arn"], "aws_lambda_function", stack) == name
        ]
        rule = rules[ref(target["rule"])[1]]
        assert rule["schedule_expression"] == "rate(1 minute)"
        assert region_of(stack, rule) == region_of(stack, f)


def test_each_watcher_probes_what_every_peers_health_check_probes(case):
    """The targets are each other region's Route 53 check's fqdn and path, never its own."""
    spec, stack = case
    checks = resources(stack, "aws_route53_health_check")
    check_of = checked_regions(stack)
    for f in _watchers(stack).values():
        own = region_of(stack, f)
        targets = json.loads(f["environment"]["variables"][contract.ENV_WATCH_TARGETS])
        assert targets == {
            r.region: f"https://{checks[check_of[r.region]]['fqdn']}"
            f"{checks[check_of[r.region]]['resource_path']}"
            for r in spec.regions
            if r.region != own
        }


def test_a_watcher_has_no_data_permission(case):
    """A watcher's role allows only its logs, traces, dead letters and its own metrics.

    The key serves only its dead-letter queue: through SQS, nothing else.
    """
    _, stack = case
    for f in _watchers(stack).values():
        region = region_of(stack, f)
        role = role_logical(stack, f["role"])
        allowed = [s for s in role_statements(stack, role) if s["Effect"] == "Allow"]
        (key,) = [s for s in allowed if s["Sid"].startswith("Use")]
        assert key["Condition"]["StringEquals"]["kms:ViaService"] == f"sqs.{region}.amazonaws.com"
        allowed.remove(key)
        actions = {
            a
            for s in allowed
            for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        }
        assert actions <= WATCHER_ACTIONS, actions - WATCHER_ACTIONS
        (metrics,) = [s for s in allowed if s["Action"] == "cloudwatch:PutMetricData"]
        assert metrics["Condition"] == {
            "StringEquals": {"cloudwatch:namespace": contract.WATCH_NAMESPACE}
        }


def test_dropping_a_watch_alarm_leaves_a_region_unwatched_and_fails(
    three_region_stack, three_region_spec
):
    """The cross-region property fails when the alarms on one region's failure are removed."""
    stack = copy.deepcopy(three_region_stack)
    alarms = resources(stack, "aws_cloudwatch_metric_alarm")
    for name in [
        n
        for n, a in alarms.items()
        if a["namespace"] == contract.WATCH_NAMESPACE
        and a["dimensions"]["WatchedRegion"] == "us-east-1"
    ]:
        del alarms[name]
    with pytest.raises(AssertionError, match="us-east-1"):
        every_regions_failure_is_alarmed_from_another_region(three_region_spec, stack)
    assert json.dumps(three_region_stack) != json.dumps(stack)
