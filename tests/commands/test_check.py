"""`drkit check` from the command line: the default layout synthesized and gated, every
safeguard passing, written as JUnit XML for a CI system."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest

from drkit.operations.check.safeguards import SAFEGUARDS
from tests.commands.support import cli


@pytest.mark.synth
@pytest.mark.slow
def test_the_default_layout_passes_every_safeguard(tmp_path: Path) -> None:
    report = tmp_path / "check.xml"
    code, _, err = cli(
        ["check", "--format", "junit", "-o", str(report), "--workdir", str(tmp_path / "w")]
    )
    assert code == 0, err
    suites = ElementTree.parse(report).getroot().findall("testsuite")
    assert [s.get("name").split()[0] for s in suites] == [s.id for s in SAFEGUARDS]
    assert all(s.get("failures") == "0" for s in suites)
