"""A model of Route 53's verdict on one endpoint, fed with its health checkers' reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from drkit.regions import budget


@attrs.frozen(kw_only=True)
class CheckerReport:
    """One Route 53 health checker's latest result.

    Attributes:
        checker: The checker (its region and address).
        ok: Its latest request succeeded.
        checked_at: When; a new value means a new report.
    """

    checker: str
    ok: bool
    checked_at: Any


@attrs.define
class _Checker:
    healthy: bool
    run_ok: bool
    run: int
    checked_at: Any


@attrs.define
class Route53View:
    """Route 53's verdict on one endpoint, estimated from its checkers' reports.

    A checker turns unhealthy after ``threshold`` consecutive failed reports and
    healthy after ``threshold`` consecutive successes; Route 53 calls the endpoint
    healthy while more than 18 % of the checkers do. Each report counts once (by
    its time); polling less often than the interval misses reports, which makes
    the estimate late, never early.

    Attributes:
        threshold: The health check's failure threshold.
    """

    threshold: int
    _checkers: dict[str, _Checker] = attrs.field(factory=dict, init=False)

    def update(self, reports: Sequence[CheckerReport]) -> None:
        """Count each new report once; a report already seen (same time) is skipped."""
        for report in reports:
            state = self._checkers.get(report.checker)
            if state is None:
                self._checkers[report.checker] = _Checker(
                    healthy=report.ok, run_ok=report.ok, run=1, checked_at=report.checked_at
                )
                continue
            if report.checked_at == state.checked_at:
                continue
            state.checked_at = report.checked_at
            if report.ok == state.run_ok:
                state.run += 1
            else:
                state.run_ok, state.run = report.ok, 1
            if state.run >= self.threshold:
                state.healthy = state.run_ok

    @property
    def healthy_share(self) -> float:
        """Share of checkers that see the endpoint healthy (1.0 before any report)."""
        if not self._checkers:
            return 1.0
        return sum(c.healthy for c in self._checkers.values()) / len(self._checkers)

    @property
    def healthy(self) -> bool:
        return self.healthy_share > budget.HEALTHY_CHECKER_SHARE

    @property
    def failing(self) -> int:
        """Checkers whose latest report is a failure."""
        return sum(not c.run_ok for c in self._checkers.values())

    @property
    def checkers(self) -> int:
        return len(self._checkers)
