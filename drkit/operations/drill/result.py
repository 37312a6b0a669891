"""What a drill measured, and whether that passes the budget."""

from __future__ import annotations

import attrs

from drkit.operations.drill.plan import DrillPlan
from drkit.regions import budget


@attrs.frozen(kw_only=True)
class DrillResult:
    """What a drill measured; times are seconds after the switch read ``drained``.

    Attributes:
        first_failure_seconds: First checker reporting a failure.
        unhealthy_seconds: Route 53 judged the region unhealthy (estimated from its checkers).
        traffic_off_seconds: Requests to the API name stopped reaching the region.
        traffic_note: Why traffic was not measured, when it was not.
        recovered_seconds: After the restore, until Route 53 judged it healthy again.
        timed_out: The timeout passed before everything was observed.
        restored: The switch reads ``active`` again.
    """

    first_failure_seconds: float | None
    unhealthy_seconds: float | None
    traffic_off_seconds: float | None
    traffic_note: str | None
    recovered_seconds: float | None
    timed_out: bool
    restored: bool


def passed(plan: DrillPlan, result: DrillResult) -> bool:
    """Everything was observed, within the budget, and the region came back."""
    if result.timed_out or result.unhealthy_seconds is None or result.recovered_seconds is None:
        return False
    if result.unhealthy_seconds > budget.judged_unhealthy_seconds(plan.inputs):
        return False
    off = result.traffic_off_seconds
    return off is None or off <= budget.requests_stop_seconds(plan.inputs)
