"""The drill end to end in moto: the switch is flipped, measured against, and always restored."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit.errors import DrillError, SpecError
from drkit.operations.drill import runner
from drkit.operations.drill.plan import DrillSettings
from drkit.operations.drill.traffic import required_misses
from drkit.regions import budget
from drkit.regions.spec import DeploymentSpec
from tests.operations.drill.support import (
    PRIMARY,
    SECONDARY,
    SUFFIX,
    FakeClock,
    SimulatedRoute53,
    make_drill,
    param,
)


def test_drill_drains_measures_and_restores(deployment):
    """The switch reads 'drained' while the drill measures, and 'active' once it is over."""
    route53 = SimulatedRoute53(deployment)
    clock = FakeClock()
    d = make_drill(
        deployment,
        route53=route53,
        clock=clock,
        probe=lambda: SECONDARY if clock.now < 40 else PRIMARY,
    )

    result = d.execute(d.preflight())

    # Baseline read, then every read while measuring saw 'drained', then only 'active'.
    values = [value for region, value in route53.seen if region == SECONDARY]
    assert [k for k, _ in itertools.groupby(values)] == ["active", "drained", "active"]
    assert deployment.history(SECONDARY) == ["active", "drained", "active"]
    assert result.restored and not result.timed_out
    # 3 consecutive failed reports, one per 5 s poll, the first at t=0.
    assert result.unhealthy_seconds == 10
    # The region stops answering at t=40; 20 answers from elsewhere confirm it (weight 30 %).
    assert required_misses(30) == 20
    assert result.traffic_off_seconds == 40
    assert result.recovered_seconds == 10
    assert result.traffic_note is None


def test_drill_within_budget_exits_zero_and_prints_the_budget(deployment):
    """A drill that sees everything within budget exits 0 and prints measured next to budgeted."""
    clock = FakeClock()
    lines: list[str] = []
    d = make_drill(
        deployment, clock=clock, lines=lines, probe=lambda: SECONDARY if clock.now < 40 else PRIMARY
    )

    assert d.run() == 0
    text = "\n".join(lines)
    assert re.search(r"Route 53 judges it unhealthy +10\.0 s +45 s +within budget", text)
    assert re.search(r"requests stop reaching it +40\.0 s +115 s +within budget", text)
    assert "OVER BUDGET" not in text
    assert f"worst-case RTO is {budget.rto_budget(d.plan.inputs).total_seconds} s" in text


def test_timeout_restores_and_exits_1(deployment):
    """Checkers that never fail (as in the emulator): the drill times out, restores, exits 1."""
    lines: list[str] = []
    route53 = SimulatedRoute53(deployment, follow_switch=False)
    d = make_drill(deployment, route53=route53, timeout=30, lines=lines)

    assert d.run() == 1
    assert "timed out after 30 s" in lines
    assert deployment.history(SECONDARY) == ["active", "drained", "active"]


@pytest.mark.parametrize("error", [RuntimeError("checker API broke"), KeyboardInterrupt()])
def test_restores_when_the_wait_raises(deployment, error):
    """An error or Ctrl-C while waiting still restores the switch, then propagates."""

    class Breaking(SimulatedRoute53):
        def get_health_check_status(self, HealthCheckId: str) -> dict[str, Any]:
            if deployment.switch(SECONDARY) == "drained":
                raise error
            return super().get_health_check_status(HealthCheckId)

    d = make_drill(deployment, route53=Breaking(deployment))
    with pytest.raises(type(error)):
        d.execute(d.preflight())
    assert deployment.history(SECONDARY) == ["active", "drained", "active"]


def test_failed_restore_exits_3_and_says_how_to_restore_by_hand(deployment):
    """When the restore keeps failing the drill exits 3 and prints the exact command."""
    real = deployment.ssm(SECONDARY)

    class RefusingRestore:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def put_parameter(self, **kwargs: Any) -> Any:
            if kwargs["Value"] == "active":
                raise RuntimeError("AccessDenied")
            return real.put_parameter(**kwargs)

    lines: list[str] = []
    code = make_drill(deployment, ssm=RefusingRestore(), lines=lines).run()

    assert code == runner.EXIT_RESTORE_FAILED
    assert any(
        "COULD NOT BE RESTORED" in line
        and f"aws ssm put-parameter --region {SECONDARY} --name {param(SECONDARY)}" in line
        for line in lines
    )
    assert deployment.switch(SECONDARY) == "drained"


def test_dry_run_prints_the_plan_and_changes_nothing(deployment):
    """A dry run prints the plan with the health check's id and writes nothing."""
    lines: list[str] = []
    assert make_drill(deployment, lines=lines).run(dry_run=True) == 0
    assert any(deployment.health_check_ids[SECONDARY] in line for line in lines)
    assert lines[-1] == "dry run: preflight passed; nothing was changed"
    assert deployment.history(SECONDARY) == ["active"]


def test_declined_confirmation_changes_nothing(deployment):
    """The confirmation gets the region's name; a no leaves the switch alone and exits 1."""
    asked: list[str] = []

    def decline(region: str) -> bool:
        asked.append(region)
        return False

    assert make_drill(deployment).run(confirm=decline) == 1
    assert asked == [SECONDARY]
    assert deployment.history(SECONDARY) == ["active"]


def test_aws_errors_become_one_drill_error(deployment):
    """A botocore error anywhere in the drill is a DrillError saying AWS refused a call."""

    def refusing(service: str, region: str) -> Any:
        if service == "ssm":
            error = {"Error": {"Code": "AccessDeniedException", "Message": "no"}}
            raise ClientError(error, "GetParameter")
        return deployment.client(service, region)

    spec = DeploymentSpec.default(environment_suffix=SUFFIX)
    with pytest.raises(DrillError, match=r"AWS refused or failed a call: .*AccessDenied"):
        runner.run_drill(spec, SECONDARY, DrillSettings(), clients=refusing, confirm=False)


def test_an_emulator_gets_no_traffic_probe(deployment, capsys, monkeypatch):
    """With an endpoint URL the drill says what it cannot measure and sends no requests."""
    monkeypatch.setattr(runner, "https_probe", pytest.fail)
    spec = DeploymentSpec.default(environment_suffix=SUFFIX)
    code = runner.run_drill(
        spec,
        SECONDARY,
        DrillSettings(),
        clients=deployment.client,
        endpoint_url="http://127.0.0.1:1",
        dry_run=True,
    )

    out = capsys.readouterr().out
    assert code == 0
    assert "a drill exercises only the flip and the restore" in out
    assert "not measured (no probe" in out


def test_a_region_outside_the_spec_is_a_spec_error():
    """run_drill refuses a region the spec does not have (the command exits 2)."""
    spec = DeploymentSpec.default(environment_suffix=SUFFIX)
    with pytest.raises(SpecError, match="eu-central-1"):
        runner.run_drill(spec, "eu-central-1", DrillSettings(), clients=pytest.fail)


@pytest.mark.parametrize(("answer", "expected"), [(SECONDARY, True), ("yes", False), ("", False)])
def test_only_the_region_name_confirms(monkeypatch, answer, expected):
    """ask_region accepts exactly the region's name (spaces around it aside)."""
    monkeypatch.setattr("builtins.input", lambda prompt: f" {answer} ")
    assert runner.ask_region(SECONDARY) is expected


def test_end_of_input_does_not_confirm(monkeypatch):
    """No terminal to answer (EOF) aborts."""

    def eof(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", eof)
    assert runner.ask_region(SECONDARY) is False
