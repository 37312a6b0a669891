"""``drkit audit``: verify every region's audit chain where it is kept (each region's own
replica of the audit table), with the same code the scheduled auditor runs
(``drkit_runtime.chain``), and tell an operator where any break is.

A region's chain is verified in that region: its entries are written there in one
transaction with their links, so the region's own replica holds all of them at once, while
another replica may still be receiving the latest.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from drkit.errors import SpecError
from drkit.regions import names
from drkit.regions.spec import DeploymentSpec
from drkit_runtime import chain
from drkit_runtime.contract import AUDIT_LOGS

ClientFactory = Callable[[str, str], Any]


@attrs.frozen(kw_only=True)
class AuditReport:
    """Every region's verification.

    Attributes:
        reports: One per region verified, in the layout's order.
    """

    reports: tuple[chain.Report, ...]

    @property
    def whole(self) -> bool:
        return not any(r.findings for r in self.reports)

    def to_json(self) -> dict[str, Any]:
        """The report; given back as ``--anchor``, its heads are what a later run checks."""
        return {"whole": self.whole, "regions": [r.as_dict() for r in self.reports]}

    def render(self) -> str:
        lines = []
        for report in self.reports:
            lanes = sum(1 for h in report.heads if h.seq)
            verdict = "whole" if not report.findings else f"{len(report.findings)} break(s)"
            lines.append(f"{report.region}: {report.length} entries in {lanes} lane(s): {verdict}")
            lines += [f"  lane {f.lane} #{f.seq}: {f.problem}: {f.detail}" for f in report.findings]
        return "\n".join(lines)


def read_anchor(path: Path) -> dict[str, dict[int, chain.Head]]:
    """Region -> lane heads, from an earlier ``drkit audit --json``.

    Raises:
        SpecError: ``--anchor`` is not such a report.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {r["region"]: chain.anchor_of(r) for r in data["regions"]}
    except (OSError, ValueError, KeyError, TypeError):
        raise SpecError(
            "--anchor", str(path), "the JSON an earlier `drkit audit --json` printed"
        ) from None


def audit(
    spec: DeploymentSpec,
    clients: ClientFactory,
    *,
    regions: Iterable[str] = (),
    anchors: Mapping[str, Mapping[int, chain.Head]] | None = None,
) -> AuditReport:
    """Verify the chains of ``regions`` (default: every region of the layout).

    Raises:
        SpecError: ``--region`` names a region outside the layout.
    """
    layout = [r.region for r in spec.regions]
    chosen = list(regions) or layout
    for region in chosen:
        if region not in layout:
            raise SpecError("--region", region, "a region of the layout: " + ", ".join(layout))
    table = names.TABLES[AUDIT_LOGS](spec.namer)
    return AuditReport(
        reports=tuple(
            chain.verify(
                clients("dynamodb", region),
                table=table,
                region=region,
                anchor=(anchors or {}).get(region),
            )
            for region in chosen
        )
    )
