"""A layout file that cannot be read, or a path that leads nowhere, is refused under
DRKIT_CONFIG in one line: the path and why (split from test_spec_errors.py, same rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from drkit.errors import SpecError
from drkit.regions.layout_file import read_layout


@pytest.mark.parametrize(
    ("content", "allowed"),
    [
        (b'a = "\xff"', "a UTF-8 TOML file (invalid start byte)"),
        (b"a = ", "valid TOML (Invalid value (at end of document))"),
        (b"a = " + b"[" * 100_000, "TOML nested less deeply"),
    ],
)
def test_a_layout_file_that_cannot_be_read_says_why(
    tmp_path: Path, content: bytes, allowed: str
) -> None:
    """A layout that is not UTF-8, not TOML or nested too deeply is refused under
    DRKIT_CONFIG, showing its path and saying why."""
    path = tmp_path / "layout.toml"
    path.write_bytes(content)
    with pytest.raises(SpecError) as caught:
        read_layout(path)
    assert (caught.value.field, caught.value.value, caught.value.allowed) == (
        "DRKIT_CONFIG",
        str(path),
        allowed,
    )


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (7, "the path of a TOML file"),
        ("/nonexistent/layout.toml", "the path of an existing TOML file"),
        ("/", "a readable TOML file (Is a directory)"),
        ("a\x00b", "a path without NUL characters"),
    ],
)
def test_a_layout_path_that_leads_nowhere_says_why(path: Any, allowed: str) -> None:
    """A path that is no path, names nothing, names a directory or holds NUL is refused."""
    with pytest.raises(SpecError) as caught:
        read_layout(path)
    assert (caught.value.field, caught.value.value, caught.value.allowed) == (
        "DRKIT_CONFIG",
        path,
        allowed,
    )
