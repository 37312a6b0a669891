"""drkit drill --report: the evidence file, written whatever the outcome, with the layout,
every step with its time, the measured figures next to the budget, and the outcome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drkit.errors import DrillError
from drkit.operations.drill import runner
from drkit.operations.drill.evidence import Timeline, evidence, markdown
from drkit.operations.drill.plan import DrillSettings
from drkit.regions import budget
from drkit.regions.spec import DeploymentSpec
from tests.operations.drill.support import PRIMARY, SECONDARY, SUFFIX, FakeClock, make_drill

SPEC = DeploymentSpec.default(environment_suffix=SUFFIX)


def test_a_measured_drill_keeps_every_step_and_the_figures_against_the_budget(deployment):
    """The steps as printed, each with a UTC time; the unhealthy time beside its budget."""
    clock = FakeClock()
    timeline = Timeline(out=lambda _: None, wall=lambda: 1_800_000_000 + clock.now)
    drill = make_drill(deployment, clock=clock, lines=None)
    drill.out = timeline.say
    assert drill.run() == 0
    document = evidence(
        SPEC, drill.plan, drill.settings, timeline, result=drill.measured, outcome="passed",
        target="AWS",
    )  # fmt: skip
    document = json.loads(json.dumps(document))  # what a JSON file holds
    assert document["drained"] == SECONDARY and document["outcome"] == "passed"
    assert [r["region"] for r in document["layout"]["regions"]] == [PRIMARY, SECONDARY]
    assert document["steps"][0]["at"].startswith("2027-01-15T08:00:00")
    assert any("draining" in s["line"] for s in document["steps"])
    measured = document["measured"]
    assert measured["judged_unhealthy_seconds"] == 10 and measured["restored"] is True
    assert measured["judged_unhealthy_budget_seconds"] == budget.judged_unhealthy_seconds(
        drill.plan.inputs
    )
    text = markdown(document)
    assert "| Route 53 judges it unhealthy | 10.0 |" in text and "**passed**" in text


def test_a_refused_drill_still_leaves_its_evidence(deployment, tmp_path: Path):
    """The preflight refuses (the switch is already drained): the file says so, in Markdown."""
    report = tmp_path / "drill.md"
    ssm = deployment.ssm(SECONDARY)
    name = next(iter(ssm.describe_parameters()["Parameters"]))["Name"]
    ssm.put_parameter(Name=name, Value="drained", Type="SecureString", Overwrite=True)
    with pytest.raises(DrillError):
        runner.run_drill(
            SPEC, SECONDARY, DrillSettings(), clients=deployment.client, confirm=False,
            traffic_probe=False, report_path=report,
        )  # fmt: skip
    text = report.read_text()
    assert "**refused:" in text and "Nothing was measured" in text


def test_a_dry_run_is_kept_as_one(deployment, tmp_path: Path):
    report = tmp_path / "drill.json"
    code = runner.run_drill(
        SPEC, SECONDARY, DrillSettings(), clients=deployment.client, dry_run=True,
        traffic_probe=False, report_path=report,
    )  # fmt: skip
    document = json.loads(report.read_text())
    assert code == 0 and document["outcome"].startswith("dry run")
    assert document["measured"] is None and document["steps"]
