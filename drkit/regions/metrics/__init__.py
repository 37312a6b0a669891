"""Where AWS publishes each metric drkit alarms on, as data with the page it comes from.

CloudWatch metrics exist only in the region they are published in, and an alarm
can watch only its own region's metrics: an alarm in the wrong region sees no
data, and with missing data treated as not breaching it stays OK forever. The
emulator does not model this, so the rule of every metric lives here, each row
citing AWS's documentation, and the synthesized stack is tested against it
(``tests/synth/test_metric_placement.py``). The observability topology asks
this table where to put each alarm and widget, and every alarm takes from its
metric's row what a period without data counts as (``missing_data``): a metric
AWS publishes only while something happens is not breaching when quiet, and one
whose silence means the thing watched stopped is breaching.

Each row is a named constant (``metrics.LAMBDA_ERRORS``) that alarms and widgets are
given, never a namespace and metric name retyped: ``replication`` (S3, DynamoDB, the
canary), ``routing`` (Route 53, the watchers), ``dependencies`` (the functions, the API,
the table replicas, the backups, the certificate, the trail). ``EVENTS`` are the kinds of
event drkit's EventBridge rules alert on, placed by the same rule: a rule sees only its own
region's bus.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from drkit.regions.metrics import dependencies, replication, routing
from drkit.regions.metrics.dependencies import (
    API_CLIENT_ERRORS,
    API_SERVER_ERRORS,
    AUDIT_CHAIN_BREAKS,
    BACKUP_JOBS_FAILED,
    BREAK_GLASS_USE,
    CERTIFICATE_DAYS_TO_EXPIRY,
    COPY_JOBS_FAILED,
    DEAD_LETTERS_VISIBLE,
    EVENTS,
    KEY_STATE_CALLS,
    LAMBDA_ERRORS,
    LAMBDA_THROTTLES,
    TABLE_SYSTEM_ERRORS,
    TABLE_THROTTLED_REQUESTS,
    TRAIL_EVENTS_LOGGED,
    TRAIL_FILES_ANNOUNCED,
    WRITE_CONFLICTS,
)
from drkit.regions.metrics.replication import (
    CANARY_HEARTBEAT_AGE,
    CANARY_HEARTBEAT_ARRIVALS,
    CANARY_REPLICATION_LAG,
    CANARY_SOURCE_HEARTBEAT_AGE,
    DYNAMODB_REPLICATION_LATENCY,
    S3_BYTES_PENDING,
    S3_OPERATIONS_FAILED,
    S3_OPERATIONS_PENDING,
    S3_REPLICATION_LATENCY,
)
from drkit.regions.metrics.routing import (
    DNSSEC_INTERNAL_FAILURE,
    DNSSEC_KSKS_NEEDING_ACTION,
    HEALTH_CHECK_STATUS,
    PEER_HEALTHY,
)
from drkit.regions.metrics.rules import EventPlacement, MetricPlacement, MissingData, Published

__all__ = [
    "API_CLIENT_ERRORS",
    "API_SERVER_ERRORS",
    "AUDIT_CHAIN_BREAKS",
    "BACKUP_JOBS_FAILED",
    "BREAK_GLASS_USE",
    "CANARY_HEARTBEAT_AGE",
    "CANARY_HEARTBEAT_ARRIVALS",
    "CANARY_REPLICATION_LAG",
    "CANARY_SOURCE_HEARTBEAT_AGE",
    "CERTIFICATE_DAYS_TO_EXPIRY",
    "COPY_JOBS_FAILED",
    "DEAD_LETTERS_VISIBLE",
    "DNSSEC_INTERNAL_FAILURE",
    "DNSSEC_KSKS_NEEDING_ACTION",
    "DYNAMODB_REPLICATION_LATENCY",
    "EVENTS",
    "HEALTH_CHECK_STATUS",
    "KEY_STATE_CALLS",
    "LAMBDA_ERRORS",
    "LAMBDA_THROTTLES",
    "PEER_HEALTHY",
    "PLACEMENTS",
    "S3_BYTES_PENDING",
    "S3_OPERATIONS_FAILED",
    "S3_OPERATIONS_PENDING",
    "S3_REPLICATION_LATENCY",
    "TABLE_SYSTEM_ERRORS",
    "TABLE_THROTTLED_REQUESTS",
    "TRAIL_EVENTS_LOGGED",
    "TRAIL_FILES_ANNOUNCED",
    "WRITE_CONFLICTS",
    "EventPlacement",
    "MetricPlacement",
    "MissingData",
    "Published",
    "placement",
]

#: Every metric drkit alarms on or draws, with the region AWS publishes it in.
PLACEMENTS: tuple[MetricPlacement, ...] = (
    *replication.ROWS,
    *routing.ROWS,
    *dependencies.ROWS,
)

_BY_NAME: Mapping[tuple[str, str], MetricPlacement] = MappingProxyType(
    {(p.namespace, p.metric_name): p for p in PLACEMENTS}
)
assert len(_BY_NAME) == len(PLACEMENTS), "one row per metric"


def placement(namespace: str, metric_name: str) -> MetricPlacement:
    """The row of one metric (``KeyError`` naming it if drkit has no rule for it)."""
    try:
        return _BY_NAME[(namespace, metric_name)]
    except KeyError:
        raise KeyError(f"no placement rule for {namespace}/{metric_name}") from None
