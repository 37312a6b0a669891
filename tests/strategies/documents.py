"""Strategies for documents of any shape TOML can write (recursive over its value types),
biased toward the layout's own keys: wrong-typed and mutated layouts, arbitrary Python values."""

from __future__ import annotations

import copy
import datetime as dt
import functools
from typing import Any

import attrs
from hypothesis import strategies as st

from drkit.errors import index_path, key_path
from drkit.regions.catalog import SHORT_CODES
from drkit.regions.residency import COUNTRIES
from drkit.regions.spec import DeploymentSpec, RegionSpec, Role, S3Backend, Target
from tests.strategies.spec import REGIONS, region_specs, valid_layout_dict

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
    *("drkit-state-{region}", "drkit/dev", "Production", "Enabled", ""),
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
    "availability_target": 99.99,
    "lambda_memory_mb": 3072,
    "lambda_timeout_seconds": 30,
    "lambda_reserved_concurrency": 100,
    "peak_concurrency": 80,
    "peak_read_units_per_second": 1600,
    "parameter_store_high_throughput": False,
    "log_retention_days": 365,
    "protect_data": False,
    "target": "local",
    "local_endpoint": "http://127.0.0.1:5000",
    "backend": {
        "bucket": "drkit-state-{region}",
        "key": "drkit/dev",
        "region": "us-east-1",
        "use_lockfile": True,
    },
    "operator_principals": ["arn:aws:iam::111122223333:role/dr-operators"],
    "break_glass_principals": ["arn:aws:iam::111122223333:role/dr-breakglass"],
    "retiring_regions": ["sa-east-1"],  # full_layout picks one the layout does not have
    "release_order": [],  # full_layout names the layout's regions, the primary first
    "data_residency": [],  # full_layout names the countries of the layout's regions
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
    """A valid TOML-shaped layout that sets every field (a retiring region is one the layout
    does not have)."""
    used = {r.region for r in regions}
    retiring = [next(r for r in SHORT_CODES if r not in used)]
    primary = {r.region for r in regions if r.role is Role.PRIMARY}
    return {
        **valid_layout_dict(regions),
        **copy.deepcopy(EVERY_FIELD),
        "retiring_regions": retiring,
        "release_order": sorted((r.region for r in regions), key=lambda r: r not in primary),
        "data_residency": sorted({COUNTRIES[r.region] for r in regions}),
    }


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
