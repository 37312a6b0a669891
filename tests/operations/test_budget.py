"""The failover budget: its arithmetic, the spec's use of it, ``drkit budget``, and the stack's agreement."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drkit.commands import main
from drkit.commands.budget import OVERRIDE_FLAGS
from drkit.errors import SpecError
from drkit.operations.budget import BudgetReport
from drkit.regions import budget
from drkit.regions.budget import BudgetInputs, rpo_budget, rto_budget
from drkit.regions.spec import DeploymentSpec
from tests.helpers import ROOT, resources
from tests.strategies import budget as s


def _worst_case_rto(i: BudgetInputs) -> int:
    """The budget's formula, restated from its documented parts."""
    detection = (
        i.health_check_interval_seconds
        * (i.health_check_failure_threshold + budget.CHECKER_SPREAD_INTERVALS)
        + budget.STATUS_PROPAGATION_SECONDS
    )
    return (
        detection
        + budget.ALIAS_TTL_SECONDS
        + i.client_dns_cache_seconds
        + budget.COLD_START_SECONDS
    )


def _spec(i: BudgetInputs) -> DeploymentSpec:
    return DeploymentSpec.default(**attrs.asdict(i))


def _cli(argv: list[str], environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run ``drkit`` in-process with exactly ``environ``'s DRKIT_* variables."""
    out, err = io.StringIO(), io.StringIO()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DRKIT_") and k != "ENVIRONMENT_SUFFIX"
    }
    with mock.patch.dict(os.environ, {**env, **(environ or {})}, clear=True):
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _flags(i: BudgetInputs) -> list[str]:
    by_field = {field: flag for flag, field in OVERRIDE_FLAGS.items()}
    return [
        part for name, value in attrs.asdict(i).items() for part in (by_field[name], str(value))
    ]


# ----- properties of the arithmetic ---------------------------------------------------


@given(s.budget_inputs())
def test_rto_never_falls_as_the_interval_grows(inputs):
    """The worst-case RTO with a 30 s interval is at least the one with a 10 s interval."""
    fast = rto_budget(attrs.evolve(inputs, health_check_interval_seconds=10))
    slow = rto_budget(attrs.evolve(inputs, health_check_interval_seconds=30))
    assert fast.total_seconds <= slow.total_seconds


@given(s.budget_inputs(), st.integers(1, 10), st.integers(1, 10))
def test_rto_never_falls_as_the_threshold_grows(inputs, a, b):
    """A higher failure threshold never gives a smaller worst-case RTO."""
    low, high = sorted((a, b))
    assert (
        rto_budget(attrs.evolve(inputs, health_check_failure_threshold=low)).total_seconds
        <= rto_budget(attrs.evolve(inputs, health_check_failure_threshold=high)).total_seconds
    )


@given(s.budget_inputs(), st.integers(0, 300), st.integers(0, 300))
def test_rto_never_falls_as_client_caching_grows(inputs, a, b):
    """More client DNS caching never gives a smaller worst-case RTO."""
    low, high = sorted((a, b))
    assert (
        rto_budget(attrs.evolve(inputs, client_dns_cache_seconds=low)).total_seconds
        <= rto_budget(attrs.evolve(inputs, client_dns_cache_seconds=high)).total_seconds
    )


@given(s.budget_inputs())
def test_budget_fails_exactly_the_inputs_past_the_rto_target(inputs):
    """meets_target is False exactly when the restated worst case exceeds the RTO target."""
    assert rto_budget(inputs).meets_target is (_worst_case_rto(inputs) <= inputs.rto_target_seconds)


@given(s.budget_inputs())
def test_spec_rejects_exactly_the_specs_past_the_rto_target(inputs):
    """A spec past the RTO target raises SpecError naming health_check_failure_threshold; others build."""
    if _worst_case_rto(inputs) > inputs.rto_target_seconds:
        with pytest.raises(SpecError) as caught:
            _spec(inputs)
        assert caught.value.field == "health_check_failure_threshold"
    else:
        assert _spec(inputs).budget_inputs == inputs


@given(s.budget_inputs(meets_rto=True, lag_below_rpo=None))
def test_rpo_check_fails_exactly_lag_alarms_at_or_above_the_rpo(inputs):
    """The RPO check fails exactly when the DynamoDB lag alarm threshold is not below the RPO target."""
    lag, rpo = inputs.replication_lag_threshold_seconds, inputs.rpo_target_seconds
    assert rpo_budget(inputs).meets_target is (lag < rpo)


@given(s.budget_inputs(meets_rto=True, lag_below_rpo=False))
def test_spec_rejects_every_lag_alarm_at_or_above_the_rpo(inputs):
    """A spec whose lag alarm threshold is at or above its RPO raises SpecError naming that field."""
    with pytest.raises(SpecError) as caught:
        _spec(inputs)
    assert caught.value.field == "replication_lag_threshold_seconds"


