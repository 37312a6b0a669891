"""``drkit drill`` against an in-process moto: the switch is flipped, always restored, and checked first.

moto answers every health check with one always-healthy checker and serves no
DNS, so the checkers' verdict is simulated here from the switch's value; how
fast real checkers and real DNS react can only be measured in AWS.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable
from typing import Any

import attrs
import boto3
import pytest
from moto import mock_aws

from drkit.commands import main
from drkit.operations import drill
from drkit.regions import budget
from drkit.regions.naming import Namer, ResourceType
from drkit.regions.spec import DeploymentSpec

SUFFIX = "test"
PRIMARY, SECONDARY = "us-east-1", "us-west-2"
NAMER = Namer(SUFFIX)
CHECKERS = 16  # about as many as Route 53 reports for one health check


@attrs.define
class Deployment:
    """The few resources a drill touches, created in moto as Terraform would."""

    key_ids: dict[str, str]
    health_check_ids: dict[str, str]

    @staticmethod
    def ssm(region: str) -> Any:
        return boto3.client("ssm", region_name=region)

    def switch(self, region: str) -> str:
        return self.ssm(region).get_parameter(Name=_param(region), WithDecryption=True)[
            "Parameter"
        ]["Value"]

    def history(self, region: str) -> list[str]:
        versions = self.ssm(region).get_parameter_history(Name=_param(region), WithDecryption=True)[
            "Parameters"
        ]
        return [v["Value"] for v in versions]


def _param(region: str) -> str:
    return NAMER(ResourceType.SSM_PARAMETER, "drain", region)


@pytest.fixture
def deployment(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("ENVIRONMENT_SUFFIX", SUFFIX)
    for name in ("DRKIT_CONFIG", "DRKIT_TARGET", "DRKIT_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        route53 = boto3.client("route53", region_name="us-east-1")
        keys, checks = {}, {}
        for i, region in enumerate((PRIMARY, SECONDARY)):
            keys[region] = boto3.client("kms", region_name=region).create_key()["KeyMetadata"][
                "Arn"
            ]
            Deployment.ssm(region).put_parameter(
                Name=_param(region), Value="active", Type="SecureString", KeyId=keys[region]
            )
            check = route53.create_health_check(
                CallerReference=f"drill-{i}",
                HealthCheckConfig={
                    "Type": "HTTPS",
                    "FullyQualifiedDomainName": f"api{i}.execute-api.{region}.amazonaws.com",
                    "Port": 443,
                    "ResourcePath": "/health",
                    "RequestInterval": 10,
                    "FailureThreshold": 3,
                },
            )["HealthCheck"]["Id"]
            route53.change_tags_for_resource(
                ResourceType="healthcheck",
                ResourceId=check,
                AddTags=[{"Key": "Name", "Value": NAMER(ResourceType.HEALTH_CHECK, "api", region)}],
            )
            checks[region] = check
        # A stray check of another deployment must not be picked up.
        stray = route53.create_health_check(
            CallerReference="stray",
            HealthCheckConfig={
                "Type": "HTTPS",
                "FullyQualifiedDomainName": "x.example.com",
                "Port": 443,
            },
        )["HealthCheck"]["Id"]
        route53.change_tags_for_resource(
            ResourceType="healthcheck",
            ResourceId=stray,
            AddTags=[
                {
                    "Key": "Name",
                    "Value": Namer("other")(ResourceType.HEALTH_CHECK, "api", SECONDARY),
                }
            ],
        )
        yield Deployment(key_ids=keys, health_check_ids=checks)


class SimulatedRoute53:
    """moto's Route 53, except that health-check status follows the drain switch.

    Every call is a new report from each of ``CHECKERS`` checkers; a drained
    region's checkers report failures, like the runtime's 503. ``seen`` records
    the switch value behind every status the drill read.
    """

    def __init__(
        self, deployment: Deployment, *, fail: Callable[[str], bool] | None = None
    ) -> None:
        self._client = boto3.client("route53", region_name="us-east-1")
        self._deployment = deployment
        self._by_id = {v: k for k, v in deployment.health_check_ids.items()}
        self._fail = fail
        self._calls = 0
        self.seen: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def get_health_check_status(self, HealthCheckId: str) -> dict[str, Any]:
        region = self._by_id[HealthCheckId]
        value = self._deployment.switch(region)
        self.seen.append((region, value))
        failing = value == "drained" or (self._fail is not None and self._fail(region))
        self._calls += 1
        checked = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
            seconds=self._calls
        )
        status = (
            "Failure: HTTP Status Code 503, Service Unavailable."
            if failing
            else "Success: HTTP Status Code 200."
        )
        return {
            "HealthCheckObservations": [
                {
                    "Region": f"r{n}",
                    "IPAddress": f"192.0.2.{n}",
                    "StatusReport": {"Status": status, "CheckedTime": checked},
                }
                for n in range(CHECKERS)
            ]
        }


@attrs.define
class FakeClock:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _drill(
    deployment: Deployment,
    *,
    route53: Any = None,
    ssm: Any = None,
    probe: drill.Probe | None = None,
    clock: FakeClock | None = None,
    timeout: float = 600,
    lines: list[str] | None = None,
) -> drill.Drill:
    spec = DeploymentSpec.default(environment_suffix=SUFFIX)
    real = drill.boto3_clients()
    route53 = route53 or SimulatedRoute53(deployment)

    def clients(service: str, region: str) -> Any:
        if service == "route53":
            return route53
        if service == "ssm" and ssm is not None:
            return ssm
        return real(service, region)

    clock = clock or FakeClock()
    return drill.Drill(
        plan=drill.DrillPlan.from_spec(spec, SECONDARY),
        clients=clients,
        settings=drill.DrillSettings(timeout_seconds=timeout, poll_seconds=5, samples_per_poll=5),
        probe=probe,
        clock=clock,
        sleep=clock.sleep,
        out=(lines if lines is not None else []).append,
    )


# ----- flip, measure, restore -------------------------------------------------------


def test_drill_drains_measures_and_restores(deployment):
    """The switch reads 'drained' while the drill measures, and 'active' once it is over."""
    route53 = SimulatedRoute53(deployment)
    clock = FakeClock()
    d = _drill(
        deployment,
        route53=route53,
        clock=clock,
        probe=lambda: SECONDARY if clock.now < 40 else PRIMARY,
    )

    result = d.execute(d.preflight())

    # Baseline read, then every read while measuring saw 'drained', then only 'active'.
    values = [value for region, value in route53.seen if region == SECONDARY]
    assert [k for k, _ in itertools.groupby(values)] == ["active", "drained", "active"]
    assert deployment.switch(SECONDARY) == "active"
    assert deployment.history(SECONDARY) == ["active", "drained", "active"]
    assert result.restored and not result.timed_out
    # 3 consecutive failed reports, one per 5 s poll, the first at t=0.
    assert result.unhealthy_seconds == 10
    # The region stops answering at t=40; 20 answers from elsewhere confirm it (weight 30 %).
    assert drill.required_misses(30) == 20
    assert result.traffic_off_seconds == 40
    assert result.recovered_seconds == 10


def test_drill_within_budget_exits_zero_and_prints_the_budget(deployment):
    """A drill that sees everything within budget exits 0 and prints measured next to budgeted."""
    clock = FakeClock()
    lines: list[str] = []
    d = _drill(
        deployment, clock=clock, lines=lines, probe=lambda: SECONDARY if clock.now < 40 else PRIMARY
    )

    assert d.run() == 0
    text = "\n".join(lines)
    assert re.search(r"Route 53 judges it unhealthy +10\.0 s +40 s +within budget", text)
    assert re.search(r"requests stop reaching it +40\.0 s +110 s +within budget", text)
    assert "OVER BUDGET" not in text
    assert f"worst-case RTO is {budget.rto_budget(d.plan.inputs).total_seconds} s" in text


def test_secure_string_keeps_its_key(deployment):
    """Flipping and restoring a SecureString switch keeps its KMS key."""
    _drill(deployment).run()
    described = Deployment.ssm(SECONDARY).describe_parameters(
        ParameterFilters=[{"Key": "Name", "Values": [_param(SECONDARY)]}]
    )["Parameters"][0]
    assert described["Type"] == "SecureString"
    assert described["KeyId"] == deployment.key_ids[SECONDARY]


def test_restores_when_the_wait_times_out(deployment, capsys):
    """With moto's always-healthy checker the wait times out: exit 1, switch restored."""
    code = main(
        [
            "drill",
            "--region",
            SECONDARY,
            "--yes",
            "--timeout",
            "0.2",
            "--poll-seconds",
            "0.05",
            "--no-traffic-probe",
        ]
    )

    assert code == 1
    assert "timed out" in capsys.readouterr().out
    assert deployment.history(SECONDARY) == ["active", "drained", "active"]


