"""DrainSwitch: an encrypted parameter whose value belongs to operators once created."""

from __future__ import annotations

import pytest

from drkit.services.ssm import DrainSwitch, DrainSwitchProps
from tests.helpers import only

pytestmark = pytest.mark.synth


def test_drain_switch_is_encrypted_and_left_to_operators(h):
    """A SecureString, created active; Terraform ignores later changes of its value."""
    DrainSwitch(h.stack, "d", props=DrainSwitchProps(placement=h["us-east-1"], key=h.key()))
    out = only(h.synth(), "aws_ssm_parameter")
    assert out["type"] == "SecureString" and out["value"] == "active"
    assert out["lifecycle"]["ignore_changes"] == ["value"]
