"""What a drill prints: its plan, a progress line per poll, and the measured table."""

from __future__ import annotations

import textwrap

from drkit.operations.drill.checkers import Route53View
from drkit.operations.drill.plan import DrillPlan, DrillSettings
from drkit.operations.drill.preflight import Preflight
from drkit.operations.drill.result import DrillResult
from drkit.operations.drill.traffic import TrafficWatch, required_misses
from drkit.regions import budget
from drkit_runtime.contract import DRAIN_ACTIVE, DRAIN_DRAINED, HEALTH_CACHE_SECONDS

#: Widths of the measured table: label, measured value (with " s"), budget number.
_LABEL, _MEASURED, _BUDGET = 37, 9, 7


def describe(
    plan: DrillPlan, settings: DrillSettings, preflight: Preflight, *, probing: bool
) -> list[str]:
    """The plan, printed before anything is changed (and all a dry run prints)."""
    s, i = settings, plan.inputs
    required = required_misses(plan.weight)
    if not probing:
        traffic = "not measured (no probe: --no-traffic-probe or --endpoint-url)"
    elif required is None:
        traffic = (
            f"not measured ({plan.region} has weight 0 and gets no traffic "
            "while others are healthy)"
        )
    else:
        traffic = (
            f"GET https://{plan.api_domain_name}/health, {s.samples_per_poll} per poll; "
            f"{required} answers in a row from elsewhere confirm it is out"
        )
    return [
        f"drkit drill: drain {plan.region} (weight {plan.weight} %), measure the failover, restore",
        f"  drain switch   {plan.parameter_name} in {plan.region} "
        f"({preflight.switch.parameter_type}): {DRAIN_ACTIVE!r} -> {DRAIN_DRAINED!r}, "
        f"then back to {DRAIN_ACTIVE!r} whatever happens",
        f"  health check   Name={plan.health_check_names[plan.region]} "
        f"(id {preflight.health_check_ids[plan.region]}): {i.health_check_interval_seconds} s x "
        f"{i.health_check_failure_threshold} failures",
        f"  traffic        {traffic}",
        f"  other regions  {', '.join(plan.others)}: healthy now",
        f"  timing         poll every {s.poll_seconds:g} s, give up after {s.timeout_seconds:g} s",
    ]


def progress_line(now: float, view: Route53View, traffic: TrafficWatch | None) -> str:
    """One poll: the checkers' state, Route 53's estimated verdict and, if probed, the traffic."""
    status = "healthy" if view.healthy else "UNHEALTHY"
    line = f"  t={now:6.1f} s  checkers failing {view.failing}/{view.checkers}  Route 53: {status}"
    if traffic is not None:
        seen = "not yet" if traffic.last_seen is None else f"t={traffic.last_seen:.1f} s"
        line += (
            f"  {traffic.region} last answered {seen}, "
            f"{traffic.misses} answers from elsewhere since"
        )
    return line


def traffic_note(
    region: str, traffic: TrafficWatch | None, *, probing: bool, required: int | None
) -> str | None:
    """Why the traffic time is missing or unreliable; None when it was measured."""
    if not probing:
        return "not measured: no traffic probe"
    if required is None:
        return f"not measured: {region} has weight 0"
    if traffic is not None and traffic.last_seen is None:
        return f"inconclusive: {region} never answered after the flip"
    if traffic is not None and traffic.off_at is None:
        return "not observed before the timeout"
    return None


def report(plan: DrillPlan, result: DrillResult) -> list[str]:
    """Measured RTO components next to the budget's."""
    i = plan.inputs
    rto = budget.rto_budget(i)
    lines = [
        "",
        f"Measured in {plan.region} (t=0: the switch reads {DRAIN_DRAINED!r})",
        f"  {'':<{_LABEL}}{'measured':>{_MEASURED}}{'budget':>{_BUDGET + 2}}",
        _row("first checker reports a failure", result.first_failure_seconds),
        _row(
            "Route 53 judges it unhealthy",
            result.unhealthy_seconds,
            budget.judged_unhealthy_seconds(i),
            f"{HEALTH_CACHE_SECONDS} s reused + {i.health_check_interval_seconds} s x "
            f"({i.health_check_failure_threshold} failures "
            f"+ {budget.CHECKER_SPREAD_INTERVALS} spread)",
        ),
        _row(
            "requests stop reaching it",
            result.traffic_off_seconds,
            budget.requests_stop_seconds(i),
            f"detection {rto.detection_seconds} s + TTL {budget.ALIAS_TTL_SECONDS} s",
        ),
        _row("judged healthy again after restore", result.recovered_seconds),
    ]
    if result.traffic_note:
        lines.append(f"  traffic: {result.traffic_note}")
    if result.unhealthy_seconds is None:
        lines.append("  the region was never judged unhealthy, so there was no recovery to time")
    notes = (
        "Not measured by a drill, only budgeted: other clients caching past the TTL "
        f"({i.client_dns_cache_seconds} s) and the cold start in the surviving region "
        f"({budget.COLD_START_SECONDS} s); the budget's worst-case RTO is {rto.total_seconds} s "
        f"against the {rto.target_seconds} s target. The unhealthy time is estimated from the "
        "checkers' reports; the traffic time includes status propagation and this machine's "
        "resolver cache."
    )
    return lines + textwrap.wrap(notes, width=100)


def _row(label: str, value: float | None, limit: int | None = None, basis: str = "") -> str:
    measured = "-" if value is None else f"{value:.1f} s"
    line = f"  {label:<{_LABEL}}{measured:>{_MEASURED}}"
    if limit is not None:
        verdict = "" if value is None else ("within budget" if value <= limit else "OVER BUDGET")
        line += f"{limit:>{_BUDGET}} s  {verdict:<14}{basis}"
    return line.rstrip()
