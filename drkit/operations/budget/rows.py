"""The rows of the failover budget: each number with its group, label and source."""

from __future__ import annotations

import attrs

from drkit.regions.budget import (
    ALIAS_TTL_SECONDS,
    CANARY_PERIOD_SECONDS,
    CHECKER_SPREAD_INTERVALS,
    COLD_START_SECONDS,
    HEARTBEAT_EVALUATION_PERIODS,
    HIGH_RESOLUTION_EVALUATION_SECONDS,
    LAG_ALARM_PERIOD_SECONDS,
    STALL_PERIOD_SECONDS,
    STALL_SILENT_PERIODS,
    STALL_TARGET_SECONDS,
    STATUS_PROPAGATION_SECONDS,
    BudgetInputs,
    checker_spread_seconds,
    failing_checks_seconds,
    rpo_budget,
)
from drkit_runtime.contract import HEALTH_CACHE_SECONDS


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


def rto_rows(inputs: BudgetInputs) -> tuple[Row, ...]:
    """Detection, DNS and compute rows; they add up to ``rto.total_seconds``."""
    interval = inputs.health_check_interval_seconds
    return (
        Row(
            key="health_cache",
            group="Detection",
            label="/health outcome reused",
            seconds=HEALTH_CACHE_SECONDS,
            basis="a container reuses each check's outcome (drkit_runtime.contract)",
        ),
        Row(
            key="health_check_failures",
            group="Detection",
            label="health checks fail",
            seconds=failing_checks_seconds(inputs),
            basis=f"{interval} s interval x {inputs.health_check_failure_threshold} "
            "consecutive failures (spec)",
        ),
        Row(
            key="checker_spread",
            group="Detection",
            label="checker spread",
            seconds=checker_spread_seconds(inputs),
            basis=f"+{CHECKER_SPREAD_INTERVALS} interval: checkers are not in step (modelled)",
        ),
        Row(
            key="status_propagation",
            group="Detection",
            label="status propagation",
            seconds=STATUS_PROPAGATION_SECONDS,
            basis="status reaching Route 53's DNS servers (modelled)",
        ),
        Row(
            key="alias_ttl",
            group="DNS",
            label="alias record TTL",
            seconds=ALIAS_TTL_SECONDS,
            basis="the API Gateway target's TTL (modelled: AWS documents none)",
        ),
        Row(
            key="client_dns_cache",
            group="DNS",
            label="client caching past the TTL",
            seconds=inputs.client_dns_cache_seconds,
            basis="client_dns_cache_seconds (spec: your clients)",
        ),
        Row(
            key="cold_start",
            group="Compute",
            label="function cold start",
            seconds=COLD_START_SECONDS,
            basis="first call in the surviving region (modelled, generous)",
        ),
    )


def rpo_rows(inputs: BudgetInputs) -> tuple[Row, ...]:
    """What bounds (or only watches) data loss, per store."""
    return _dynamodb_rows(inputs) + _s3_rows(inputs) + _canary_rows(inputs)


def _dynamodb_rows(inputs: BudgetInputs) -> tuple[Row, ...]:
    rpo, evaluation = rpo_budget(inputs), _evaluation(inputs)
    return (
        Row(
            key="dynamodb_sla",
            group="DynamoDB",
            label="AWS replication guarantee",
            seconds=None,
            basis="AWS publishes no replication SLA for global tables (documented)",
        ),
        Row(
            key="dynamodb_lag_alarm",
            group="DynamoDB",
            label="ReplicationLatency alarm",
            seconds=rpo.dynamodb_alarm_threshold_seconds,
            basis=f"> {rpo.dynamodb_alarm_threshold_seconds * 1000} ms for {evaluation}; "
            "must be below the RPO",
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
    )


def _s3_rows(inputs: BudgetInputs) -> tuple[Row, ...]:
    rpo = rpo_budget(inputs)
    return (
        Row(
            key="s3_sla",
            group="S3",
            label="AWS replication guarantee (RTC)",
            seconds=rpo.s3_sla_seconds,
            basis="RTC: 99.99 % of objects within 15 minutes (documented)",
        ),
        Row(
            key="s3_lag_alarm",
            group="S3",
            label="ReplicationLatency alarm",
            seconds=rpo.target_seconds,
            basis=f"> RPO for {_evaluation(inputs)}",
        ),
        Row(
            key="s3_canary_lag_alarm",
            group="S3",
            label="canary measured-lag alarm",
            seconds=rpo.canary_alarm_threshold_seconds,
            basis="> RPO; objects, each region pair (measured, not an SLA)",
        ),
    )


def _canary_rows(inputs: BudgetInputs) -> tuple[Row, ...]:
    rpo = rpo_budget(inputs)
    return (
        Row(
            key="canary_stall_alarmed",
            group="Canary",
            label="stall alarmed within",
            seconds=rpo.stall_alarmed_seconds,
            basis=f"no arrival for {STALL_SILENT_PERIODS} x {STALL_PERIOD_SECONDS} s + the last "
            f"one's period + {HIGH_RESOLUTION_EVALUATION_SECONDS} s evaluation "
            f"(target {STALL_TARGET_SECONDS} s)",
        ),
        Row(
            key="canary_source_alarm",
            group="Canary",
            label="source canary stopped alarm",
            seconds=rpo.source_heartbeat_threshold_seconds,
            basis=f"RPO + one {CANARY_PERIOD_SECONDS} s canary period, "
            f"{HEARTBEAT_EVALUATION_PERIODS} periods",
        ),
    )


def _evaluation(inputs: BudgetInputs) -> str:
    """How long a replication-lag alarm must breach, e.g. ``1 x 60 s``."""
    return f"{inputs.replication_alarm_evaluation_periods} x {LAG_ALARM_PERIOD_SECONDS} s"
