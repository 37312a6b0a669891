"""The budget's ``resources`` (what ``drkit budget --json`` prints) match the synthesized stack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from drkit.operations.budget.inputs import SpecBudget
from drkit.regions import budget
from drkit.regions.spec import DeploymentSpec
from tests.helpers import ROOT, resources, synth_json
from tests.operations.budget.support import layout

#: Not the defaults in any field, so a construct that hard-coded a default would disagree.
CUSTOM_BUDGET = {
    "health_check_interval_seconds": 30,
    "health_check_failure_threshold": 2,
    "client_dns_cache_seconds": 10,
    "replication_lag_threshold_seconds": 20,
    "replication_alarm_evaluation_periods": 2,
    "rto_target_seconds": 280,
    "rpo_target_seconds": 45,
}


@pytest.fixture(scope="module")
def custom_config(tmp_path_factory) -> Path:
    return layout(
        tmp_path_factory.mktemp("budget") / "custom.toml", weights=(50, 50), **CUSTOM_BUDGET
    )


@pytest.fixture(scope="module")
def custom_spec(custom_config) -> DeploymentSpec:
    return DeploymentSpec.from_toml(custom_config, environment_suffix="test")


@pytest.fixture(scope="module")
def custom_stack(custom_spec) -> dict[str, Any]:
    # The provider is loaded once per process; this synth takes about a second.
    return synth_json(custom_spec)


def _alarms(
    stack: dict[str, Any], metric: str, namespace: str | None = None
) -> list[dict[str, Any]]:
    return [
        a
        for a in resources(stack, "aws_cloudwatch_metric_alarm").values()
        if a["metric_name"] == metric and (namespace is None or a["namespace"] == namespace)
    ]


def _shape(alarms: list[dict[str, Any]]) -> set[tuple[float, int, int]]:
    return {(a["threshold"], a["period"], a["evaluation_periods"]) for a in alarms}


def _triple(expected: dict[str, int], threshold: str) -> set[tuple[int, int, int]]:
    return {(expected[threshold], expected["period_seconds"], expected["evaluation_periods"])}


@pytest.mark.synth
@pytest.mark.parametrize("case", ["default", "three_region", "custom"])
def test_budget_json_is_what_the_stack_carries(case, request):
    """Health checks and lag alarms carry the spec's numbers, and the JSON `drkit budget --json`
    prints names the same ones."""
    spec: DeploymentSpec = request.getfixturevalue(f"{case}_spec")
    stack: dict[str, Any] = request.getfixturevalue(f"{case}_stack")
    config = {
        "default": None,
        "three_region": ROOT / "examples" / "three-region.toml",
        "custom": request.getfixturevalue("custom_config") if case == "custom" else None,
    }[case]
    printed = SpecBudget.from_environment({"DRKIT_CONFIG": str(config)} if config else {})
    assert printed.report.meets_targets
    res = printed.to_json()["resources"]
    assert printed.report.inputs == spec.budget_inputs
    n = len(spec.regions)

    checks = resources(stack, "aws_route53_health_check").values()
    assert len(checks) == n
    hc = res["route53_health_check"]
    assert (
        {(c["request_interval"], c["failure_threshold"]) for c in checks}
        == {(spec.health_check_interval_seconds, spec.health_check_failure_threshold)}
        == {(hc["request_interval"], hc["failure_threshold"])}
    )

    ddb = _alarms(stack, "ReplicationLatency", "AWS/DynamoDB")
    assert len(ddb) == 2 * n * (n - 1)  # two tables, every ordered pair of regions
    lag_ms = spec.replication_lag_threshold_seconds * 1000
    assert (
        _shape(ddb)
        == {(lag_ms, 60, spec.replication_alarm_evaluation_periods)}
        == _triple(res["dynamodb_replication_latency_alarm"], "threshold_ms")
    )

    s3 = _alarms(stack, "ReplicationLatency", "AWS/S3")
    assert len(s3) == n * (n - 1)
    assert (
        _shape(s3)
        == {(spec.rpo_target_seconds, 60, spec.replication_alarm_evaluation_periods)}
        == _triple(res["s3_replication_latency_alarm"], "threshold_seconds")
    )

    lag = _alarms(stack, "ReplicationLag")
    assert len(lag) == 3 * n * (n - 1)  # three stores, every ordered pair
    assert {a["threshold"] for a in lag} == {spec.rpo_target_seconds}
    assert _shape(lag) == _triple(res["canary_replication_lag_alarm"], "threshold_seconds")

    stalls = _alarms(stack, "HeartbeatArrivals")
    assert len(stalls) == 3 * n * (n - 1)
    assert {a["comparison_operator"] for a in stalls} == {"LessThanThreshold"}
    assert _shape(stalls) == _triple(res["canary_stall_alarm"], "threshold_arrivals")
    assert not _alarms(stack, "HeartbeatAge")

    source = _alarms(stack, "SourceHeartbeatAge")
    assert len(source) == n * (n - 1)  # objects only
    heartbeat = spec.rpo_target_seconds + budget.CANARY_PERIOD_SECONDS
    assert {a["threshold"] for a in source} == {heartbeat}
    assert _shape(source) == _triple(res["canary_source_heartbeat_alarm"], "threshold_seconds")
