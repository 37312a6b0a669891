"""Strategies for the model: valid layouts built directly (CIDRs carved from a supernet,
weights split from 100), and invalid ones with the one field they break."""

from __future__ import annotations

import ipaddress
import itertools
from typing import Any

from hypothesis import strategies as st

from drkit.regions.catalog import SHORT_CODES
from drkit.regions.spec import DeploymentSpec, RegionSpec, Role

REGIONS = tuple(SHORT_CODES)
SUPERNETS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


@st.composite
def weights(draw: st.DrawFn, count: int) -> list[int]:
    """``count`` integers in 0..100 summing to 100 (cut points on 0..100)."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 100]
    return [b - a for a, b in itertools.pairwise(bounds)]


@st.composite
def cidrs(draw: st.DrawFn, count: int) -> list[str]:
    """``count`` distinct, non-overlapping private ranges of /16 to /22 carved from one supernet."""
    supernet = ipaddress.ip_network(draw(st.sampled_from(SUPERNETS)))
    prefix = draw(st.integers(max(16, supernet.prefixlen + 3), 22))
    slots = 2 ** (prefix - supernet.prefixlen)
    indexes = draw(st.lists(st.integers(0, slots - 1), min_size=count, max_size=count, unique=True))
    size = 2 ** (32 - prefix)
    return [f"{supernet.network_address + i * size}/{prefix}" for i in indexes]


@st.composite
def region_specs(
    draw: st.DrawFn,
    min_regions: int = 2,
    max_regions: int = 5,
    *,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    primary_not: str | None = None,
) -> tuple[RegionSpec, ...]:
    """A valid set of regions: distinct names, one primary, weights summing to 100.

    Args:
        include: Regions every layout has (the rest are drawn).
        exclude: Regions no layout has (e.g. ``("us-east-1",)``).
        primary_not: A region that is never the primary.
    """
    count = draw(st.integers(max(min_regions, len(include)), max_regions))
    pool = [r for r in REGIONS if r not in exclude and r not in include]
    others = draw(
        st.lists(
            st.sampled_from(pool),
            min_size=count - len(include),
            max_size=count - len(include),
            unique=True,
        )
    )
    names = draw(st.permutations([*include, *others]))
    primary = draw(st.sampled_from([i for i, n in enumerate(names) if n != primary_not]))
    split = draw(weights(count))
    ranges = draw(cidrs(count))
    return tuple(
        RegionSpec(
            region=name,
            role=Role.PRIMARY if i == primary else Role.SECONDARY,
            weight=split[i],
            cidr=ranges[i],
        )
        for i, name in enumerate(names)
    )


suffixes = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)


@st.composite
def deployment_specs(
    draw: st.DrawFn,
    min_regions: int = 2,
    max_regions: int = 5,
    **layout: Any,
) -> DeploymentSpec:
    """A valid deployment spec with a random layout, suffix and timings that meet the targets.

    ``layout`` goes to :func:`region_specs` (``include``, ``exclude``, ``primary_not``).
    """
    regions = draw(region_specs(min_regions=min_regions, max_regions=max_regions, **layout))
    interval = draw(st.sampled_from((10, 30)))
    threshold = draw(st.integers(1, 3 if interval == 10 else 4))
    rpo = draw(st.integers(2, 60))
    return DeploymentSpec(
        regions=regions,
        environment_suffix=draw(suffixes),
        health_check_interval_seconds=interval,
        health_check_failure_threshold=threshold,
        rpo_target_seconds=rpo,
        replication_lag_threshold_seconds=draw(st.integers(1, rpo - 1)),
        tags=draw(
            st.dictionaries(
                st.from_regex(r"[A-Z][A-Za-z]{0,10}", fullmatch=True),
                st.text("abc-", max_size=8),
                max_size=2,
            )
        ),
    )


@st.composite
def subnets_of(
    draw: st.DrawFn, network: ipaddress.IPv4Network, *, min_prefix: int = 0, max_prefix: int = 22
) -> ipaddress.IPv4Network:
    """Any range inside ``network`` (``network`` itself too, unless ``min_prefix`` is longer),
    of a prefix up to ``max_prefix`` (/22: the smallest VPC range drkit takes)."""
    prefix = draw(st.integers(max(min_prefix, network.prefixlen), max_prefix))
    i = draw(st.integers(0, 2 ** (prefix - network.prefixlen) - 1))
    return ipaddress.ip_network(f"{network.network_address + i * 2 ** (32 - prefix)}/{prefix}")


#: How one region's range overlaps another's. Two CIDR blocks never overlap partly: aligned
#: prefixes are either disjoint or one inside the other, so these are all the overlaps there are.
OVERLAPS = ("identical", "inside", "around")


@st.composite
def region_pairs(draw: st.DrawFn, count: int, *, neighbours: bool | None = None) -> tuple[int, int]:
    """Two indexes ``a < b`` of ``count`` regions.

    ``neighbours`` True draws adjacent ones (``b == a + 1``), False ones at least two apart
    (needs ``count >= 3``), None any pair.
    """
    if neighbours:
        a = draw(st.integers(0, count - 2))
        return a, a + 1
    a = draw(st.integers(0, count - (3 if neighbours is False else 2)))
    b = draw(st.integers(a + (2 if neighbours is False else 1), count - 1))
    return a, b


@st.composite
def overlapping_ranges(
    draw: st.DrawFn, count: int, *, pair: tuple[int, int], overlap: str
) -> list[str]:
    """``count`` private /16-/22 ranges in which exactly the regions of ``pair`` overlap.

    Each region gets its own slot of the supernet (a /16 to /21) and a range in it, so no
    two ranges meet; then one region of ``pair`` (either one) is given a range ``overlap``
    the other's: the same one, one inside it, or one around it (still within the slot).
    """
    supernet = ipaddress.ip_network(draw(st.sampled_from(SUPERNETS)))
    slot_prefix = draw(st.integers(max(16, supernet.prefixlen + 3), 21))
    size, slots = 2 ** (32 - slot_prefix), 2 ** (slot_prefix - supernet.prefixlen)
    indexes = draw(st.lists(st.integers(0, slots - 1), min_size=count, max_size=count, unique=True))
    chosen = [
        ipaddress.ip_network(f"{supernet.network_address + i * size}/{slot_prefix}")
        for i in indexes
    ]
    # The kept range leaves room for the changed one: a smaller one inside it, a larger around.
    low = slot_prefix + (1 if overlap == "around" else 0)
    high = 21 if overlap == "inside" else 22
    ranges = [next(slot.subnets(new_prefix=draw(st.integers(low, high)))) for slot in chosen]
    kept, changed = draw(st.permutations(pair))
    base = ranges[kept]
    if overlap == "inside":
        ranges[changed] = draw(subnets_of(base, min_prefix=base.prefixlen + 1))
    elif overlap == "around":
        outer = draw(st.integers(slot_prefix, base.prefixlen - 1))
        ranges[changed] = base.supernet(new_prefix=outer)
    else:
        ranges[changed] = base
    return [str(r) for r in ranges]


@st.composite
def overlapping_layouts(
    draw: st.DrawFn,
    *,
    min_regions: int = 3,
    max_regions: int = 5,
    overlap: str | None = None,
    neighbours: bool | None = None,
) -> tuple[tuple[RegionSpec, ...], tuple[int, int]]:
    """Regions, each valid on its own, of which exactly one pair ``(a, b)``, ``a < b``, has
    overlapping ranges; and that pair.

    Args:
        overlap: One of OVERLAPS (None: any of them).
        neighbours: Whether the pair is adjacent in the list (see :func:`region_pairs`).
    """
    count = draw(st.integers(min_regions, max_regions))
    pair = draw(region_pairs(count, neighbours=neighbours))
    kind = overlap or draw(st.sampled_from(OVERLAPS))
    ranges = draw(overlapping_ranges(count, pair=pair, overlap=kind))
    names = draw(st.lists(st.sampled_from(REGIONS), min_size=count, max_size=count, unique=True))
    primary = draw(st.integers(0, count - 1))
    split = draw(weights(count))
    regions = tuple(
        RegionSpec(
            region=name,
            role=Role.PRIMARY if i == primary else Role.SECONDARY,
            weight=split[i],
            cidr=ranges[i],
        )
        for i, name in enumerate(names)
    )
    return regions, pair


def valid_layout_dict(regions: tuple[RegionSpec, ...]) -> dict[str, Any]:
    """The TOML-shaped mapping of a layout."""
    return {
        "regions": [
            {"region": r.region, "role": r.role.value, "weight": r.weight, "cidr": r.cidr}
            for r in regions
        ]
    }


@st.composite
def invalid_layouts(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A TOML-shaped layout with exactly one defect, and the field the error must name."""
    regions = draw(region_specs())
    raw = valid_layout_dict(regions)
    tables = raw["regions"]
    defect = draw(
        st.sampled_from(
            (
                "no-primary",
                "two-primaries",
                "weight-range",
                "weight-sum",
                "overlap",
                "public-cidr",
                "small-prefix",
                "unknown-region",
                "duplicate-region",
                "bad-suffix",
                "one-region",
            )
        )
    )
    field = "regions"
    if defect == "no-primary":
        for t in tables:
            t["role"] = "secondary"
        field = "regions[].role"
    elif defect == "two-primaries":
        for t in tables[:2]:
            t["role"] = "primary"
        for t in tables[2:]:
            t["role"] = "secondary"
        field = "regions[].role"
    elif defect == "weight-range":
        i = draw(st.integers(0, len(tables) - 1))
        tables[i]["weight"] = draw(st.one_of(st.integers(101, 1000), st.integers(-100, -1)))
        field = f"regions[{i}].weight"
    elif defect == "weight-sum":
        i = draw(st.integers(0, len(tables) - 1))
        tables[i]["weight"] = (tables[i]["weight"] + draw(st.integers(1, 50))) % 101
        if sum(t["weight"] for t in tables) == 100:
            tables[i]["weight"] = 101
            field = f"regions[{i}].weight"
        else:
            field = "regions[].weight"
    elif defect == "overlap":
        # Any two regions, not only the first two, given the same range or one inside the
        # other's (overlapping_layouts has the range around another's too).
        i, j = draw(region_pairs(len(tables)))
        kept, changed = draw(st.permutations((i, j)))
        base = ipaddress.ip_network(tables[kept]["cidr"])
        tables[changed]["cidr"] = str(draw(subnets_of(base)))
        field = f"regions[{j}].cidr"
    elif defect == "public-cidr":
        i = draw(st.integers(0, len(tables) - 1))
        tables[i]["cidr"] = draw(st.sampled_from(("8.8.0.0/16", "100.64.0.0/16", "54.0.0.0/16")))
        field = f"regions[{i}].cidr"
    elif defect == "small-prefix":
        i = draw(st.integers(0, len(tables) - 1))
        base = ipaddress.ip_network(tables[i]["cidr"])
        tables[i]["cidr"] = str(next(base.subnets(new_prefix=draw(st.integers(23, 28)))))
        field = f"regions[{i}].cidr"
    elif defect == "unknown-region":
        i = draw(st.integers(0, len(tables) - 1))
        tables[i]["region"] = draw(st.sampled_from(("us-east-9", "moon-1", "US-EAST-1", "")))
        field = f"regions[{i}].region"
    elif defect == "duplicate-region":
        tables[1]["region"] = tables[0]["region"]
        field = "regions[1].region"
    elif defect == "bad-suffix":
        raw["environment_suffix"] = draw(
            st.sampled_from(("Prod", "-x", "a_b", "x" * 60, "", "prod-"))
        )
        field = "environment_suffix"
    elif defect == "one-region":
        tables[:] = [dict(tables[0], role="primary", weight=100)]
        field = "regions"
    return raw, field
