"""The order a release reaches the regions in: the spec's ``release_order``, else the
secondaries from the least traffic to the most, and the primary last.

A release goes to one region at a time behind a health gate (``drkit release``), so a bad
one is met first where it carries the least traffic, and never reaches the primary, which
holds the global tables, before every other region has taken it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drkit.regions.region import RegionSpec
from drkit.regions.validators import expect_array, fail


def to_order(value: Any) -> tuple[str, ...]:
    return expect_array(
        "release_order",
        value,
        'an array naming every region of the layout once, e.g. ["us-west-2", "us-east-1"]',
    )


def check_order(order: tuple[str, ...], regions: Sequence[str]) -> None:
    """Empty (the default order), or every region of the layout exactly once."""
    if not order:
        return
    for i, region in enumerate(order):
        field = f"release_order[{i}]"
        if region not in regions:
            fail(field, region, "a region of the layout's [[regions]]: " + ", ".join(regions))
        if region in order[:i]:
            fail(field, region, "each region once")
    missing = [r for r in regions if r not in order]
    if missing:
        fail(
            "release_order",
            list(order),
            "every region of the layout; missing " + ", ".join(missing),
        )


def default_order(regions: Sequence[RegionSpec]) -> tuple[str, ...]:
    """Secondaries by weight, lowest first (ties in layout order), then the primary."""
    secondaries = sorted(
        (r for r in regions if not r.is_primary), key=lambda r: (r.weight, regions.index(r))
    )
    primary = [r for r in regions if r.is_primary]
    return tuple(r.region for r in (*secondaries, *primary))
