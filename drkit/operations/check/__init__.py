"""``drkit check``: the compliance gate on a layout's synthesized stacks, per HIPAA safeguard.

Each control of a safeguard (``safeguards.SAFEGUARDS``) is one of: ``pass`` (it ran and
nothing failed), ``excepted`` (every failure is one of the reviewed skips in
compliance/checkov-skips.toml, whose reasons are given), ``fail`` (a failure no skip explains),
``not run`` (checkov ran the check on no resource: nothing evidences it). A safeguard passes
when each of its controls passes or is excepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from drkit import compliance
from drkit.compliance import CheckovReport, Finding, Skip
from drkit.operations import cross_stack
from drkit.operations.check import safeguards as sg
from drkit.operations.check.safeguards import SAFEGUARDS, Safeguard

STATUSES = ("pass", "excepted", "fail", "not run")


@attrs.frozen(kw_only=True)
class ControlResult:
    """One control's outcome.

    Attributes:
        control: The checkov check id or drkit's control id.
        status: One of :data:`STATUSES`.
        findings: The failures no skip explains.
        exceptions: The reasons of the skips that explained failures.
    """

    control: str
    status: str
    findings: tuple[Finding, ...] = ()
    exceptions: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class SafeguardResult:
    safeguard: Safeguard
    controls: tuple[ControlResult, ...]

    @property
    def passed(self) -> bool:
        return all(c.status in ("pass", "excepted") for c in self.controls)


def drkit_findings(stacks: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
    """drkit's own controls on every stack, and across them."""
    found = [f for stack in stacks.values() for f in compliance.iam_findings(stack)]
    found = [attrs.evolve(f, check=sg.LEAST_PRIVILEGE) for f in found]
    found += [
        attrs.evolve(f, check=sg.CONFUSED_DEPUTY)
        for stack in stacks.values()
        for f in compliance.confused_deputy_findings(stack)
    ]
    for control, pairs in (
        (sg.REPLICAS, cross_stack.replication_findings(stacks)),
        (sg.SIGNED_ZONE, cross_stack.zone_findings(stacks)),
        (sg.OWN_ALIASES, cross_stack.alias_findings(stacks)),
    ):
        found += [Finding(check=control, resource=a, detail=d) for a, d in pairs]
    return found


def evaluate(
    reports: Iterable[CheckovReport], skips: Sequence[Skip], own: Iterable[Finding]
) -> tuple[SafeguardResult, ...]:
    """Every safeguard's controls, from checkov's reports on the stacks and drkit's findings."""
    reports = list(reports)
    ran = frozenset().union(*(r.passed for r in reports))
    failed = [record for r in reports for record in r.failed]
    ran |= {record["check_id"] for record in failed}
    own = list(own)

    def control(check: str) -> ControlResult:
        if check in sg.DRKIT_CONTROLS:
            mine = tuple(f for f in own if f.check == check)
            return ControlResult(control=check, status="fail" if mine else "pass", findings=mine)
        if check not in ran:
            return ControlResult(control=check, status="not run")
        records = [r for r in failed if r["check_id"] == check]
        findings, used = compliance.evaluate(records, skips)
        reasons = tuple(sorted({s.reason for s in used}))
        status = "fail" if findings else "excepted" if used else "pass"
        return ControlResult(
            control=check, status=status, findings=tuple(findings), exceptions=reasons
        )

    return tuple(
        SafeguardResult(safeguard=s, controls=tuple(control(c) for c in s.controls))
        for s in SAFEGUARDS
    )
