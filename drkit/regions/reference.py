"""The layout file's reference, generated from the model: a table of every field (its TOML type,
default and what it does) for the README, and a JSON Schema for editors (``drkit schema``).

Both are read off ``DeploymentSpec``, ``RegionSpec`` and ``S3Backend`` (their attrs fields and
the ``Attributes:`` of their docstrings), so a field added to the model is in both at once;
``tests/model/test_reference.py`` fails when the README's table is stale. What a field allows
beyond its type (ranges, forms) is checked when the spec is built, with the project's errors.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from drkit.regions.backend import S3Backend
from drkit.regions.region import RegionSpec
from drkit.regions.spec import DeploymentSpec

SCHEMA_ID = "https://drkit.example/layout.schema.json"
#: Annotation -> the layout's TOML type and JSON Schema.
_SCALARS: Mapping[str, tuple[str, dict[str, Any]]] = {
    "int": ("integer", {"type": "integer"}),
    "bool": ("boolean", {"type": "boolean"}),
    "str": ("string", {"type": "string"}),
    "float": ("number", {"type": "number"}),
}
#: Arrays a layout may also give as one string (``data_residency = "EU"``).
ONE_OR_MORE = frozenset({"data_residency"})
_SECTION = re.compile(r"^\s*Attributes:\s*$")
_ITEM = re.compile(r"^\s{8}(\w+):\s?(.*)$")


def descriptions(cls: type) -> dict[str, str]:
    """``field -> its description``, from the class docstring's ``Attributes:`` section."""
    found: dict[str, str] = {}
    current = None
    inside = False
    for line in (cls.__doc__ or "").splitlines():
        if _SECTION.match(line):
            inside = True
            continue
        if not inside:
            continue
        item = _ITEM.match(line)
        if item:
            current = item.group(1)
            found[current] = item.group(2).strip()
        elif current and line.strip():
            found[current] += " " + line.strip()
    return {k: " ".join(v.split()) for k, v in found.items()}


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _kind(hint: Any) -> tuple[str, dict[str, Any]]:
    """The TOML type's name and the JSON Schema of a field's annotation."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _kind(inner[0])
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        values = [m.value for m in hint]
        return " or ".join(repr(v) for v in values), {"enum": values}
    if hint is RegionSpec:
        return "table", _object(RegionSpec)
    if hint is S3Backend:
        return "table `[backend]`", _object(S3Backend)
    if origin is tuple:
        item = args[0]
        if item is RegionSpec:
            return "array of `[[regions]]` tables", {"type": "array", "items": _object(RegionSpec)}
        name, schema = _kind(item) if item.__name__ in _SCALARS else ("table", {"type": "object"})
        return f"array of {name}s", {"type": "array", "items": schema}
    if origin in (Mapping, dict) or getattr(origin, "__name__", "") == "Mapping":
        return "table of strings", {"type": "object", "additionalProperties": {"type": "string"}}
    name = getattr(hint, "__name__", str(hint))
    return _SCALARS.get(name, ("value", {}))


def _object(cls: type) -> dict[str, Any]:
    hints, docs = _hints(cls), descriptions(cls)
    fields = attrs.fields(cls)
    properties = {}
    for f in fields:
        _, schema = _kind(hints[f.name])
        if f.name in ONE_OR_MORE:
            schema = {"anyOf": [schema["items"], schema]}
        properties[f.name] = {**schema, "description": docs.get(f.name, "")}
    required = [f.name for f in fields if f.default is attrs.NOTHING]
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


def json_schema() -> dict[str, Any]:
    """The layout file as a JSON Schema (draft 2020-12), for editors."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "drkit layout (DRKIT_CONFIG)",
        **_object(DeploymentSpec),
    }


def _default(f: attrs.Attribute[Any]) -> str:
    if f.default is attrs.NOTHING:
        return "required"
    value = _value(f)
    if value is None or value in ((), {}):
        return "none"
    if isinstance(value, enum.Enum):
        return f"`{value.value!r}`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return "`[" + ", ".join(f'"{v}"' for v in value) + "]`"
    return f'`"{value}"`' if isinstance(value, str) else f"`{value}`"


def table(cls: type, prefix: str = "") -> list[str]:
    """One Markdown row per field: name, TOML type, default, description."""
    hints, docs = _hints(cls), descriptions(cls)
    rows = []
    for f in attrs.fields(cls):
        kind, _ = _kind(hints[f.name])
        text = docs.get(f.name, "").replace("``", "`").replace("|", "\\|")
        rows.append(f"| `{prefix}{f.name}` | {kind} | {_default(f)} | {text} |")
    return rows


def markdown() -> str:
    """The README's layout reference."""
    head = ["| field | TOML type | default | what it is |", "|---|---|---|---|"]
    rows = [*table(DeploymentSpec), *table(RegionSpec, "regions[]."), *table(S3Backend, "backend.")]
    return "\n".join([*head, *rows]) + "\n"


def starter_layout() -> str:
    """A layout file to start from: the default regions, every other field commented out at
    its default, each with what it is (``drkit init``)."""
    docs = descriptions(DeploymentSpec)
    lines = [
        "# A drkit layout (DRKIT_CONFIG=<this file>). Every field is in the README's layout",
        "# reference; `drkit schema` gives editors its JSON Schema; `drkit validate` checks it.",
        "",
    ]
    fields = [f for f in attrs.fields(DeploymentSpec) if f.name not in FROM_THE_ENVIRONMENT]
    # Top-level keys first: a table's header ([backend]) takes every key after it.
    for f in sorted(fields, key=lambda f: f.name == "backend"):
        if f.name == "regions":
            continue
        shown = BACKEND_EXAMPLE if f.name == "backend" else (f"# {f.name} = {_toml_default(f)}",)
        lines += [*_comment(docs.get(f.name, "")), *shown, ""]
    for region in DeploymentSpec.default().regions:
        lines += [
            "[[regions]]",
            f'region = "{region.region}"',
            f'role = "{region.role.value}"',
            f"weight = {region.weight}",
            f'cidr = "{region.cidr}"',
            "",
        ]
    return "\n".join(lines)


#: Fields the environment sets, not a layout file (DRKIT_TARGET, DRKIT_ENDPOINT_URL, ...).
FROM_THE_ENVIRONMENT = frozenset({"target", "local_endpoint", "retiring_regions"})


def _value(f: attrs.Attribute[Any]) -> Any:
    """A field's default value (made by its factory, if it has one)."""
    factory = getattr(f.default, "factory", None)
    return factory() if callable(factory) else f.default


#: How a starter layout shows the one field that is a TOML table of its own.
BACKEND_EXAMPLE = (
    "# [backend]",
    '# bucket = "acme-tfstate-{region}"',
    '# key = "drkit/prod"',
    '# region = "us-east-1"',
)


def _comment(text: str) -> list[str]:
    words, lines, line = text.replace("``", "`").split(), [], "#"
    for word in words:
        if len(line) + len(word) > 90:
            lines.append(line)
            line = "#"
        line += " " + word
    return [*lines, line] if line != "#" else lines


def _toml_default(f: attrs.Attribute[Any]) -> str:
    """The default as TOML would write it."""
    value = _value(f)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, enum.Enum):
        return f'"{value.value}"'
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    if value is None:
        return '"..."  # not set by default'
    if isinstance(value, Mapping):
        return "{}"
    return str(value)
