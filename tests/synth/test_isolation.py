"""Each region's stack stands alone; every name a stack uses is one resource of the synthesis.

The properties live in ``tests/synth/isolation.py``: the fixed layouts check them all, and
hypothesis checks them over 2-5 regions (always one layout without us-east-1).
"""

from __future__ import annotations

import pytest

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


# Random layouts of 2-5 regions (one without us-east-1 always among them):
# tests/synth/test_random_layouts.py checks ISOLATION on the
# synthesis it makes for every property.
