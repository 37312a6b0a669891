"""Each region's stack stands alone; every name a stack uses is one resource of the synthesis.

The properties live in ``tests/synth/isolation.py``: the fixed layouts check them all, and
hypothesis checks them over 2-5 regions (always one layout without us-east-1).
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from drkit.regions.spec import DeploymentSpec
from tests.helpers import SYNTH_SETTINGS, synth_stacks
from tests.strategies import spec as s
from tests.synth.isolation import ISOLATION

pytestmark = pytest.mark.synth


@pytest.fixture(params=["default", "three", "four"])
def layout(request, default_spec, default_stacks, three_region_spec, three_region_stacks,
           four_region_spec, four_region_stacks):  # fmt: skip
    return {
        "default": (default_spec, default_stacks),
        "three": (three_region_spec, three_region_stacks),
        "four": (four_region_spec, four_region_stacks),
    }[request.param]


@pytest.mark.parametrize("prop", ISOLATION, ids=lambda p: p.__name__)
def test_fixed_layouts(prop, layout):
    """Each property holds for the default, three-region and four-region (no us-east-1)
    layouts."""
    prop(*layout)


WITHOUT_US_EAST_1 = s.deployment_specs(exclude=("us-east-1",))


def _two(primary: str, other: str) -> DeploymentSpec:
    return DeploymentSpec.from_mapping(
        {
            "environment_suffix": "iso",
            "regions": [
                {"region": primary, "role": "primary", "weight": 60, "cidr": "10.0.0.0/16"},
                {"region": other, "role": "secondary", "weight": 40, "cidr": "10.1.0.0/16"},
            ],
        }
    )


@SYNTH_SETTINGS
@given(st.one_of(s.deployment_specs(max_regions=5), WITHOUT_US_EAST_1))
@example(_two("eu-west-1", "ap-southeast-2"))
def test_random_layouts(spec):
    """Every isolation property holds for a random valid layout of 2 to 5 regions."""
    stacks = synth_stacks(spec)
    for prop in ISOLATION:
        prop(spec, stacks)
