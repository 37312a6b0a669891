"""The failover budget: can a spec meet RTO < 5 min and RPO < 1 min, and by how much?

Pure arithmetic on a spec's numbers, so the spec validator, the stack and
``drkit budget`` (the last section of this module) all use the same figures;
docs/budget.md explains every row. The AWS behaviour each constant
models is stated next to it; where AWS publishes no guarantee, the budget says so
instead of inventing one.
"""

from __future__ import annotations

import json
import os
import textwrap
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from drkit.errors import SpecError

if TYPE_CHECKING:
    import argparse

#: Route 53 health checkers in several regions probe independently and are not
#: synchronised; the status flips when enough of them (more than 82 %) have seen
#: ``threshold`` consecutive failures, about one extra interval after the first.
CHECKER_SPREAD_INTERVALS = 1
#: Time for a changed health-check status to reach Route 53's DNS servers.
STATUS_PROPAGATION_SECONDS = 10
#: Route 53 answers alias records with the target's TTL; API Gateway regional
#: custom-domain targets are served with a 60 s TTL.
ALIAS_TTL_SECONDS = 60
#: Worst-case cold start of the Python 3.12 function in a VPC (3 GB), generous:
#: typical cold starts are around one second.
COLD_START_SECONDS = 10
#: CloudWatch period of the replication-lag alarms.
LAG_ALARM_PERIOD_SECONDS = 60
#: How often the canary runs (EventBridge ``rate(1 minute)``).
CANARY_PERIOD_SECONDS = 60
#: S3 Replication Time Control's SLA: 99.99 % of objects within 15 minutes.
S3_RTC_SLA_SECONDS = 15 * 60

RTO_LIMIT_SECONDS = 300
RPO_LIMIT_SECONDS = 60


@attrs.frozen(kw_only=True)
class BudgetInputs:
    """The spec numbers the budget depends on.

    Attributes:
        health_check_interval_seconds: Route 53 request interval (10 or 30).
        health_check_failure_threshold: Consecutive failures before unhealthy.
        client_dns_cache_seconds: Extra time clients may cache an answer past its TTL.
        replication_lag_threshold_seconds: DynamoDB ReplicationLatency alarm threshold.
        replication_alarm_evaluation_periods: Periods of 60 s the lag must breach.
        rto_target_seconds: The recovery-time target (at most 300).
        rpo_target_seconds: The recovery-point target (at most 60).
    """

    health_check_interval_seconds: int
    health_check_failure_threshold: int
    client_dns_cache_seconds: int
    replication_lag_threshold_seconds: int
    replication_alarm_evaluation_periods: int
    rto_target_seconds: int
    rpo_target_seconds: int


@attrs.frozen(kw_only=True)
class RtoBudget:
    """Worst-case time from a region failing to clients reaching a healthy one.

    Attributes:
        detection_seconds: Health checks failing ``threshold`` times, checker spread
            and status propagation.
        dns_seconds: Alias TTL plus client caching.
        cold_start_seconds: First invocation in the surviving region.
        target_seconds: The RTO target.
    """

    detection_seconds: int
    dns_seconds: int
    cold_start_seconds: int
    target_seconds: int

    @property
    def total_seconds(self) -> int:
        return self.detection_seconds + self.dns_seconds + self.cold_start_seconds

    @property
    def meets_target(self) -> bool:
        return self.total_seconds <= self.target_seconds


@attrs.frozen(kw_only=True)
class RpoBudget:
    """What bounds data loss per store, and how fast a breach is noticed.

    Attributes:
        dynamodb_alarm_threshold_seconds: ReplicationLatency alarm threshold.
        dynamodb_detection_seconds: Threshold plus the alarm's evaluation time.
        canary_alarm_threshold_seconds: The canary's measured-lag alarm (the RPO).
        s3_sla_seconds: The only AWS guarantee for objects (RTC, 15 minutes).
        target_seconds: The RPO target.
    """

    dynamodb_alarm_threshold_seconds: int
    dynamodb_detection_seconds: int
    canary_alarm_threshold_seconds: int
    s3_sla_seconds: int
    target_seconds: int

    @property
    def meets_target(self) -> bool:
        return self.dynamodb_alarm_threshold_seconds < self.target_seconds

    @property
    def heartbeat_alarm_threshold_seconds(self) -> int:
        """The canary's HeartbeatAge alarm: the RPO plus one canary period."""
        return self.canary_alarm_threshold_seconds + CANARY_PERIOD_SECONDS


