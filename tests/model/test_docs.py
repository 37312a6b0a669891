"""The docs name tests and modules that exist: a path in them is a promise a reader can follow."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT

DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *ROOT.glob("assets/*/README.md")])
#: A repository path in backquotes: tests/..., drkit/..., drkit_emulator/..., assets/...
PATH = re.compile(
    r"`((?:tests|drkit|drkit_emulator|assets)/[\w./-]+?\.(?:py|toml|md))(?:::(\w+))?`"
)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_the_docs_name_exists(doc):
    """Each `tests/x.py` or `drkit/x.py` a document names is a file, and a named test in it
    (`tests/x.py::test_y`) is defined there."""
    missing = []
    for path, name in PATH.findall(doc.read_text()):
        target = ROOT / path
        if not target.is_file():
            missing.append(path)
        elif name and not re.search(rf"def {name}\b", target.read_text()):
            missing.append(f"{path}::{name}")
    assert missing == []
