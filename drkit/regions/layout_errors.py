"""Every error of a layout file at once, each with the TOML line it comes from.

Building a spec stops at its first bad field. For a file, the reader looks again, field by
field: every unknown key, every region's first bad field, every top-level field checked alone
(beside the layout's own regions when they are valid, else the default ones, so that a field is
never blamed for another's mistake); the rules across fields only once every field is valid on
its own (they need valid fields to say anything true). The result is one error naming the file
and listing every problem with its line.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from drkit.errors import SpecError
from drkit.regions.layout_file import read_layout

T = TypeVar("T")

#: The default layout's regions, as a layout file writes them (DeploymentSpec.default).
DEFAULT_REGIONS = (
    {"region": "us-east-1", "role": "primary", "weight": 70, "cidr": "10.0.0.0/16"},
    {"region": "us-west-2", "role": "secondary", "weight": 30, "cidr": "10.1.0.0/16"},
)
#: Fields whose values are judged against the layout's regions: not checked while the regions
#: themselves are wrong (beside the default ones they would be refused for nothing).
ABOUT_THE_REGIONS = frozenset({"release_order", "retiring_regions", "data_residency"})
_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"-]+)\s*\]\]?")


class LayoutErrors(SpecError):
    """Several errors of one layout file.

    Attributes:
        path: The file.
        errors: Each error, with its line in the file (None: not found there).
    """

    def __init__(self, path: str, errors: Sequence[tuple[SpecError, int | None]]) -> None:
        errors = sorted(errors, key=lambda e: (e[1] is None, e[1] or 0))
        first = errors[0][0]
        super().__init__(first.field, first.value, first.allowed)
        self.path, self.errors = path, tuple(errors)
        if len(errors) == 1:  # one line, as every other error
            line = errors[0][1]
            self.args = (f"{first} ({path}{'' if line is None else f', line {line}'})",)
        else:
            listed = [f"  {_where(line)}{error}" for error, line in errors]
            self.args = (f"{len(errors)} errors in {path}:\n" + "\n".join(listed),)

    def __str__(self) -> str:
        return str(self.args[0])


def _where(line: int | None) -> str:
    return f"line {line}: " if line is not None else ""


def collect(
    raw: Mapping[str, Any], build: Callable[[Mapping[str, Any]], Any], first: SpecError
) -> list[SpecError]:
    """Every error of ``raw`` (``build`` makes a spec from a layout's data, raising the first
    error); ``first`` is what building all of it raised."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("regions"), list):
        return [first]
    errors: list[SpecError] = []
    regions = raw["regions"]
    for i, table in enumerate(regions):
        error = _error(build, {"regions": _beside_another(table)}, "regions[0]")
        if error is not None:
            errors.append(error.renamed(error.field.replace("regions[0]", f"regions[{i}]", 1)))
    base = regions if not errors else list(DEFAULT_REGIONS)
    for key, value in raw.items():
        if key == "regions" or (errors and key in ABOUT_THE_REGIONS):
            continue
        error = _error(build, {"regions": base, key: value}, key)
        if error is not None:
            errors.append(error)
    return _unique(errors) or [first]


def _beside_another(table: Any) -> list[Any]:
    """One region checked alone, beside a default one of the other role (a layout needs both)
    that shares neither its name nor its range and completes its weight to 100."""
    role = table.get("role") if isinstance(table, Mapping) else None
    other = dict(DEFAULT_REGIONS[0 if role == "secondary" else 1])
    weight = table.get("weight") if isinstance(table, Mapping) else None
    other["weight"] = 100 - weight if isinstance(weight, int) and 0 <= weight <= 100 else 50
    if isinstance(table, Mapping) and table.get("cidr") == other["cidr"]:
        other["cidr"] = "10.254.0.0/16"
    if isinstance(table, Mapping) and table.get("region") == other["region"]:
        other["region"] = "eu-west-1"
    return [table, other]


def _error(
    build: Callable[[Mapping[str, Any]], Any], data: Mapping[str, Any], field: str
) -> SpecError | None:
    """The error building ``data`` raises about ``field`` (None: none, or about another)."""
    try:
        build(data)
    except SpecError as error:
        top = error.field.split(".")[0]
        return error if field in (top, top.split("[")[0]) else None
    return None


def _unique(errors: list[SpecError]) -> list[SpecError]:
    seen, kept = set(), []
    for error in errors:
        if str(error) not in seen:
            seen.add(str(error))
            kept.append(error)
    return kept


def line_of(text: str, field: str) -> int | None:
    """The 1-based line of ``field`` (``weight``, ``regions[1].cidr``, ``backend.bucket``,
    ``tags.Team``) in a layout file's ``text``; None when it is not written there."""
    parts = re.findall(r"[A-Za-z0-9_-]+|\[\d+\]", field)
    if not parts:
        return None
    top, rest = parts[0], parts[1:]
    index = int(rest[0][1:-1]) if rest and rest[0].startswith("[") else None
    key = next((p for p in rest if not p.startswith("[")), None)
    lines = text.splitlines()
    sections = _sections(lines)
    if index is not None:  # an item of an array of tables: [[regions]]
        blocks = [s for s in sections if s[0] == top and s[2]]
        if index >= len(blocks):
            return None
        return _key_line(lines, blocks[index], key) if key else blocks[index][1] + 1
    if key is not None:  # a key of a table: [backend]
        table = next((s for s in sections if s[0] == top and not s[2]), None)
        if table is not None:
            return _key_line(lines, table, key)
    return _key_line(lines, ("", -1, False, sections[0][1] if sections else len(lines)), top)


def _sections(lines: list[str]) -> list[tuple[str, int, bool, int]]:
    """``(name, header line index, is an array item, end index)`` of every table header."""
    found = [
        (m.group(1), i, line.lstrip().startswith("[["))
        for i, line in enumerate(lines)
        if (m := _HEADER.match(line))
    ]
    if not found:
        return []
    ends = [f[1] for f in found[1:]] + [len(lines)]
    return [
        (name, start, array, end) for (name, start, array), end in zip(found, ends, strict=True)
    ]


def _key_line(lines: list[str], section: tuple[str, int, bool, int], key: str | None) -> int | None:
    _, start, _, end = section
    pattern = re.compile(rf"^\s*\"?{re.escape(key or '')}\"?\s*=")
    for i in range(start + 1, end):
        if pattern.match(lines[i]):
            return i + 1
    return start + 1 if start >= 0 else None


def from_file(
    path: str | os.PathLike[str],
    build: Callable[[dict[str, Any]], T],
    *,
    overridden: Iterable[str] = (),
) -> T:
    """What ``build`` makes of the layout file at ``path``; else every error of the file, each
    with its line (an error in a field set from elsewhere, ``overridden``, is raised alone, so
    that the caller can name where that value came from).

    Raises:
        SpecError: The file cannot be read or parsed (naming DRKIT_CONFIG), a field set from
            elsewhere is wrong, or :class:`LayoutErrors`.
    """
    raw = read_layout(path)
    try:
        return build(copy.deepcopy(raw))
    except SpecError as first:
        if first.field.split(".")[0].split("[")[0] in set(overridden):
            raise
        errors = collect(raw, lambda data: build(copy.deepcopy(dict(data))), first)
        text = Path(path).read_text(encoding="utf-8")
        raise LayoutErrors(str(path), [(e, line_of(text, e.field)) for e in errors]) from None
