"""What the preflight found: one finding per check, and the report ``drkit preflight`` prints."""

from __future__ import annotations

import enum
import textwrap
from typing import Any

import attrs


class Level(enum.Enum):
    """How a check came out: passed, worth a look, or a reason not to deploy."""

    OK = "ok"
    WARNING = "warning"
    REFUSED = "REFUSED"


@attrs.frozen(kw_only=True)
class Finding:
    """One check's outcome.

    Attributes:
        level: Passed, warning, or refused.
        subject: What was checked: a region, the zone's name, or ``account``.
        check: Which check, e.g. ``Lambda concurrency``.
        message: What was read and, when not OK, what to change.
    """

    level: Level
    subject: str
    check: str
    message: str


def ok(subject: str, check: str, message: str) -> Finding:
    return Finding(level=Level.OK, subject=subject, check=check, message=message)


def warning(subject: str, check: str, message: str) -> Finding:
    return Finding(level=Level.WARNING, subject=subject, check=check, message=message)


def refused(subject: str, check: str, message: str) -> Finding:
    return Finding(level=Level.REFUSED, subject=subject, check=check, message=message)


@attrs.frozen(kw_only=True)
class PreflightReport:
    """Every finding for one layout and account.

    Attributes:
        account: The account the credentials belong to; None when unreadable.
        regions: One label per region of the layout.
        source: Where the spec came from.
        findings: The checks' outcomes, in the order they ran.
    """

    account: str | None
    regions: tuple[str, ...]
    source: str
    findings: tuple[Finding, ...]

    @property
    def refusals(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level is Level.REFUSED)

    @property
    def passed(self) -> bool:
        """Nothing refused (warnings allowed)."""
        return not self.refusals

    def render(self) -> str:
        """The report: a title, one wrapped paragraph per finding, the verdict."""
        account = self.account or "(unknown account)"
        lines = [f"drkit preflight of account {account} for {', '.join(self.regions)}"]
        lines += [f"({self.source})", ""]
        for f in self.findings:
            head = f"{f.level.value:<8} {f.subject} {f.check}: "
            lines += textwrap.wrap(
                head + f.message, width=100, subsequent_indent=" " * 9, break_on_hyphens=False
            )
        lines.append("")
        if self.passed:
            warned = sum(f.level is Level.WARNING for f in self.findings)
            lines.append(
                "Preflight passed"
                + (f" with {warned} warning(s): read them before deploying." if warned else ".")
            )
        else:
            lines.append(
                f"Preflight REFUSED ({len(self.refusals)} check(s)): nothing was deployed. "
                "Change what each REFUSED line names, then run drkit preflight again."
            )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "source": self.source,
            "regions": list(self.regions),
            "passed": self.passed,
            "findings": [
                {
                    "level": f.level.value.lower(),
                    "subject": f.subject,
                    "check": f.check,
                    "message": f.message,
                }
                for f in self.findings
            ],
        }
