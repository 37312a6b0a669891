"""LocalDeployment's step order, without a synth or an emulator."""

from __future__ import annotations

import pytest

from drkit.deploy.local import LocalDeployment
from drkit.deploy.terraform import Terraform
from drkit_emulator.runner import Emulator


def test_steps_before_synthesize_say_so(tmp_path):
    deployment = LocalDeployment(emulator=Emulator(), workdir=tmp_path)
    with pytest.raises(RuntimeError, match=r"synthesize\(\) first"):
        deployment.init()


def test_apply_without_a_saved_plan_says_plan_first(tmp_path):
    """apply() applies exactly the plan that was scanned, so it needs one."""
    deployment = LocalDeployment(emulator=Emulator(), workdir=tmp_path)
    deployment.stack_dir = tmp_path
    deployment.terraform = Terraform.for_stack(tmp_path)
    with pytest.raises(RuntimeError, match=r"plan\(\) first"):
        deployment.apply()
    assert deployment.timings == []
