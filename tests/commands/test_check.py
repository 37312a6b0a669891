"""`drkit check` and `drkit synth` from the command line, on the default layout: gated (every
safeguard passing, written as JUnit XML for a CI system) and synthesized."""

from __future__ import annotations

import json
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


@pytest.mark.synth
@pytest.mark.slow
def test_synth_writes_every_stack_and_says_what_it_made(tmp_path: Path) -> None:
    """drkit synth --json: each stack's cdk.tf.json, the resources and peerings, no warning
    for the default layout."""
    code, out, err = cli(["synth", "--json", "--outdir", str(tmp_path / "out")])
    assert code == 0, err
    result = json.loads(out)
    assert all(Path(p).is_file() for p in result["stacks"].values())
    assert len(result["stacks"]) == 7 and result["peerings"] == 1 and result["warnings"] == []
    assert result["resources"] > 300
