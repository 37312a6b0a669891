"""Fixtures of the tests over whole synthesized stacks."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(params=["default", "three"])
def case(
    request, default_spec, default_stack, three_region_spec, three_region_stack
) -> tuple[Any, dict[str, Any]]:
    """``(spec, stack)`` of the default layout, then of the three-region example."""
    if request.param == "default":
        return default_spec, default_stack
    return three_region_spec, three_region_stack
