"""Shared fixtures: hypothesis profiles and stacks synthesized once per session.

Loading the AWS provider bindings costs seconds and hundreds of MB per
process, so every synthesized stack a test needs is built once per session and
shared; model-level tests never touch jsii.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

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
def four_region_spec():
    """Four regions, none of them us-east-1 (the stack adds a provider there for Route 53)."""
    from drkit.regions import DeploymentSpec

    return DeploymentSpec.from_mapping(
        {
            "regions": [
                {"region": "eu-west-1", "role": "primary", "weight": 40, "cidr": "10.0.0.0/16"},
                {
                    "region": "eu-central-1",
                    "role": "secondary",
                    "weight": 30,
                    "cidr": "10.1.0.0/16",
                },
                {"region": "us-west-2", "role": "secondary", "weight": 20, "cidr": "10.2.0.0/16"},
                {
                    "region": "ap-southeast-2",
                    "role": "secondary",
                    "weight": 10,
                    "cidr": "10.3.0.0/16",
                },
            ]
        },
        environment_suffix="test",
    )


@pytest.fixture(scope="session")
def default_stack(default_spec) -> dict[str, Any]:
    return synth_json(default_spec)


@pytest.fixture(scope="session")
def three_region_stack(three_region_spec) -> dict[str, Any]:
    return synth_json(three_region_spec)


@pytest.fixture(scope="session")
def four_region_stack(four_region_spec) -> dict[str, Any]:
    return synth_json(four_region_spec)
