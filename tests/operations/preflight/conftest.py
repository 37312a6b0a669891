"""The preflight's fixtures: the session's emulator, a spec whose names no other test uses."""

from __future__ import annotations

import uuid

import pytest

from drkit.regions.spec import DeploymentSpec, RegionSpec, Role
from drkit_emulator.runner import Emulator

#: Regions no other emulator test puts functions in.
PRIMARY, SECONDARY = "eu-west-3", "ap-southeast-2"


@pytest.fixture
def aws(shared_emulator: Emulator) -> Emulator:
    """The session's emulator, as other tests left it (names here are unique)."""
    return shared_emulator


@pytest.fixture
def spec() -> DeploymentSpec:
    """Two regions, a suffix and a zone name of this test's own."""
    tag = uuid.uuid4().hex[:6]
    return DeploymentSpec(
        regions=(
            RegionSpec(region=PRIMARY, role=Role.PRIMARY, weight=70, cidr="10.0.0.0/16"),
            RegionSpec(region=SECONDARY, role=Role.SECONDARY, weight=30, cidr="10.1.0.0/16"),
        ),
        environment_suffix=f"pf{tag}",
        dns_zone_name=f"dr-{tag}.example.com",
    )
