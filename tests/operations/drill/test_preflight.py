"""The preflight: read only, and it refuses before anything is written."""

from __future__ import annotations

import pytest

from drkit.errors import DrillError
from drkit.operations.drill.preflight import Preflight
from tests.operations.drill.support import (
    PRIMARY,
    SECONDARY,
    SimulatedRoute53,
    check_name,
    make_drill,
    param,
)


def _check(deployment, route53=None) -> Preflight:
    plan = make_drill(deployment).plan
    return Preflight.check(
        plan, ssm=deployment.ssm(SECONDARY), route53=route53 or SimulatedRoute53(deployment)
    )


def test_a_healthy_deployment_passes_with_the_switch_and_every_check(deployment):
    """The preflight returns the switch as read and the health check of every region."""
    found = _check(deployment)
    assert found.switch.value == "active" and found.switch.name == param(SECONDARY)
    assert dict(found.health_check_ids) == deployment.health_check_ids


def test_refuses_a_switch_that_is_already_drained(deployment):
    """A switch already 'drained' (a maintenance drain) is left alone."""
    ssm = deployment.ssm(SECONDARY)
    ssm.put_parameter(Name=param(SECONDARY), Value="drained", Overwrite=True)

    with pytest.raises(DrillError, match="maintenance drain may be in progress"):
        _check(deployment)
    assert deployment.history(SECONDARY) == ["active", "drained"]


def test_refuses_when_another_region_is_unhealthy(deployment):
    """Draining one region while the other fails its health check is refused, naming it."""
    failing = SimulatedRoute53(deployment, fail=lambda region: region == PRIMARY)
    with pytest.raises(DrillError, match=f"{PRIMARY} is not healthy \\(16/16 checkers failing\\)"):
        _check(deployment, failing)


def test_refuses_when_the_health_check_is_missing(deployment):
    """Without the region's tagged health check the drill names the tag it looked for."""
    deployment.route53.delete_health_check(HealthCheckId=deployment.health_check_ids[SECONDARY])
    with pytest.raises(
        DrillError, match=f"no Route 53 health check tagged Name={check_name(SECONDARY)}"
    ):
        _check(deployment)


def test_refuses_when_the_switch_does_not_exist(deployment):
    """A missing switch (wrong suffix, not applied) is one error that names the suffix."""
    deployment.ssm(SECONDARY).delete_parameter(Name=param(SECONDARY))
    with pytest.raises(DrillError, match=f"no drain switch {param(SECONDARY)}.*ENVIRONMENT_SUFFIX"):
        _check(deployment)


def test_a_refused_drill_writes_nothing(deployment):
    """Drill.run stops at a failed preflight: the switch keeps its one version."""
    failing = SimulatedRoute53(deployment, fail=lambda region: region == PRIMARY)
    with pytest.raises(DrillError):
        make_drill(deployment, route53=failing).run()
    assert deployment.history(SECONDARY) == ["active"]
