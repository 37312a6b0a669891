"""Shared fixtures: hypothesis profiles and stacks synthesized once per session.

Loading the AWS provider bindings costs seconds and hundreds of MB per
process, so every synthesized stack a test needs is built once per session and
shared; model-level tests never touch jsii.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from drkit_emulator.runner import Emulator
from tests.helpers import ROOT, synth_json

# No deadlines: `make test` runs the end-to-end deploys beside these tests on
# 2 cores, so an example's wall time measures the machine's load, not the code
# (a 200 ms deadline failed CI on a 447 ms CLI run). Speed is `make bench`'s job.
settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=200, derandomize=True, print_blob=True, deadline=None)
# Profiles for tests that synthesize: each example costs a synth.
settings.register_profile(
    "synth", max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def shared_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """One moto server per test process for every test that needs a clean AWS, not its own
    process (the emulator tests, the preflight's); tests name their resources uniquely."""
    with Emulator(log_dir=tmp_path_factory.mktemp("emulator-logs")) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def default_spec():
    from drkit.regions import DeploymentSpec

    return DeploymentSpec.default(environment_suffix="test")


@pytest.fixture(scope="session")
def three_region_spec():
    from drkit.regions import DeploymentSpec

    return DeploymentSpec.from_toml(
        ROOT / "examples" / "three-region.toml", environment_suffix="test"
    )


@pytest.fixture(scope="session")
def default_stack(default_spec) -> dict[str, Any]:
    return synth_json(default_spec)


@pytest.fixture(scope="session")
def three_region_stack(three_region_spec) -> dict[str, Any]:
    return synth_json(three_region_spec)
