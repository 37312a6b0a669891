"""The availability section of ``drkit budget``: one region from AWS's SLAs, the layout with
failover, and how many regional incidents a year the target allows.

The arithmetic is the model's (drkit/regions/availability.py); this module prints it, each
figure with its source: the SLAs are documented, the incident rate and the independence of
failures are modelled, the target and the failover time come from the spec.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import attrs

from drkit.regions.availability import YEAR_SECONDS, AvailabilityBudget

#: The table's columns: label, figure, then what it is.
_LABEL, _FIGURE = 38, 11


@attrs.frozen(kw_only=True)
class AvailabilityReport:
    """A layout's availability budget as a table, a verdict and JSON.

    Attributes:
        budget: The model's figures.
        incidents_source: Where the incident rate comes from: ``modelled`` or ``what-if``.
    """

    budget: AvailabilityBudget
    incidents_source: str = "modelled"

    @property
    def meets_target(self) -> bool:
        return self.budget.meets_target

    def render(self) -> list[str]:
        """The section ``drkit budget`` prints."""
        return [*self._region_lines(), *self._layout_lines()]

    def _region_lines(self) -> list[str]:
        b = self.budget
        minutes = float(b.allowed_seconds) / 60
        lines = [
            f"Availability: target {_exact(b.inputs.target_percent)} % (availability_target), "
            f"at most {minutes:.1f} minutes down a year",
            "  One region: the SLAs of what it needs (monthly uptime, documented)",
        ]
        lines += [
            _line(s.service, f"{_exact(s.uptime_percent)} %", f"{s.need.value:<8}  {s.page}")
            for s in b.inputs.services
        ]
        hours = float(1 - b.region_uptime) * YEAR_SECONDS / 3600
        lines.append(
            _line(
                "one region alone",
                f"{_percent(b.region_uptime)} %",
                f"their product (modelled: independent); {hours:.1f} h down a year",
            )
        )
        return lines

    def _layout_lines(self) -> list[str]:
        b, i = self.budget, self.budget.inputs
        lines = [
            "  With failover: an incident costs its region's share of the traffic for "
            f"{i.failover_seconds} s (detection + DNS)",
            f"    {'Region':<16}{'share':>6}{'one incident':>15}   "
            "incidents a year within the target, all in this region",
        ]
        for r in b.regions:
            alone = "any number" if r.alone_within_target is None else str(r.alone_within_target)
            lines.append(
                f"    {r.region:<16}{_share(r.share):>6}{float(r.cost_seconds):>13.1f} s   {alone}"
            )
        within = b.incidents_within_target
        lines += [
            _line(
                "every region down at once",
                f"{float(b.all_down_seconds):.0f} s",
                "a year: independent failures at the SLA floors (modelled)",
            ),
            _line(
                "incidents a year within the target",
                "none" if within is None else str(within),
                "in every region",
            ),
            _line(
                "incidents a year assumed",
                str(i.incidents_per_region),
                f"in every region ({self._incidents_basis()})",
            ),
            _line(
                "layout availability",
                f"{_percent(b.layout_uptime)} %",
                f"{i.incidents_per_region} x {i.failover_seconds} s + "
                f"{float(b.all_down_seconds):.0f} s = {float(b.unavailable_seconds):.0f} s down "
                "a year (modelled)",
            ),
        ]
        return lines

    def _incidents_basis(self) -> str:
        if self.incidents_source == "modelled":
            return "modelled: one a month; AWS publishes no rate"
        return self.incidents_source

    def verdict(self) -> str:
        """One sentence: met, or by how much not and what the target allows."""
        b, i = self.budget, self.budget.inputs
        target, layout = _exact(i.target_percent), _percent(b.layout_uptime)
        within = b.incidents_within_target
        if b.meets_target:
            return (
                f"Availability met: {layout} % >= {target} % with {i.incidents_per_region} "
                f"incidents a year in every region ({self.incidents_source}; {within} fit)."
            )
        if within is None:
            why = (
                f"every region down at once ({float(b.all_down_seconds):.0f} s a year) already "
                f"exceeds the {float(b.allowed_seconds):.0f} s the target allows"
            )
        else:
            why = (
                f"{i.incidents_per_region} incidents a year in every region "
                f"({self.incidents_source}) exceed the {within} that fit; shorten detection "
                "and DNS (the RTO rows) or lower the target"
            )
        return f"Availability NOT met: {layout} % < {target} %: {why}."

    def to_json(self) -> dict[str, Any]:
        b, i = self.budget, self.budget.inputs
        return {
            "target_percent": float(i.target_percent),
            "allowed_seconds": float(b.allowed_seconds),
            "services": [
                {
                    "key": s.key,
                    "service": s.service,
                    "uptime_percent": float(s.uptime_percent),
                    "need": s.need.value,
                    "why": s.why,
                    "source": s.page,
                }
                for s in i.services
            ],
            "region_uptime_percent": float(b.region_uptime * 100),
            "failover_seconds": i.failover_seconds,
            "regions": [
                {
                    "region": r.region,
                    "share_percent": float(r.share * 100),
                    "incident_seconds": float(r.cost_seconds),
                    "alone_within_target": r.alone_within_target,
                }
                for r in b.regions
            ],
            "all_regions_down_seconds": float(b.all_down_seconds),
            "incidents_per_region": i.incidents_per_region,
            "incidents_source": self.incidents_source,
            "incidents_within_target": b.incidents_within_target,
            "unavailable_seconds": float(b.unavailable_seconds),
            "layout_uptime_percent": float(b.layout_uptime * 100),
            "meets_target": b.meets_target,
        }


def _line(label: str, figure: str, basis: str) -> str:
    return f"    {label:<{_LABEL}}{figure:>{_FIGURE}}   {basis}".rstrip()


def _exact(percent: Fraction) -> str:
    """``99.95``, ``100``: a percentage with the decimals it has (SLAs and targets are short)."""
    return f"{float(percent):.6f}".rstrip("0").rstrip(".")


def _percent(uptime: Fraction) -> str:
    """``99.9929``: an availability as a percentage, four decimals, cut rather than rounded up
    (a rounded 99.99 must not read as meeting a 99.99 % target it misses)."""
    ten_thousandths = math.floor(uptime * 100 * 10_000)
    return f"{ten_thousandths / 10_000:.4f}"


def _share(share: Fraction) -> str:
    return f"{float(share * 100):.1f}".removesuffix(".0") + " %"
