"""The failover budget of one set of inputs as a report: a table for people, JSON for programs."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from drkit.operations.budget.rows import Row, rpo_rows, rto_rows
from drkit.regions.budget import (
    CANARY_PERIOD_SECONDS,
    HEARTBEAT_EVALUATION_PERIODS,
    LAG_ALARM_PERIOD_SECONDS,
    STALL_PERIOD_SECONDS,
    STALL_SILENT_PERIODS,
    STALL_TARGET_SECONDS,
    BudgetInputs,
    RpoBudget,
    RtoBudget,
    judged_unhealthy_seconds,
    max_failure_threshold,
    rpo_budget,
    rto_budget,
)

#: Route 53's rule when every record of a weighted group is unhealthy.
FAIL_OPEN_PAGE = (
    "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
    "health-checks-how-route-53-chooses-records.html"
)
#: What the RTO rows assume: printed under them, and in ``--json`` as ``scope``.
SCOPE = (
    "Scope: the RTO holds while at least one region passes its health check. When every "
    "region fails (a shared cause: a bad deploy in every region, throttled SSM), Route 53 "
    "answers with every record by weight (fail-open, documented): failover stops and "
    "clients keep reaching failed regions."
)


@attrs.frozen(kw_only=True)
class BudgetReport:
    """The whole budget of one set of inputs, as rows a person reads and JSON a program reads.

    Attributes:
        inputs: The numbers evaluated (a spec's, possibly with overrides).
    """

    inputs: BudgetInputs

    @property
    def rto(self) -> RtoBudget:
        return rto_budget(self.inputs)

    @property
    def rpo(self) -> RpoBudget:
        return rpo_budget(self.inputs)

    @property
    def meets_targets(self) -> bool:
        return self.rto.meets_target and self.rpo.meets_target

    def rto_rows(self) -> tuple[Row, ...]:
        """Detection, DNS and compute rows; they add up to ``rto.total_seconds``."""
        return rto_rows(self.inputs)

    def rpo_rows(self) -> tuple[Row, ...]:
        """What bounds (or only watches) data loss, per store."""
        return rpo_rows(self.inputs)

    def resources(self) -> dict[str, dict[str, int]]:
        """The attribute values the synthesized health checks and alarms must carry."""
        i, rpo = self.inputs, self.rpo
        periods = i.replication_alarm_evaluation_periods
        return {
            "route53_health_check": {
                "request_interval": i.health_check_interval_seconds,
                "failure_threshold": i.health_check_failure_threshold,
            },
            "dynamodb_replication_latency_alarm": {
                "threshold_ms": rpo.dynamodb_alarm_threshold_seconds * 1000,
                "period_seconds": LAG_ALARM_PERIOD_SECONDS,
                "evaluation_periods": periods,
            },
            "s3_replication_latency_alarm": {
                "threshold_seconds": rpo.target_seconds,
                "period_seconds": LAG_ALARM_PERIOD_SECONDS,
                "evaluation_periods": periods,
            },
            "canary_replication_lag_alarm": {
                "threshold_seconds": rpo.canary_alarm_threshold_seconds,
                "period_seconds": CANARY_PERIOD_SECONDS,
                "evaluation_periods": 1,
            },
            "canary_stall_alarm": {
                "threshold_arrivals": 1,
                "period_seconds": STALL_PERIOD_SECONDS,
                "evaluation_periods": STALL_SILENT_PERIODS,
            },
            "canary_source_heartbeat_alarm": {
                "threshold_seconds": rpo.source_heartbeat_threshold_seconds,
                "period_seconds": CANARY_PERIOD_SECONDS,
                "evaluation_periods": HEARTBEAT_EVALUATION_PERIODS,
            },
        }

    def verdicts(self) -> tuple[str, ...]:
        """One sentence per target: met, or why not and what would fix it."""
        s3_line = (
            "S3: AWS guarantees only 15 minutes (RTC); an RPO under a minute for objects is "
            "measured by the canary, not guaranteed by AWS."
        )
        return self._rto_verdict(), self._rpo_verdict(), s3_line

    def _rto_verdict(self) -> str:
        rto = self.rto
        if rto.meets_target:
            return (
                f"RTO met: worst case {rto.total_seconds} s <= {rto.target_seconds} s "
                f"(margin {rto.margin_seconds} s)."
            )
        best = max_failure_threshold(self.inputs)
        fix = (
            f"with a {self.inputs.health_check_interval_seconds} s interval the failure "
            f"threshold can be at most {best}"
            if best
            else "no failure threshold fits: lower the interval or the client DNS caching"
        )
        return (
            f"RTO NOT met: worst case {rto.total_seconds} s exceeds {rto.target_seconds} s "
            f"by {-rto.margin_seconds} s; {fix}."
        )

    def _rpo_verdict(self) -> str:
        rpo = self.rpo
        if rpo.meets_target:
            return (
                f"RPO alarms met: DynamoDB lag alarm {rpo.dynamodb_alarm_threshold_seconds} s "
                f"< RPO {rpo.target_seconds} s."
            )
        return (
            f"RPO NOT met: the DynamoDB lag alarm ({rpo.dynamodb_alarm_threshold_seconds} s) "
            f"must be below the RPO ({rpo.target_seconds} s), or it fires only after the loss "
            "has passed the RPO."
        )

    def to_json(self) -> dict[str, Any]:
        rto, rpo = self.rto, self.rpo
        return {
            "meets_targets": self.meets_targets,
            "inputs": attrs.asdict(self.inputs),
            "rto": {
                "rows": [attrs.asdict(r) for r in self.rto_rows()],
                "judged_unhealthy_seconds": judged_unhealthy_seconds(self.inputs),
                "detection_seconds": rto.detection_seconds,
                "dns_seconds": rto.dns_seconds,
                "cold_start_seconds": rto.cold_start_seconds,
                "total_seconds": rto.total_seconds,
                "target_seconds": rto.target_seconds,
                "margin_seconds": rto.margin_seconds,
                "meets_target": rto.meets_target,
            },
            "rpo": {
                "rows": [attrs.asdict(r) for r in self.rpo_rows()],
                "dynamodb_alarm_threshold_seconds": rpo.dynamodb_alarm_threshold_seconds,
                "dynamodb_detection_seconds": rpo.dynamodb_detection_seconds,
                "canary_alarm_threshold_seconds": rpo.canary_alarm_threshold_seconds,
                "stall_alarmed_seconds": rpo.stall_alarmed_seconds,
                "stall_target_seconds": STALL_TARGET_SECONDS,
                "source_heartbeat_threshold_seconds": rpo.source_heartbeat_threshold_seconds,
                "s3_sla_seconds": rpo.s3_sla_seconds,
                "s3_rpo_guaranteed_by_aws": False,
                "target_seconds": rpo.target_seconds,
                "meets_target": rpo.meets_target,
            },
            "scope": {
                "requires_a_healthy_region": True,
                "when_no_region_is_healthy": "fail-open",
                "text": SCOPE,
                "source": FAIL_OPEN_PAGE,
            },
            "resources": self.resources(),
            "verdicts": list(self.verdicts()),
        }

    def render(
        self,
        title: str,
        sections: Sequence[Sequence[str]] = (),
        verdicts: Sequence[str] = (),
    ) -> str:
        """The table ``drkit budget`` prints; ``sections`` come after the RPO rows, and
        ``verdicts`` (theirs) after its own."""
        rto = self.rto
        lines = [title, "", "RTO: worst case from a region failing to clients on a healthy region"]
        lines += _rows(self.rto_rows())
        lines.append("  " + "-" * (_GROUP + _LABEL + _SECONDS + 2))
        lines += _rows(
            (
                Row(
                    key="",
                    group="Total",
                    label="worst-case RTO",
                    seconds=rto.total_seconds,
                    basis="",
                ),
                Row(
                    key="",
                    group="",
                    label="target",
                    seconds=rto.target_seconds,
                    basis="rto_target_seconds",
                ),
                Row(
                    key="",
                    group="",
                    label="margin",
                    seconds=rto.margin_seconds,
                    basis="met" if rto.meets_target else "NOT MET",
                ),
            )
        )
        lines += ["", textwrap.fill(SCOPE, width=100, subsequent_indent="  ")]
        lines += [
            "",
            f"RPO: target {self.rpo.target_seconds} s (rpo_target_seconds); "
            "alarm thresholds per store",
        ]
        lines += _rows(self.rpo_rows())
        for section in sections:
            lines += ["", *section]
        lines.append("")
        lines += [
            textwrap.fill(v, width=100, subsequent_indent="  ")
            for v in (*self.verdicts(), *verdicts)
        ]
        return "\n".join(lines)


_GROUP, _LABEL, _SECONDS = 11, 35, 7


def _rows(rows: Iterable[Row]) -> list[str]:
    out = []
    previous = None
    for row in rows:
        group = row.group if row.group != previous else ""
        previous = row.group
        seconds = "none" if row.seconds is None else f"{row.seconds} s"
        out.append(
            f"  {group:<{_GROUP}}{row.label:<{_LABEL}}{seconds:>{_SECONDS}}   {row.basis}".rstrip()
        )
    return out
