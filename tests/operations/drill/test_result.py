"""When a drill passes: everything observed, within budget, and the region back."""

from __future__ import annotations

import attrs
import pytest

from drkit.operations.drill.plan import DrillPlan
from drkit.operations.drill.result import DrillResult, passed
from drkit.regions import budget
from drkit.regions.spec import DeploymentSpec

PLAN = DrillPlan.from_spec(DeploymentSpec.default(environment_suffix="test"), "us-west-2")
UNHEALTHY_BUDGET = budget.judged_unhealthy_seconds(PLAN.inputs)
TRAFFIC_BUDGET = budget.requests_stop_seconds(PLAN.inputs)
GOOD = DrillResult(
    first_failure_seconds=0.0,
    unhealthy_seconds=float(UNHEALTHY_BUDGET),
    traffic_off_seconds=float(TRAFFIC_BUDGET),
    traffic_note=None,
    recovered_seconds=10.0,
    timed_out=False,
    restored=True,
)


def test_exactly_at_the_budget_passes():
    """The budgets are inclusive; traffic not measured (None) does not fail a drill."""
    assert passed(PLAN, GOOD)
    assert passed(PLAN, attrs.evolve(GOOD, traffic_off_seconds=None))


@pytest.mark.parametrize(
    "change",
    [
        {"timed_out": True},
        {"unhealthy_seconds": None},
        {"recovered_seconds": None},
        {"unhealthy_seconds": UNHEALTHY_BUDGET + 0.1},
        {"traffic_off_seconds": TRAFFIC_BUDGET + 0.1},
    ],
)
def test_anything_missing_or_late_fails(change):
    """A timeout, a missing time, or a time past its budget fails the drill."""
    assert not passed(PLAN, attrs.evolve(GOOD, **change))