@pytest.mark.parametrize("error", [RuntimeError("checker API broke"), KeyboardInterrupt()])
def test_restores_when_the_wait_raises(deployment, error):
    """An error or Ctrl-C while waiting still restores the switch, then propagates."""

    class Breaking(SimulatedRoute53):
        def get_health_check_status(self, HealthCheckId: str) -> dict[str, Any]:
            if deployment.switch(SECONDARY) == "drained":
                raise error
            return super().get_health_check_status(HealthCheckId)

    d = _drill(deployment, route53=Breaking(deployment))
    with pytest.raises(type(error)):
        d.execute(d.preflight())
    assert deployment.history(SECONDARY) == ["active", "drained", "active"]


def test_interrupt_through_the_cli_restores_and_exits_130(deployment, monkeypatch, capsys):
    """Ctrl-C during `drkit drill` restores the switch and exits 130."""

    def interrupted(*args: Any) -> str:
        raise KeyboardInterrupt  # the first progress line comes after the flip

    monkeypatch.setattr(drill.Drill, "_progress", interrupted)
    code = main(["drill", "--region", SECONDARY, "--yes", "--no-traffic-probe"])

    assert code == 130
    assert "interrupted" in capsys.readouterr().err
    assert deployment.history(SECONDARY) == ["active", "drained", "active"]


