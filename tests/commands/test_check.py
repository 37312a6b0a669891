"""`drkit synth` and `drkit check` from the command line, on the default layout: synthesized
once, then gated from that synth output (every safeguard passing, as JUnit XML for a CI)."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from drkit.operations.check.safeguards import SAFEGUARDS
from tests.commands.support import cli


@pytest.mark.synth
@pytest.mark.slow
def test_the_default_layout_synthesizes_and_passes_every_safeguard(tmp_path: Path) -> None:
    """synth --json: each stack's cdk.tf.json, the resources and peerings, no warning; then
    check --synthesized on it: a JUnit suite per safeguard, none failing."""
    outdir = tmp_path / "out"
    code, out, err = cli(["synth", "--json", "--outdir", str(outdir)])
    assert code == 0, err
    result = json.loads(out)
    assert all(Path(p).is_file() for p in result["stacks"].values())
    assert len(result["stacks"]) == 7 and result["peerings"] == 1 and result["warnings"] == []
    assert result["resources"] > 300
    report = tmp_path / "check.xml"
    code, _, err = cli(
        ["check", "--synthesized", str(outdir), "--format", "junit", "-o", str(report)]
    )
    assert code == 0, err
    suites = ElementTree.parse(report).getroot().findall("testsuite")
    assert [s.get("name").split()[0] for s in suites] == [s.id for s in SAFEGUARDS]
    assert all(s.get("failures") == "0" for s in suites)
