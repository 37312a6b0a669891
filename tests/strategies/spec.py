"""Strategies for the model: valid layouts built directly (CIDRs carved from a supernet,
weights split from 100), invalid ones with the field they break, and documents of any shape
TOML can write (recursive over its value types), biased toward the layout's own keys.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import ipaddress
import itertools
from typing import Any

import attrs
from hypothesis import strategies as st

from drkit.errors import index_path, key_path
from drkit.regions.catalog import SHORT_CODES
from drkit.regions.spec import DeploymentSpec, RegionSpec, Role, S3Backend, Target

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


# ----- arbitrary TOML documents, biased toward the layout's own names and values ---------------

#: Keys a layout uses at any depth; generated tables draw most of their keys from these.
FIELD_NAMES = (
    *attrs.fields_dict(DeploymentSpec),
    *attrs.fields_dict(RegionSpec),
    *attrs.fields_dict(S3Backend),
    *("Sid", "Effect", "Action", "Resource", "Condition", "NotAction", "Principal"),
    *("StringEquals", "aws:SourceVpc", "Team", "Environment", "DisasterRecovery"),
)
#: Values that are right somewhere in a layout, so that generated documents get deep.
PLAUSIBLE_STRINGS = (
    *REGIONS[:6],
    *("primary", "secondary", "aws", "local", "10.0.0.0/16", "10.1.0.0/16", "10.0.0.0/8"),
    *("dr-oncall@example.com", "dr.example.com", "api", "http://127.0.0.1:5000", "dev"),
    *("Z0123456789ABC", "Allow", "Deny", "s3:GetObject", "arn:aws:s3:::reports/*", "*"),
    *("drkit-state", "drkit/dev.tfstate", "Production", "Enabled", ""),
)
PLAUSIBLE_INTEGERS = (0, 1, 2, 3, 10, 15, 25, 30, 60, 70, 100, 128, 300, 365, 3072, -1)
# The strategies below are built once (functools.cache): hypothesis validates every new
# strategy object, which costs more than drawing from it.
#: Offsets TOML can write: whole minutes, less than a day.
_OFFSETS = st.integers(-1439, 1439).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))


@functools.cache
def toml_scalars() -> st.SearchStrategy[Any]:
    """Every TOML scalar type: strings, integers (64-bit), floats (inf and nan too),
    booleans, offset and local date-times, local dates and local times."""
    return st.one_of(
        st.sampled_from(PLAUSIBLE_STRINGS),
        st.text(max_size=12),  # Unicode scalar values: hypothesis leaves out surrogates
        st.sampled_from(PLAUSIBLE_INTEGERS),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(),
        st.booleans(),
        # TOML has no fold (which of a repeated wall-clock hour): always the first.
        st.datetimes(timezones=st.none() | _OFFSETS).map(lambda d: d.replace(fold=0)),
        st.dates(),
        st.times().map(lambda t: t.replace(fold=0)),
    )


@functools.cache
def toml_keys() -> st.SearchStrategy[str]:
    return st.sampled_from(FIELD_NAMES) | st.text(max_size=8)


@functools.cache
def toml_values(*, max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any TOML value: scalars, arrays (of mixed types, as TOML 1.0 allows) and tables."""
    return st.recursive(
        toml_scalars(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(toml_keys(), inner, max_size=4),
        max_leaves=max_leaves,
    )


@functools.cache
def toml_documents() -> st.SearchStrategy[dict[str, Any]]:
    """A whole document of arbitrary values under (mostly) the layout's own keys."""
    return st.dictionaries(toml_keys(), toml_values(), max_size=6)


#: A valid value, in TOML's types, for every DeploymentSpec field but regions; together valid.
EVERY_FIELD: dict[str, Any] = {
    "environment_suffix": "dev",
    "tags": {"Team": "dr", "CostCenter": "42"},
    "dns_zone_name": "dr.example.com",
    "dns_record_name": "api",
    "existing_zone_id": "Z0123456789ABC",
    "alert_emails": ["dr-oncall@example.com", "sre@example.com"],
    "health_check_interval_seconds": 10,
    "health_check_failure_threshold": 3,
    "client_dns_cache_seconds": 30,
    "replication_lag_threshold_seconds": 30,
    "replication_alarm_evaluation_periods": 1,
    "rto_target_seconds": 300,
    "rpo_target_seconds": 60,
    "lambda_memory_mb": 3072,
    "lambda_timeout_seconds": 30,
    "lambda_reserved_concurrency": 100,
    "parameter_store_high_throughput": False,
    "log_retention_days": 365,
    "protect_data": False,
    "target": "local",
    "local_endpoint": "http://127.0.0.1:5000",
    "backend": {
        "bucket": "drkit-state",
        "key": "drkit/dev.tfstate",
        "region": "us-east-1",
        "use_lockfile": True,
    },
    "operator_principals": ["arn:aws:iam::111122223333:role/dr-operators"],
    "extra_api_statements": [
        {
            "Sid": "ReadReports",
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": "arn:aws:s3:::reports/*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}},
        }
    ],
}

TreePath = tuple[str | int, ...]


def tree_paths(value: Any, prefix: TreePath = ()) -> list[TreePath]:
    """The path of every value inside ``value`` (tables and arrays, then what they hold)."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    out = []
    for key, item in items:
        out.append((*prefix, key))
        out.extend(tree_paths(item, (*prefix, key)))
    return out


def field_name(path: TreePath) -> str:
    """How a SpecError names the value at ``path``: ``regions[1].weight``, ``tags."aws:x"``."""
    name = ""
    for part in path:
        name = index_path(name, part) if isinstance(part, int) else key_path(name, part)
    return name


def replaced(doc: dict[str, Any], path: TreePath, value: Any) -> dict[str, Any]:
    """A deep copy of ``doc`` with ``value`` at ``path``."""
    out = copy.deepcopy(doc)
    holder: Any = out
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = value
    return out


def value_at(doc: Any, path: TreePath) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def accepted_types(path: TreePath, original: Any) -> tuple[type, ...]:
    """The TOML types the field at ``path`` (holding ``original``) accepts: IAM lists take a
    string or an array, condition values any JSON scalar or an array, the rest one type."""
    if len(path) >= 3 and path[-3] == "Condition":  # Condition.<operator>.<key>: a value
        return (str, int, float, bool, list)
    if any(p in ("Action", "Resource") for p in path[-2:]):
        return (str, list)
    return (type(original),)


def wrong_type(original: Any) -> Any:
    """A value no field holding ``original``'s type accepts."""
    if isinstance(original, bool):
        return "yes"
    if isinstance(original, int):
        return str(original)
    if isinstance(original, str):
        return {"value": original}
    if isinstance(original, list):
        return 7
    return [original]


def full_layout(regions: tuple[RegionSpec, ...]) -> dict[str, Any]:
    """A valid TOML-shaped layout that sets every field."""
    return {**valid_layout_dict(regions), **copy.deepcopy(EVERY_FIELD)}


@st.composite
def wrong_typed_layouts(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A layout setting every field, with one value anywhere in it (at any depth) replaced
    by a TOML value of a type that field does not take; and the field the error must name."""
    doc = full_layout(draw(region_specs(max_regions=3)))
    path = draw(st.sampled_from(tree_paths(doc)))
    original = value_at(doc, path)
    value = draw(toml_values(max_leaves=4))
    if type(value) in accepted_types(path, original):
        value = wrong_type(original)
    return replaced(doc, path, value), field_name(path)


@st.composite
def mutated_layouts(draw: st.DrawFn, *, max_mutations: int = 3) -> dict[str, Any]:
    """A layout setting every field, then up to ``max_mutations`` changes anywhere in it: a
    value replaced by any TOML value, a key removed, or a key (mostly a real one) added."""
    doc = full_layout(draw(region_specs(max_regions=3)))
    for _ in range(draw(st.integers(0, max_mutations))):
        paths = tree_paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(("replace", "remove", "add")))
        holder = value_at(doc, path[:-1])
        if kind == "replace":
            doc = replaced(doc, path, draw(toml_values()))
        elif kind == "remove":
            del holder[path[-1]]
        elif isinstance(holder, dict):
            holder[draw(toml_keys())] = draw(toml_values())
        else:
            holder.append(draw(toml_values()))
    return doc


@functools.cache
def layouts_of_any_shape() -> st.SearchStrategy[dict[str, Any]]:
    """Mostly nearly-valid layouts changed anywhere, sometimes documents of arbitrary shape."""
    return st.one_of(
        mutated_layouts(), wrong_typed_layouts().map(lambda case: case[0]), toml_documents()
    )


@functools.cache
def python_values() -> st.SearchStrategy[Any]:
    """What a Python caller might pass: any TOML value, None, enums, tuples, bytes."""
    return (
        toml_values(max_leaves=4)
        | st.none()
        | st.sampled_from((Role.PRIMARY, Target.LOCAL, b"10.0.0.0/16", (1, 2), 1.5 + 0j))
        | st.tuples(st.text(max_size=4))
    )
