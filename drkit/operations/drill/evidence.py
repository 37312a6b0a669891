"""A drill's evidence file (``drkit drill --report``): what HIPAA 164.308(a)(7)(ii)(D) asks a
covered entity to keep of testing its contingency plan, in JSON for a machine or Markdown for a
person: the layout, every step with its time, what was measured against the budget, the outcome.

Written whatever the outcome: a drill refused by its preflight, declined, or over budget is
evidence too. Against an emulator only the flip and the restore are exercised (no health
checker or DNS runs there), and the file says so.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from drkit import __version__
from drkit.operations.drill.plan import DrillPlan, DrillSettings
from drkit.operations.drill.result import DrillResult
from drkit.regions import budget
from drkit.regions.spec import DeploymentSpec

#: What each exit code of a drill means in the file.
OUTCOMES = {0: "passed", 1: "not passed", 3: "restore failed: restore the switch by hand"}


@attrs.define
class Timeline:
    """Every line the drill printed, with when (UTC), passed on to ``out``."""

    out: Callable[[str], None] = print
    wall: Callable[[], float] = time.time
    steps: list[dict[str, str]] = attrs.field(factory=list)

    def say(self, line: str) -> None:
        at = datetime.fromtimestamp(self.wall(), tz=UTC).isoformat(timespec="milliseconds")
        self.steps.append({"at": at, "line": line})
        self.out(line)


def evidence(
    spec: DeploymentSpec,
    plan: DrillPlan,
    settings: DrillSettings,
    timeline: Timeline,
    *,
    result: DrillResult | None,
    outcome: str,
    target: str,
) -> dict[str, Any]:
    """The evidence document."""
    i = plan.inputs
    measured = None
    if result is not None:
        measured = {
            "first_failure_seconds": result.first_failure_seconds,
            "judged_unhealthy_seconds": result.unhealthy_seconds,
            "judged_unhealthy_budget_seconds": budget.judged_unhealthy_seconds(i),
            "requests_stop_seconds": result.traffic_off_seconds,
            "requests_stop_budget_seconds": budget.requests_stop_seconds(i),
            "traffic_note": result.traffic_note,
            "recovered_seconds": result.recovered_seconds,
            "timed_out": result.timed_out,
            "restored": result.restored,
            "rto_budget_seconds": budget.rto_budget(i).total_seconds,
            "rto_target_seconds": budget.rto_budget(i).target_seconds,
        }
    return {
        "drkit_version": __version__,
        "target": target,
        "layout": {
            "suffix": spec.environment_suffix,
            "regions": [
                {"region": r.region, "role": r.role.value, "weight": r.weight} for r in spec.regions
            ],
            "health_check": {
                "interval_seconds": i.health_check_interval_seconds,
                "failure_threshold": i.health_check_failure_threshold,
            },
        },
        "drained": plan.region,
        "settings": attrs.asdict(settings),
        "steps": timeline.steps,
        "measured": measured,
        "outcome": outcome,
    }


def write(path: Path, document: dict[str, Any]) -> None:
    """JSON for a ``.json`` path, Markdown for a ``.md`` one."""
    text = json.dumps(document, indent=2) if path.suffix == ".json" else markdown(document)
    path.write_text(text + "\n", encoding="utf-8")


def markdown(d: dict[str, Any]) -> str:
    regions = ", ".join(
        f"{r['region']} ({r['role']}, {r['weight']} %)" for r in d["layout"]["regions"]
    )
    lines = [
        f"# Failover drill: {d['drained']} drained",
        "",
        f"- Outcome: **{d['outcome']}**",
        f"- Target: {d['target']}",
        f"- Layout: {regions}; suffix `{d['layout']['suffix']}`",
        f"- drkit {d['drkit_version']}",
        "",
        "## Measured against the budget",
        "",
    ]
    m = d["measured"]
    if m is None:
        lines.append("Nothing was measured: the drill did not drain the region.")
    else:
        lines += [
            "| step | measured (s) | budget (s) |",
            "|---|---|---|",
            f"| first checker reports a failure | {_s(m['first_failure_seconds'])} | |",
            f"| Route 53 judges it unhealthy | {_s(m['judged_unhealthy_seconds'])} "
            f"| {m['judged_unhealthy_budget_seconds']} |",
            f"| requests stop reaching it | {_s(m['requests_stop_seconds'])} "
            f"| {m['requests_stop_budget_seconds']} |",
            f"| judged healthy again after the restore | {_s(m['recovered_seconds'])} | |",
            "",
            f"Worst-case RTO budgeted: {m['rto_budget_seconds']} s against the "
            f"{m['rto_target_seconds']} s target. Restored: {m['restored']}.",
        ]
        if m["traffic_note"]:
            lines.append(f"Traffic: {m['traffic_note']}.")
    lines += ["", "## Steps (UTC)", "", "```"]
    lines += [f"{s['at']}  {s['line']}" for s in d["steps"]]
    lines.append("```")
    return "\n".join(lines)


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
