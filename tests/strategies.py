"""Hypothesis strategies for drkit: valid layouts built directly, and invalid ones.

After attrs' tests/strategies.py: small composites with keyword knobs. Valid
data is generated valid (CIDRs carved from a supernet, weights split from 100)
rather than filtered with ``assume``.
"""

from __future__ import annotations

import ipaddress
import string
from typing import Any

from hypothesis import strategies as st

from drkit import budget
from drkit.budget import BudgetInputs
from drkit.regions.catalog import SHORT_CODES
from drkit.regions.spec import HEALTH_CHECK_INTERVALS, DeploymentSpec, RegionSpec, Role

REGIONS = tuple(SHORT_CODES)
SUPERNETS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


@st.composite
def weights(draw: st.DrawFn, count: int) -> list[int]:
    """``count`` integers in 0..100 summing to 100 (cut points on 0..100)."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 100]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


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
    draw: st.DrawFn, min_regions: int = 2, max_regions: int = 5
) -> tuple[RegionSpec, ...]:
    """A valid set of regions: distinct names, one primary, weights summing to 100."""
    count = draw(st.integers(min_regions, max_regions))
    names = draw(st.lists(st.sampled_from(REGIONS), min_size=count, max_size=count, unique=True))
    primary = draw(st.integers(0, count - 1))
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
def deployment_specs(draw: st.DrawFn, min_regions: int = 2, max_regions: int = 5) -> DeploymentSpec:
    """A valid deployment spec with a random layout, suffix and timings that meet the targets."""
    regions = draw(region_specs(min_regions=min_regions, max_regions=max_regions))
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
        i, j = 0, 1
        tables[j]["cidr"] = tables[i]["cidr"]
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


# ----- the Lambda runtime (assets/runtime) -------------------------------------------------------

ID_ALPHABET = string.ascii_letters + string.digits + "_-"
MAX_ID_CHARS = 128
RESERVED = "__drkit"


@st.composite
def valid_record_ids(draw: st.DrawFn, *, max_size: int = MAX_ID_CHARS) -> str:
    """Ids that match the pattern and stay clear of the reserved prefix."""
    value = draw(st.text(alphabet=ID_ALPHABET, min_size=1, max_size=max_size))
    if value.lower().startswith(RESERVED):
        value = "r" + value[1:]  # one letter in front of "_" is enough to leave the prefix
    return value


@st.composite
def ids_with_a_foreign_character(draw: st.DrawFn) -> str:
    """An otherwise valid id with one character from outside the alphabet put in."""
    base = draw(valid_record_ids(max_size=MAX_ID_CHARS - 1))
    foreign = draw(st.characters(exclude_characters=ID_ALPHABET))
    at = draw(st.integers(min_value=0, max_value=len(base)))
    return base[:at] + foreign + base[at:]


@st.composite
def too_long_record_ids(draw: st.DrawFn) -> str:
    """Ids of the right alphabet, longer than 128 characters."""
    return draw(st.text(alphabet=ID_ALPHABET, min_size=MAX_ID_CHARS + 1, max_size=300))


@st.composite
def reserved_record_ids(draw: st.DrawFn) -> str:
    """Ids starting with the reserved prefix, in any letter case."""
    prefix = "".join(draw(st.sampled_from(sorted({c.lower(), c.upper()}))) for c in RESERVED)
    rest = draw(st.text(alphabet=ID_ALPHABET, max_size=MAX_ID_CHARS - len(RESERVED)))
    return prefix + rest


def json_values(*, max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Any JSON value (finite numbers only, as JSON has no NaN)."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**63), max_value=2**63)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=20)
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


@st.composite
def json_objects(draw: st.DrawFn, *, max_leaves: int = 20) -> dict[str, Any]:
    """A JSON object, the shape of a record payload."""
    return draw(
        st.dictionaries(st.text(max_size=8), json_values(max_leaves=max_leaves), max_size=5)
    )


@st.composite
def clock_pairs(draw: st.DrawFn, *, max_skew_ms: int = 600_000) -> tuple[int, int]:
    """(written_at_ms, observed_at_ms) around a recent epoch, observer possibly behind."""
    written = draw(st.integers(min_value=1_600_000_000_000, max_value=2_000_000_000_000))
    offset = draw(st.integers(min_value=-max_skew_ms, max_value=max_skew_ms))
    return written, written + offset


@st.composite
def heartbeat_stream_records(
    draw: st.DrawFn, *, table: str, source_region: str, receiving_region: str
) -> tuple[dict[str, Any], int, int]:
    """A replicated heartbeat stream record and its (written_at_ms, arrival second)."""
    from runtime_events import stream_record

    written, observed = draw(clock_pairs())
    arrived_s = observed // 1000  # streams report arrival rounded down to the second
    record = stream_record(
        table=table,
        source_region=source_region,
        written_at_ms=written,
        arrived_s=arrived_s,
        event_name=draw(st.sampled_from(["INSERT", "MODIFY"])),
        receiving_region=receiving_region,
    )
    return record, written, arrived_s


@st.composite
def bodies(draw: st.DrawFn, *, max_size: int) -> bytes:
    """Arbitrary request bodies up to `max_size` bytes."""
    return draw(st.binary(max_size=max_size))


# ----- the failover budget (tests/test_budget.py) ----------------------------------


@st.composite
def budget_inputs(
    draw: st.DrawFn, *, meets_rto: bool | None = None, lag_below_rpo: bool | None = True
) -> BudgetInputs:
    """Budget numbers, each inside the range its DeploymentSpec field allows.

    ``meets_rto`` True draws timings whose worst-case RTO fits a 300 s target
    (derived from the budget's constants, not from its functions); None leaves
    the RTO side free, so targets from 1 to 300 s are both met and missed.
    ``lag_below_rpo`` True draws a DynamoDB lag alarm below the RPO target,
    False one at or above it, None either.
    """
    interval = draw(st.sampled_from(HEALTH_CHECK_INTERVALS))
    if meets_rto:
        cache = draw(st.integers(0, 60))
        fixed = (
            budget.STATUS_PROPAGATION_SECONDS + budget.ALIAS_TTL_SECONDS + budget.COLD_START_SECONDS
        )
        top = min(10, (300 - fixed - cache) // interval - budget.CHECKER_SPREAD_INTERVALS)
        threshold, target = draw(st.integers(1, top)), 300
    else:
        cache = draw(st.integers(0, 300))
        threshold = draw(st.integers(1, 10))
        target = draw(st.one_of(st.just(300), st.integers(1, 300)))
    rpo = draw(st.integers(2 if lag_below_rpo else 1, 60))
    if lag_below_rpo is None:
        lag = draw(st.integers(1, 2 * rpo))
    else:
        lag = draw(st.integers(1, rpo - 1) if lag_below_rpo else st.integers(rpo, 3600))
    return BudgetInputs(
        health_check_interval_seconds=interval,
        health_check_failure_threshold=threshold,
        client_dns_cache_seconds=cache,
        replication_lag_threshold_seconds=lag,
        replication_alarm_evaluation_periods=draw(st.integers(1, 3)),
        rto_target_seconds=target,
        rpo_target_seconds=rpo,
    )