def test_failed_restore_says_how_to_restore_by_hand(deployment):
    """When the restore keeps failing the drill exits 3 and prints the exact command."""
    real = Deployment.ssm(SECONDARY)

    class RefusingRestore:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def put_parameter(self, **kwargs: Any) -> Any:
            if kwargs["Value"] == "active":
                raise RuntimeError("AccessDenied")
            return real.put_parameter(**kwargs)

    lines: list[str] = []
    code = _drill(deployment, ssm=RefusingRestore(), lines=lines).run()

    assert code == drill.EXIT_RESTORE_FAILED
    assert any(
        "COULD NOT BE RESTORED" in line
        and f"aws ssm put-parameter --region {SECONDARY} --name {_param(SECONDARY)}" in line
        for line in lines
    )


# ----- nothing changes unless every check passes ------------------------------------


def test_dry_run_prints_the_plan_and_changes_nothing(deployment, capsys):
    """--dry-run runs the read-only preflight, prints the plan and writes nothing."""
    code = main(["drill", "--region", SECONDARY, "--dry-run"])

    out = capsys.readouterr().out
    assert code == 0
    assert _param(SECONDARY) in out
    assert f"Name={NAMER(ResourceType.HEALTH_CHECK, 'api', SECONDARY)}" in out
    assert deployment.health_check_ids[SECONDARY] in out
    assert "nothing was changed" in out
    assert deployment.history(SECONDARY) == ["active"]