def rto_budget(inputs: BudgetInputs) -> RtoBudget:
    """The worst-case RTO of a spec."""
    interval = inputs.health_check_interval_seconds
    detection = (
        interval * (inputs.health_check_failure_threshold + CHECKER_SPREAD_INTERVALS)
        + STATUS_PROPAGATION_SECONDS
    )
    return RtoBudget(
        detection_seconds=detection,
        dns_seconds=ALIAS_TTL_SECONDS + inputs.client_dns_cache_seconds,
        cold_start_seconds=COLD_START_SECONDS,
        target_seconds=inputs.rto_target_seconds,
    )


def rpo_budget(inputs: BudgetInputs) -> RpoBudget:
    """The RPO picture of a spec: alarm thresholds and what AWS does (not) guarantee."""
    threshold = inputs.replication_lag_threshold_seconds
    return RpoBudget(
        dynamodb_alarm_threshold_seconds=threshold,
        dynamodb_detection_seconds=threshold
        + inputs.replication_alarm_evaluation_periods * LAG_ALARM_PERIOD_SECONDS,
        canary_alarm_threshold_seconds=inputs.rpo_target_seconds,
        s3_sla_seconds=S3_RTC_SLA_SECONDS,
        target_seconds=inputs.rpo_target_seconds,
    )


def max_failure_threshold(inputs: BudgetInputs) -> int:
    """The largest failure threshold that still meets the RTO target (0 if none does)."""
    best = 0
    for threshold in range(1, 11):
        trial = attrs.evolve(inputs, health_check_failure_threshold=threshold)
        if rto_budget(trial).meets_target:
            best = threshold
    return best


# ----- the report: every row of the budget with its source ---------------------
# Shared by ``drkit budget`` (table and --json) and ``drkit drill``.

#: Periods the canary's HeartbeatAge alarms must breach (drkit/topology/observability.py).
HEARTBEAT_EVALUATION_PERIODS = 2
#: Route 53 judges an endpoint healthy while more than 18 % of its checkers do.
HEALTHY_CHECKER_SHARE = 0.18


def judged_unhealthy_seconds(inputs: BudgetInputs) -> int:
    """Worst case from a region failing to Route 53 judging it unhealthy (before propagation)."""
    return inputs.health_check_interval_seconds * (
        inputs.health_check_failure_threshold + CHECKER_SPREAD_INTERVALS
    )


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


# ----- the ``drkit budget`` command ------------------------------------------------
# The spec refuses numbers past the targets, so a spec's budget fields are
# evaluated here, beside the spec: everything else in the spec is validated as
# usual, each budget field by the spec's own field validator, and only the rule
# across fields (does it meet the targets?) is reported instead of raised.

#: ``--flag`` -> BudgetInputs field it overrides.
OVERRIDE_FLAGS: dict[str, str] = {
    "--interval": "health_check_interval_seconds",
    "--threshold": "health_check_failure_threshold",
    "--dns-cache": "client_dns_cache_seconds",
    "--lag-threshold": "replication_lag_threshold_seconds",
    "--lag-periods": "replication_alarm_evaluation_periods",
    "--rto-target": "rto_target_seconds",
    "--rpo-target": "rpo_target_seconds",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit budget``."""
    parser.add_argument("--json", action="store_true", help="print the budget as JSON")
    group = parser.add_argument_group(
        "what-if overrides", "evaluate the spec with other numbers (nothing is deployed or written)"
    )
    for flag, field in OVERRIDE_FLAGS.items():
        group.add_argument(flag, dest=field, type=int, metavar="N", help=f"override {field}")


def run(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> int:
    """Print the budget; 0 when the targets are met, 1 when not (SpecError: a bad spec)."""
    overrides = {
        f: getattr(args, f) for f in OVERRIDE_FLAGS.values() if getattr(args, f, None) is not None
    }
    inputs, regions, source = spec_inputs(os.environ if environ is None else environ, overrides)
    report = BudgetReport(inputs=inputs)
    if args.json:
        print(json.dumps({"source": source, "regions": regions, **report.to_json()}, indent=2))
    else:
        changed = ", ".join(f"{k}={v}" for k, v in overrides.items())
        title = f"drkit budget for {', '.join(regions)} ({source})"
        print(report.render(title + (f"\nwhat-if overrides: {changed}" if changed else "")))
    return 0 if report.meets_targets else 1


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
    from drkit.regions.spec import DeploymentSpec

    config = environ.get("DRKIT_CONFIG")
    fields = attrs.fields_dict(BudgetInputs)
    if config:
        raw = _read_toml(config)
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


def _read_toml(path: str) -> dict[str, Any]:
    """The layout file as data (the same errors as ``DeploymentSpec.from_toml``)."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError("DRKIT_CONFIG", path, "the path of an existing TOML file") from None
    except tomllib.TOMLDecodeError as err:
        raise SpecError("DRKIT_CONFIG", path, f"valid TOML ({err})") from None
