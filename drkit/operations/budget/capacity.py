"""Capacity in a failover: what each region must carry when its largest peer fails.

The arithmetic is the model's (drkit/regions/budget.py: Route 53's weighted
routing and DynamoDB's on-demand ramp); this module prints it for
``drkit budget`` and says, as warnings, which region cannot absorb its peer.
/health's own function is counted apart: a failover does not load it, and the
API function's throttling cannot reach it.
"""

from __future__ import annotations

import math
import textwrap
from fractions import Fraction
from typing import Any

import attrs

from drkit.regions.budget import (
    ON_DEMAND_INSTANT_RAMP,
    ON_DEMAND_NEW_TABLE_READ_UNITS,
    CapacityInputs,
    FailoverCapacity,
    HealthCapacity,
    failover_capacity,
    survivable_peak,
)
from drkit.regions.parameter_store import LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT

_HEADER = (
    f"  {'Region':<16}{'fails':<16}{'share':<18}{'needs':>6}{'reserved':>10}"
    "   DynamoDB reads (units/s)"
)


@attrs.frozen(kw_only=True)
class CapacityReport:
    """The capacity rows of a layout, as a table, warnings and JSON.

    Attributes:
        inputs: The layout's weights, reserved concurrency and peaks.
        what_ifs: The spec fields overridden on the command line (their rows say so).
        health: /health's own function, the same in every region.
    """

    inputs: CapacityInputs
    what_ifs: frozenset[str] = frozenset()
    health: HealthCapacity = attrs.field(factory=HealthCapacity)

    def _source(self, field: str) -> str:
        return f"{field} ({'what-if' if field in self.what_ifs else 'spec'})"

    def rows(self) -> tuple[FailoverCapacity, ...]:
        return failover_capacity(self.inputs)

    @property
    def absorbs_every_failure(self) -> bool:
        return all(row.absorbs for row in self.rows())

    def warnings(self) -> tuple[str, ...]:
        """One sentence per region that cannot absorb its largest peer, then what to change."""
        peak = self.inputs.peak_concurrency
        out = [
            f"WARNING: {row.region} cannot absorb the failure of {row.failed}: at a peak of "
            f"{peak}, its {_percent(row.share_after)} share needs "
            f"{row.needed_concurrency} concurrent executions and its API function reserves "
            f"{row.reserved_concurrency}; Lambda throttles the rest of the records requests (not "
            "/health: its function is its own)."
            for row in self.rows()
            if not row.absorbs
        ]
        ramps = [row for row in self.rows() if not row.within_on_demand_ramp]
        if ramps:
            where = ", ".join(f"{row.region} ({_reads(row)} read units/s)" for row in ramps)
            out.append(
                f"WARNING: the table replicas in {where} get more reads when their largest peer "
                f"fails than on-demand serves at once: {ON_DEMAND_INSTANT_RAMP}x their previous "
                f"peak, at least a new table's {ON_DEMAND_NEW_TABLE_READ_UNITS} (documented). "
                "Unless they have served that much before, pre-warm them (warm throughput)."
            )
        if not self.health.absorbs:
            out.append(
                f"WARNING: /health's function reserves {self.health.reserved_concurrency}, and "
                f"Route 53's checkers can hold {self.health.needed_concurrency}: a probe Lambda "
                "throttles fails the region out."
            )
        if any(not row.absorbs for row in self.rows()):
            out.append(self._fix())
        return tuple(out)

    def _fix(self) -> str:
        needed = max(row.needed_concurrency for row in self.rows())
        fix = (
            f"Fix: at a peak of {self.inputs.peak_concurrency}, set lambda_reserved_concurrency "
            f"to at least {needed}, or keep the peak at or below {survivable_peak(self.inputs)}."
        )
        top = LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT
        if needed > top:  # the spec refuses it on standard throughput
            fix += (
                f" Above {top}, the spec asks for Parameter Store's higher throughput: turn "
                "it on in every region and set parameter_store_high_throughput = true."
            )
        return fix

    def render(self) -> list[str]:
        """The section ``drkit budget`` prints."""
        i = self.inputs
        lines = [
            "Capacity: each region when its largest peer fails "
            f"(API function, {i.reserved_concurrency} reserved per region"
            f"{', unless set per region' if i.reservations else ''})",
            f"  {'peak concurrent executions':<40}{i.peak_concurrency:>6}   "
            f"{self._source('peak_concurrency')}",
            f"  {'peak every failover absorbs':<40}{survivable_peak(i):>6}   "
            "the largest at which every region absorbs its largest peer",
            f"  {'peak read units a second':<40}{i.peak_read_units_per_second:>6}   "
            f"{self._source('peak_read_units_per_second')}",
            f"  {'on-demand reads served at once':<40}{ON_DEMAND_NEW_TABLE_READ_UNITS:>6}   "
            f"a new table's, or {ON_DEMAND_INSTANT_RAMP}x a replica's previous peak (documented)",
            f"  {'/health function (its own) reserves':<40}{self.health.reserved_concurrency:>6}   "
            f"per region; Route 53's checkers hold at most {self.health.needed_concurrency} "
            "(modelled)",
            _HEADER,
        ]
        for row in self.rows():
            share = f"{_percent(row.share_before)} -> {_percent(row.share_after)}"
            reads = _reads(row) + ("" if row.within_on_demand_ramp else " (over on-demand's)")
            lines.append(
                f"  {row.region:<16}{row.failed:<16}{share:<18}{row.needed_concurrency:>6}"
                f"{row.reserved_concurrency:>10}   {reads}"
            )
        for warning in self.warnings():
            lines += textwrap.wrap(
                warning, width=100, subsequent_indent="  ", break_on_hyphens=False
            )
        return lines

    def to_json(self) -> dict[str, Any]:
        i = self.inputs
        return {
            "reserved_concurrency": i.reserved_concurrency,
            "peak_concurrency": i.peak_concurrency,
            "peak_read_units_per_second": i.peak_read_units_per_second,
            "what_ifs": sorted(self.what_ifs),
            "survivable_peak_concurrency": survivable_peak(i),
            "on_demand_instant_ramp": ON_DEMAND_INSTANT_RAMP,
            "on_demand_new_table_read_units": ON_DEMAND_NEW_TABLE_READ_UNITS,
            "absorbs_every_failure": self.absorbs_every_failure,
            "health": {
                "reserved_concurrency": self.health.reserved_concurrency,
                "checker_concurrency": self.health.needed_concurrency,
                "absorbs": self.health.absorbs,
            },
            "regions": [
                {
                    "region": row.region,
                    "failed": row.failed,
                    "share_before_percent": float(row.share_before * 100),
                    "share_after_percent": float(row.share_after * 100),
                    "needed_concurrency": row.needed_concurrency,
                    "reserved_concurrency": row.reserved_concurrency,
                    "absorbs": row.absorbs,
                    "dynamodb_read_ramp": None if row.read_ramp is None else float(row.read_ramp),
                    "read_units_before": float(row.reads_before),
                    "read_units_after": float(row.reads_after),
                    "within_on_demand_ramp": row.within_on_demand_ramp,
                }
                for row in self.rows()
            ],
            "warnings": list(self.warnings()),
        }


def _percent(share: Fraction) -> str:
    """``70 %``, ``70.6 %``: a share as a percentage with at most one decimal."""
    return f"{float(share * 100):.1f}".removesuffix(".0") + " %"


def _reads(row: FailoverCapacity) -> str:
    """``600 -> 2000``: a replica's read units a second before and after, rounded up."""
    return f"{math.ceil(row.reads_before)} -> {math.ceil(row.reads_after)}"