def test_unknown_region_is_a_clear_error(deployment, capsys):
    """A region outside the spec: exit 2, one line naming it and the allowed regions, nothing written."""
    code = main(["drill", "--region", "eu-central-1", "--yes"])

    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "eu-central-1" in err and f"{PRIMARY}, {SECONDARY}" in err
    assert deployment.history(SECONDARY) == ["active"] and deployment.history(PRIMARY) == ["active"]


def test_refuses_a_switch_that_is_already_drained(deployment, capsys):
    """A switch already 'drained' (a maintenance drain) is left alone: exit 1, the drill refused."""
    Deployment.ssm(SECONDARY).put_parameter(Name=_param(SECONDARY), Value="drained", Overwrite=True)

    code = main(["drill", "--region", SECONDARY, "--yes", "--no-traffic-probe"])

    assert code == 1
    assert "maintenance" in capsys.readouterr().err
    assert deployment.history(SECONDARY) == ["active", "drained"]


def test_refuses_when_another_region_is_unhealthy(deployment):
    """Draining one region while the other fails its health check is refused before any write."""
    d = _drill(
        deployment, route53=SimulatedRoute53(deployment, fail=lambda region: region == PRIMARY)
    )

    with pytest.raises(drill.DrillError, match=PRIMARY):
        d.run()
    assert deployment.history(SECONDARY) == ["active"]


def test_refuses_when_the_health_check_is_missing(deployment):
    """Without the region's tagged health check the drill names the tag it looked for."""
    boto3.client("route53", region_name="us-east-1").delete_health_check(
        HealthCheckId=deployment.health_check_ids[SECONDARY]
    )

    with pytest.raises(drill.DrillError, match=NAMER(ResourceType.HEALTH_CHECK, "api", SECONDARY)):
        _drill(deployment).run()
    assert deployment.history(SECONDARY) == ["active"]


def test_declined_confirmation_changes_nothing(deployment, monkeypatch, capsys):
    """Without --yes, any answer but the region's name aborts."""
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")

    code = main(["drill", "--region", SECONDARY, "--no-traffic-probe"])

    assert code == 1
    assert "not confirmed" in capsys.readouterr().out
    assert deployment.history(SECONDARY) == ["active"]


# ----- the estimators --------------------------------------------------------------


def _reports(ok: list[bool], at: int) -> list[drill.CheckerReport]:
    return [drill.CheckerReport(checker=str(n), ok=v, checked_at=at) for n, v in enumerate(ok)]


def test_a_checker_turns_unhealthy_only_after_threshold_new_reports():
    """Repeated reads of the same report do not count as consecutive failures."""
    view = drill.Route53View(threshold=3)
    view.update(_reports([True] * 10, at=0))
    for _ in range(5):
        view.update(_reports([False] * 10, at=1))
    assert view.healthy
    view.update(_reports([False] * 10, at=2))
    view.update(_reports([False] * 10, at=3))
    assert not view.healthy


def test_route53_needs_more_than_18_percent_healthy_checkers():
    """2 of 10 healthy checkers (20 %) keep the endpoint healthy; 1 of 10 does not."""
    for healthy, expected in ((2, True), (1, False)):
        view = drill.Route53View(threshold=1)
        view.update(_reports([True] * healthy + [False] * (10 - healthy), at=0))
        assert view.healthy is expected


def test_traffic_is_inconclusive_until_the_region_answered_once():
    """Misses alone never confirm that a region left DNS: it might never have been picked."""
    watch = drill.TrafficWatch(region=SECONDARY, required=2)
    for t in range(5):
        watch.record(t, PRIMARY)
    assert watch.off_at is None
    watch.record(5, SECONDARY)
    watch.record(6, None)
    watch.record(7, PRIMARY)
    watch.record(8, PRIMARY)
    assert watch.off_at == 7


def test_a_weight_zero_region_has_no_traffic_to_measure():
    """Weight 0 cannot be measured; a heavier region needs fewer misses than a lighter one."""
    assert drill.required_misses(0) is None
    assert drill.required_misses(100) == 1
    assert drill.required_misses(70) < drill.required_misses(30) < drill.required_misses(5)
