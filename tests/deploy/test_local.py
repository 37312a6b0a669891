"""LocalDeployment's step order and its layout changes, without a synth or an emulator."""

from __future__ import annotations

import pytest

from drkit.deploy.local import LocalDeployment
from drkit_emulator.runner import Emulator


def test_steps_before_synthesize_say_so(tmp_path):
    deployment = LocalDeployment(emulator=Emulator(), workdir=tmp_path)
    for step in (deployment.init, deployment.deploy, deployment.drift, deployment.destroy):
        with pytest.raises(RuntimeError, match=r"synthesize\(\) first"):
            step()
    assert deployment.timings == []
