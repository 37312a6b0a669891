"""What the drill prints: the plan, each poll, the measured table and why a number is missing."""

from __future__ import annotations

import re

import attrs
import pytest

from drkit.operations.drill.checkers import CheckerReport, Route53View
from drkit.operations.drill.plan import DrillPlan, DrillSettings
from drkit.operations.drill.preflight import Preflight
from drkit.operations.drill.report import describe, progress_line, report, traffic_note
from drkit.operations.drill.result import DrillResult
from drkit.operations.drill.switch import Switch
from drkit.operations.drill.traffic import TrafficWatch
from drkit.regions.spec import DeploymentSpec

SPEC = DeploymentSpec.default(environment_suffix="test")
PLAN = DrillPlan.from_spec(SPEC, "us-west-2")
PREFLIGHT = Preflight(
    switch=Switch(
        name=PLAN.parameter_name, region="us-west-2", value="active", parameter_type="String"
    ),
    health_check_ids={"us-east-1": "hc-1", "us-west-2": "hc-2"},
)
MEASURED = DrillResult(
    first_failure_seconds=0.0,
    unhealthy_seconds=10.0,
    traffic_off_seconds=40.0,
    traffic_note=None,
    recovered_seconds=10.0,
    timed_out=False,
    restored=True,
)


def test_the_plan_names_switch_check_traffic_and_timing():
    """The plan shows the switch, the check's id, the probe and the timing it will use."""
    lines = describe(PLAN, DrillSettings(samples_per_poll=7), PREFLIGHT, probing=True)
    text = "\n".join(lines)
    assert lines[0].startswith("drkit drill: drain us-west-2 (weight 30 %)")
    assert f"{PLAN.parameter_name} in us-west-2 (String): 'active' -> 'drained'" in text
    assert "(id hc-2): 10 s x 3 failures" in text
    assert "7 per poll; 20 answers in a row from elsewhere confirm it is out" in text
    assert "other regions  us-east-1: healthy now" in text
    assert "poll every 5 s, give up after 600 s" in text


def test_the_plan_says_when_traffic_is_not_measured():
    """No probe, or a weight-0 region: the traffic line says why nothing is measured."""
    off = describe(PLAN, DrillSettings(), PREFLIGHT, probing=False)
    assert "traffic        not measured (no probe" in "\n".join(off)
    idle = attrs.evolve(PLAN, weight=0)
    assert "has weight 0" in "\n".join(describe(idle, DrillSettings(), PREFLIGHT, probing=True))


def test_progress_shows_checkers_verdict_and_traffic():
    """One poll's line: failing checkers, Route 53's estimate, and the region's last answer."""
    view = Route53View(threshold=1)
    view.update([CheckerReport(checker="a", ok=False, checked_at=1)])
    watch = TrafficWatch(region="us-west-2", required=3, last_seen=2.5, misses=4)
    assert progress_line(7.0, view, None) == (
        "  t=   7.0 s  checkers failing 1/1  Route 53: UNHEALTHY"
    )
    assert progress_line(7.0, view, watch).endswith(
        "us-west-2 last answered t=2.5 s, 4 answers from elsewhere since"
    )


@pytest.mark.parametrize(
    ("probing", "required", "watch", "note"),
    [
        (False, 20, None, "not measured: no traffic probe"),
        (True, None, None, "not measured: us-west-2 has weight 0"),
        (True, 20, TrafficWatch(region="us-west-2", required=20), "inconclusive"),
        (True, 20, TrafficWatch(region="us-west-2", required=20, last_seen=1.0), "not observed"),
        (
            True,
            1,
            TrafficWatch(region="us-west-2", required=1, last_seen=1.0, first_miss=2.0, misses=1),
            None,
        ),
    ],
)
def test_the_traffic_note_says_why_a_time_is_missing(probing, required, watch, note):
    """Each reason traffic was not measured has its own note; a measured time has none."""
    got = traffic_note("us-west-2", watch, probing=probing, required=required)
    assert got == note if note is None else got.startswith(note)


def test_the_table_puts_each_measurement_next_to_its_budget():
    """Within budget: both rows say so, with the budget's basis."""
    text = "\n".join(report(PLAN, MEASURED))
    judged = r"judges it unhealthy +10\.0 s +45 s  within budget 5 s reused \+ 10 s x \(3 failures"
    assert re.search(judged, text)
    assert re.search(r"stop reaching it +40\.0 s +115 s  within budget detection 55 s \+ TTL", text)
    assert "worst-case RTO is 155 s against the 300 s target" in text


def test_the_table_flags_a_time_over_budget():
    """A measurement past its budget is marked OVER BUDGET."""
    late = attrs.evolve(MEASURED, unhealthy_seconds=50.0)
    assert re.search(
        r"judges it unhealthy +50\.0 s +45 s  OVER BUDGET", "\n".join(report(PLAN, late))
    )


def test_the_table_explains_missing_numbers():
    """Never unhealthy: dashes, the traffic note, and why there is no recovery time."""
    nothing = DrillResult(
        first_failure_seconds=None,
        unhealthy_seconds=None,
        traffic_off_seconds=None,
        traffic_note="not observed before the timeout",
        recovered_seconds=None,
        timed_out=True,
        restored=True,
    )
    lines = report(PLAN, nothing)
    assert "  first checker reports a failure              -" in lines
    assert "  traffic: not observed before the timeout" in lines
    assert any("never judged unhealthy" in line for line in lines)
