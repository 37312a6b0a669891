"""The failover budget as a report: every row with its source, as a table or JSON.

The arithmetic is the model's (drkit/regions/budget.py); this module only
presents it, for ``drkit budget`` and ``drkit drill``, and evaluates a layout's
budget fields without refusing them (the spec would).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from drkit.regions.budget import (
    ALIAS_TTL_SECONDS,
    CANARY_PERIOD_SECONDS,
    CHECKER_SPREAD_INTERVALS,
    COLD_START_SECONDS,
    HEARTBEAT_EVALUATION_PERIODS,
    LAG_ALARM_PERIOD_SECONDS,
    STATUS_PROPAGATION_SECONDS,
    BudgetInputs,
    RpoBudget,
    RtoBudget,
    judged_unhealthy_seconds,
    max_failure_threshold,
    rpo_budget,
    rto_budget,
)
from drkit.regions.spec import DeploymentSpec, read_layout


@attrs.frozen(kw_only=True)
class Row:
    """One line of the budget: a number and where it comes from.

    Attributes:
        key: Stable machine name (the ``--json`` key).
        group: What the row belongs to, e.g. ``Detection`` or ``DynamoDB``.
        label: What the number is.
        seconds: The number; ``None`` where AWS publishes none.
        basis: Its source, or the assumption behind it.
    """

    key: str
    group: str
    label: str
    seconds: int | None
    basis: str


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
        i = self.inputs
        interval = i.health_check_interval_seconds
        return (
            Row(
                key="health_check_failures",
                group="Detection",
                label="health checks fail",
                seconds=interval * i.health_check_failure_threshold,
                basis=f"{interval} s interval x {i.health_check_failure_threshold} consecutive failures (spec)",
            ),
            Row(
                key="checker_spread",
                group="Detection",
                label="checker spread",
                seconds=interval * CHECKER_SPREAD_INTERVALS,
                basis=f"+{CHECKER_SPREAD_INTERVALS} interval: checkers are not in step (assumed)",
            ),
            Row(
                key="status_propagation",
                group="Detection",
                label="status propagation",
                seconds=STATUS_PROPAGATION_SECONDS,
                basis="status reaching Route 53's DNS servers (assumed)",
            ),
            Row(
                key="alias_ttl",
                group="DNS",
                label="alias record TTL",
                seconds=ALIAS_TTL_SECONDS,
                basis="TTL of the API Gateway regional target",
            ),
            Row(
                key="client_dns_cache",
                group="DNS",
                label="client caching past the TTL",
                seconds=i.client_dns_cache_seconds,
                basis="client_dns_cache_seconds (assumed)",
            ),
            Row(
                key="cold_start",
                group="Compute",
                label="function cold start",
                seconds=COLD_START_SECONDS,
                basis="first call in the surviving region (generous)",
            ),
        )

    def rpo_rows(self) -> tuple[Row, ...]:
        """What bounds (or only watches) data loss, per store."""
        i, rpo = self.inputs, self.rpo
        periods = i.replication_alarm_evaluation_periods
        evaluation = f"{periods} x {LAG_ALARM_PERIOD_SECONDS} s"
        return (
            Row(
                key="dynamodb_sla",
                group="DynamoDB",
                label="AWS replication guarantee",
                seconds=None,
                basis="AWS publishes no replication SLA for global tables",
            ),
            Row(
                key="dynamodb_lag_alarm",
                group="DynamoDB",
                label="ReplicationLatency alarm",
                seconds=rpo.dynamodb_alarm_threshold_seconds,
                basis=f"> {rpo.dynamodb_alarm_threshold_seconds * 1000} ms for {evaluation}; must be below the RPO",
            ),
            Row(
                key="dynamodb_stall_alarmed",
                group="DynamoDB",
                label="stalled replication alarmed within",
                seconds=rpo.dynamodb_detection_seconds,
                basis=f"alarm threshold + {evaluation} evaluation",
            ),
            Row(
                key="dynamodb_canary_lag_alarm",
                group="DynamoDB",
                label="canary measured-lag alarm",
                seconds=rpo.canary_alarm_threshold_seconds,
                basis="> RPO; patient_records, audit_logs, each region pair",
            ),
            Row(
                key="s3_sla",
                group="S3",
                label="AWS replication guarantee (RTC)",
                seconds=rpo.s3_sla_seconds,
                basis="RTC: 99.99 % of objects within 15 minutes",
            ),
            Row(
                key="s3_lag_alarm",
                group="S3",
                label="ReplicationLatency alarm",
                seconds=rpo.target_seconds,
                basis=f"> RPO for {evaluation}",
            ),
            Row(
                key="s3_canary_lag_alarm",
                group="S3",
                label="canary measured-lag alarm",
                seconds=rpo.canary_alarm_threshold_seconds,
                basis="> RPO; objects, each region pair (measured, not an SLA)",
            ),
            Row(
                key="canary_heartbeat_alarm",
                group="Canary",
                label="heartbeat-age alarm",
                seconds=rpo.heartbeat_alarm_threshold_seconds,
                basis=f"RPO + one {CANARY_PERIOD_SECONDS} s canary period, {HEARTBEAT_EVALUATION_PERIODS} periods: "
                "heartbeats stopped",
            ),
        )

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
            "canary_heartbeat_age_alarm": {
                "threshold_seconds": rpo.heartbeat_alarm_threshold_seconds,
                "period_seconds": CANARY_PERIOD_SECONDS,
                "evaluation_periods": HEARTBEAT_EVALUATION_PERIODS,
            },
        }

    def verdicts(self) -> tuple[str, ...]:
        """One sentence per target: met, or why not and what would fix it."""
        rto, rpo, i = self.rto, self.rpo, self.inputs
        margin = rto.target_seconds - rto.total_seconds
        if rto.meets_target:
            rto_line = f"RTO met: worst case {rto.total_seconds} s <= {rto.target_seconds} s (margin {margin} s)."
        else:
            best = max_failure_threshold(self.inputs)
            fix = (
                f"with a {i.health_check_interval_seconds} s interval the failure threshold can be at most {best}"
                if best
                else "no failure threshold fits: lower the interval or the client DNS caching"
            )
            rto_line = (
                f"RTO NOT met: worst case {rto.total_seconds} s exceeds {rto.target_seconds} s "
                f"by {-margin} s; {fix}."
            )
        if rpo.meets_target:
            rpo_line = (
                f"RPO alarms met: DynamoDB lag alarm {rpo.dynamodb_alarm_threshold_seconds} s "
                f"< RPO {rpo.target_seconds} s."
            )
        else:
            rpo_line = (
                f"RPO NOT met: the DynamoDB lag alarm ({rpo.dynamodb_alarm_threshold_seconds} s) must be below "
                f"the RPO ({rpo.target_seconds} s), or it fires only after the loss has passed the RPO."
            )
        s3_line = (
            "S3: AWS guarantees only 15 minutes (RTC); an RPO under a minute for objects is measured "
            "by the canary, not guaranteed by AWS."
        )
        return rto_line, rpo_line, s3_line

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
                "margin_seconds": rto.target_seconds - rto.total_seconds,
                "meets_target": rto.meets_target,
            },
            "rpo": {
                "rows": [attrs.asdict(r) for r in self.rpo_rows()],
                "dynamodb_alarm_threshold_seconds": rpo.dynamodb_alarm_threshold_seconds,
                "dynamodb_detection_seconds": rpo.dynamodb_detection_seconds,
                "canary_alarm_threshold_seconds": rpo.canary_alarm_threshold_seconds,
                "heartbeat_alarm_threshold_seconds": rpo.heartbeat_alarm_threshold_seconds,
                "s3_sla_seconds": rpo.s3_sla_seconds,
                "s3_rpo_guaranteed_by_aws": False,
                "target_seconds": rpo.target_seconds,
                "meets_target": rpo.meets_target,
            },
            "resources": self.resources(),
            "verdicts": list(self.verdicts()),
        }

    def render(self, title: str) -> str:
        """The table ``drkit budget`` prints."""
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
                    seconds=rto.target_seconds - rto.total_seconds,
                    basis="met" if rto.meets_target else "NOT MET",
                ),
            )
        )
        lines += [
            "",
            f"RPO: target {self.rpo.target_seconds} s (rpo_target_seconds); alarm thresholds per store",
        ]
        lines += _rows(self.rpo_rows())
        lines.append("")
        lines += [textwrap.fill(v, width=100, subsequent_indent="  ") for v in self.verdicts()]
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


# The spec refuses numbers past the targets, so a layout's budget fields are
# evaluated here, beside the spec: everything else in the spec is validated as
# usual, each budget field by the spec's own field validator, and only the rule
# across fields (does it meet the targets?) is reported instead of raised.


def spec_inputs(
    environ: Mapping[str, str], overrides: Mapping[str, int]
) -> tuple[BudgetInputs, list[str], str]:
    """The budget inputs of the spec ``DRKIT_CONFIG`` names (or the default), with overrides.

    Returns:
        The inputs, a label per region, and where the spec came from.

    Raises:
        SpecError: The spec is invalid apart from its budget, or a budget
            field is outside its own allowed range.
    """
    config = environ.get("DRKIT_CONFIG")
    fields = attrs.fields_dict(BudgetInputs)
    if config:
        raw = read_layout(config)
        values = {k: raw.pop(k) for k in fields if k in raw}
        spec = DeploymentSpec.from_mapping(raw)
        source = f"DRKIT_CONFIG={config}"
    else:
        spec, values, source = DeploymentSpec.default(), {}, "built-in default spec"
    values.update(overrides)
    spec_fields = attrs.fields_dict(DeploymentSpec)
    for name, value in values.items():
        validator = spec_fields[name].validator
        if validator is not None:
            validator(spec, spec_fields[name], value)
    regions = [
        f"{r.region} ({r.role.value}, {r.weight} %)"
        if r.is_primary
        else f"{r.region} ({r.weight} %)"
        for r in spec.regions
    ]
    return attrs.evolve(spec.budget_inputs, **values), regions, source
