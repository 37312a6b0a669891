"""DrainSwitch: an encrypted parameter whose value belongs to operators once created."""

from __future__ import annotations

import pytest

from drkit.regions.parameter_store import GET_PARAMETER_DEFAULT_TPS, drain_reads_per_second
from drkit.regions.quotas import HEALTH_RESERVED_CONCURRENCY
from drkit.services.apigateway import HEALTH_RATE_LIMIT
from drkit.services.ssm import DrainSwitch, DrainSwitchProps
from tests.helpers import only

pytestmark = pytest.mark.synth


def test_drain_switch_is_encrypted_and_left_to_operators(h):
    """A SecureString, created active; Terraform ignores later changes of its value."""
    DrainSwitch(h.stack, "d", props=DrainSwitchProps(placement=h["us-east-1"], key=h.key()))
    out = only(h.synth(), "aws_ssm_parameter")
    assert out["type"] == "SecureString" and out["value"] == "active"
    assert out["lifecycle"]["ignore_changes"] == ["value"]


def test_health_cannot_exhaust_parameter_store():
    """/health reads the drain switch at under a tenth of SSM's default TPS, whatever the spec.

    Only the health function reads it, each container at most once per cache interval, and
    it has a fixed reservation of its own; the rest of the quota is left to operators, drills
    and the other functions' one read each of the peers' endpoints.
    """
    worst = drain_reads_per_second(
        containers=HEALTH_RESERVED_CONCURRENCY, health_rate_limit=HEALTH_RATE_LIMIT
    )
    assert worst <= GET_PARAMETER_DEFAULT_TPS / 10
    # Without the cache every admitted request would read it: 100 per second.
    assert HEALTH_RATE_LIMIT > GET_PARAMETER_DEFAULT_TPS