@given(s.budget_inputs(meets_rto=True, lag_below_rpo=True))
def test_spec_accepts_every_lag_alarm_below_the_rpo(inputs):
    """A spec within the RTO target whose lag alarm is below its RPO builds."""
    assert _spec(inputs).budget_inputs == inputs


@given(s.budget_inputs(lag_below_rpo=None))
def test_rto_rows_add_up_to_the_worst_case(inputs):
    """The rows the table prints add up to the worst-case RTO; the Detection rows to the detection time."""
    report = BudgetReport(inputs=inputs)
    rows = report.rto_rows()
    assert sum(r.seconds for r in rows) == report.rto.total_seconds == _worst_case_rto(inputs)
    assert sum(r.seconds for r in rows if r.group == "Detection") == report.rto.detection_seconds


@given(s.budget_inputs(lag_below_rpo=None))
def test_cli_reports_the_budget_and_exits_1_exactly_when_it_is_missed(inputs):
    """`drkit budget --json` with any in-range overrides prints the budget's numbers; exit 1 iff a target is missed."""
    code, out, _ = _cli(["budget", "--json", *_flags(inputs)])
    printed = json.loads(out)
    assert printed["inputs"] == attrs.asdict(inputs)
    assert printed["rto"]["total_seconds"] == _worst_case_rto(inputs)
    missed = _worst_case_rto(inputs) > inputs.rto_target_seconds or (
        inputs.replication_lag_threshold_seconds >= inputs.rpo_target_seconds
    )
    assert code == (1 if missed else 0)


# ----- drkit budget -----------------------------------------------------------------


def test_default_budget_prints_every_row():
    """The default spec's table shows each RTO and RPO row and exits 0."""
    code, out, err = _cli(["budget"])
    assert code == 0 and err == ""
    flat = " ".join(out.split())
    for row in (
        "health checks fail 30 s 10 s interval x 3 consecutive failures",
        "checker spread 10 s",
        "status propagation 10 s",
        "alias record TTL 60 s",
        "client caching past the TTL 30 s",
        "function cold start 10 s",
        "worst-case RTO 150 s",
        "target 300 s",
        "margin 150 s met",
        "DynamoDB AWS replication guarantee none",
        "ReplicationLatency alarm 30 s > 30000 ms for 1 x 60 s",
        "stalled replication alarmed within 90 s",
        "canary measured-lag alarm 60 s",
        "S3 AWS replication guarantee (RTC) 900 s",
        "heartbeat-age alarm 120 s",
        "an RPO under a minute for objects is measured by the canary, not guaranteed by AWS",
    ):
        assert row in flat, row


