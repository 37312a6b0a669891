"""LocalDeployment's step order and its layout changes, without a synth or an emulator."""

from __future__ import annotations

import pytest

from drkit.deploy.local import LayoutChange, LocalDeployment
from drkit.deploy.stackset import StackSet
from drkit.regions import DeploymentSpec
from drkit_emulator.runner import Emulator


def test_steps_before_synthesize_say_so(tmp_path):
    deployment = LocalDeployment(emulator=Emulator(), workdir=tmp_path)
    for step in (deployment.init, deployment.deploy, deployment.drift, deployment.destroy):
        with pytest.raises(RuntimeError, match=r"synthesize\(\) first"):
            step()
    assert deployment.timings == []


def _stacks(spec: DeploymentSpec, tmp_path) -> StackSet:
    return StackSet(outdir=tmp_path, plans=spec.stacks)


def test_a_layout_change_names_the_stacks_it_adds_and_removes(tmp_path):
    """Adding eu-west-1 adds its stack alone; taking it away removes only that stack."""
    two = DeploymentSpec.default()
    three = DeploymentSpec.from_mapping(
        {
            "regions": [
                {"region": "us-east-1", "role": "primary", "weight": 60, "cidr": "10.0.0.0/16"},
                {"region": "us-west-2", "role": "secondary", "weight": 25, "cidr": "10.1.0.0/16"},
                {"region": "eu-west-1", "role": "secondary", "weight": 15, "cidr": "10.2.0.0/16"},
            ]
        }
    )
    added = LayoutChange.between(_stacks(two, tmp_path), _stacks(three, tmp_path))
    assert (added.added, added.removed) == (("drkit-euw1",), ())
    removed = LayoutChange.between(_stacks(three, tmp_path), _stacks(two, tmp_path))
    assert (removed.added, removed.removed) == ((), ("drkit-euw1",))