def test_python_dash_m_budget_needs_no_jsii():
    """`python -m drkit budget` succeeds without importing cdktf, jsii or boto3 (so it starts fast)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "drkit", "budget"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("DRKIT_")},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "worst-case RTO" in done.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if "|" in line
    }
    assert "drkit" in imported
    assert not imported & {
        "cdktf",
        "jsii",
        "constructs",
        "cdktf_cdktf_provider_aws",
        "boto3",
        "botocore",
    }


def test_failing_overrides_print_the_failing_table_and_exit_1():
    """--interval 30 --threshold 10 is past the 300 s target: the table says so and the exit code is 1."""
    code, out, _ = _cli(["budget", "--interval", "30", "--threshold", "10"])
    flat = " ".join(out.split())
    assert code == 1
    assert "worst-case RTO 440 s" in flat and "margin -140 s NOT MET" in flat
    assert "the failure threshold can be at most 5" in flat


def test_lag_override_at_the_rpo_exits_1():
    """A DynamoDB lag alarm equal to the RPO fails the RPO check."""
    code, out, _ = _cli(["budget", "--lag-threshold", "60"])
    assert code == 1 and "RPO NOT met" in out


def test_out_of_range_override_is_a_bad_spec():
    """An override outside its field's range is a bad spec: exit 2 and one line naming the field."""
    code, out, err = _cli(["budget", "--interval", "20"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "health_check_interval_seconds" in err and "10 s, 30 s" in err


def _layout(path: Path, weights: tuple[int, ...] = (60, 25, 15), **fields: int) -> Path:
    """A TOML layout of up to three regions with top-level ``fields``."""
    regions = ("us-east-1", "us-west-2", "eu-west-1")
    text = "".join(f"{k} = {v}\n" for k, v in fields.items())
    for i, weight in enumerate(weights):
        role = "primary" if i == 0 else "secondary"
        text += f'\n[[regions]]\nregion = "{regions[i]}"\nrole = "{role}"\nweight = {weight}\ncidr = "10.{i}.0.0/16"\n'
    path.write_text(text)
    return path


def test_invalid_config_is_one_line_and_exit_2(tmp_path):
    """A layout whose weights do not sum to 100 is reported in one line with exit 2."""
    config = _layout(tmp_path / "bad.toml", weights=(60, 30))
    code, out, err = _cli(["budget"], {"DRKIT_CONFIG": str(config)})
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and "regions[].weight" in err


def test_config_past_its_target_prints_the_failing_table(tmp_path):
    """A layout the spec refuses for its budget still gets its table (exit 1), not only the error."""
    config = _layout(
        tmp_path / "slow.toml", health_check_interval_seconds=30, health_check_failure_threshold=10
    )
    with pytest.raises(SpecError, match="health_check_failure_threshold"):
        DeploymentSpec.from_toml(config)

    code, out, _ = _cli(["budget"], {"DRKIT_CONFIG": str(config)})
    assert code == 1
    assert "eu-west-1" in out and "worst-case RTO" in out and "NOT MET" in out


def test_environment_suffix_does_not_matter():
    """ENVIRONMENT_SUFFIX (even an invalid one) does not change or break the budget."""
    code, out, _ = _cli(["budget", "--json"], {"ENVIRONMENT_SUFFIX": "Not_Valid"})
    assert code == 0 and json.loads(out)["meets_targets"] is True


def test_unknown_command_is_a_usage_error():
    """A command drkit does not have exits 2 with argparse's usage message."""
    code, _, err = _cli(["nonsense"])
    assert code == 2 and "invalid choice" in err


def test_no_command_prints_help_and_exits_2():
    """`drkit` alone lists the commands and exits 2."""
    code, _, err = _cli([])
    assert code == 2 and "budget" in err and "drill" in err


# ----- the budget and the synthesized stack agree -----------------------------------

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
    return _layout(
        tmp_path_factory.mktemp("budget") / "custom.toml", weights=(50, 50), **CUSTOM_BUDGET
    )


@pytest.fixture(scope="module")
def custom_spec(custom_config) -> DeploymentSpec:
    return DeploymentSpec.from_toml(custom_config, environment_suffix="test")


@pytest.fixture(scope="module")
def custom_stack(custom_spec) -> dict[str, Any]:
    from tests.helpers import synth_json

    return synth_json(
        custom_spec
    )  # the provider is loaded once per process; this synth takes about a second


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


@pytest.mark.synth
@pytest.mark.parametrize("case", ["default", "three_region", "custom"])
def test_budget_json_is_what_the_stack_carries(case, request):
    """Health checks and lag alarms carry the spec's numbers, and `drkit budget --json` prints the same ones."""
    spec: DeploymentSpec = request.getfixturevalue(f"{case}_spec")
    stack: dict[str, Any] = request.getfixturevalue(f"{case}_stack")
    config = {
        "default": None,
        "three_region": ROOT / "examples" / "three-region.toml",
        "custom": request.getfixturevalue("custom_config") if case == "custom" else None,
    }[case]
    code, out, _ = _cli(["budget", "--json"], {"DRKIT_CONFIG": str(config)} if config else {})
    assert code == 0
    printed = json.loads(out)
    assert printed["inputs"] == attrs.asdict(spec.budget_inputs)
    res = printed["resources"]
    n = len(spec.regions)

    checks = resources(stack, "aws_route53_health_check").values()
    assert len(checks) == n
    assert (
        {(c["request_interval"], c["failure_threshold"]) for c in checks}
        == {(spec.health_check_interval_seconds, spec.health_check_failure_threshold)}
        == {
            (
                res["route53_health_check"]["request_interval"],
                res["route53_health_check"]["failure_threshold"],
            )
        }
    )

    ddb = _alarms(stack, "ReplicationLatency", "AWS/DynamoDB")
    assert len(ddb) == 2 * n * (n - 1)  # two tables, every ordered pair of regions
    expected = res["dynamodb_replication_latency_alarm"]
    assert (
        _shape(ddb)
        == {
            (
                spec.replication_lag_threshold_seconds * 1000,
                60,
                spec.replication_alarm_evaluation_periods,
            )
        }
        == {(expected["threshold_ms"], expected["period_seconds"], expected["evaluation_periods"])}
    )

    s3 = _alarms(stack, "ReplicationLatency", "AWS/S3")
    expected = res["s3_replication_latency_alarm"]
    assert len(s3) == n * (n - 1)
    assert (
        _shape(s3)
        == {(spec.rpo_target_seconds, 60, spec.replication_alarm_evaluation_periods)}
        == {
            (
                expected["threshold_seconds"],
                expected["period_seconds"],
                expected["evaluation_periods"],
            )
        }
    )

    lag = _alarms(stack, "ReplicationLag")
    expected = res["canary_replication_lag_alarm"]
    assert len(lag) == 3 * n * (n - 1)  # three stores, every ordered pair
    assert {a["threshold"] for a in lag} == {spec.rpo_target_seconds}
    assert _shape(lag) == {
        (expected["threshold_seconds"], expected["period_seconds"], expected["evaluation_periods"])
    }

    stale = _alarms(stack, "HeartbeatAge")
    expected = res["canary_heartbeat_age_alarm"]
    assert len(stale) == 3 * n * (n - 1)
    assert {a["threshold"] for a in stale} == {
        spec.rpo_target_seconds + budget.CANARY_PERIOD_SECONDS
    }
    assert _shape(stale) == {
        (expected["threshold_seconds"], expected["period_seconds"], expected["evaluation_periods"])
    }
