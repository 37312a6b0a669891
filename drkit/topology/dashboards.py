"""The dashboards' widgets: replication lag per region (AWS-native and measured), failover."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from drkit.footprint import RegionalFootprint
from drkit.regions.metrics import Published, placement
from drkit.regions.spec import DeploymentSpec
from drkit.services.dynamodb import GlobalTable
from drkit.services.route53 import HealthCheck
from drkit.services.s3_replication import BucketReplication
from drkit_runtime.contract import (
    CANARY_STORES,
    METRIC_DIMENSIONS,
    METRIC_NAMESPACE,
    REPLICATION_LAG,
)


def widget(
    title: str,
    region: str,
    metrics: list[list[Any]],
    *,
    y: int,
    x: int = 0,
    stat: str = "Maximum",
    annotations: dict[str, Any] | None = None,
) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "title": title,
        "region": region,
        "metrics": metrics,
        "stat": stat,
        "period": 60,
        "view": "timeSeries",
    }
    if annotations:
        properties["annotations"] = annotations
    return {"type": "metric", "x": x, "y": y, "width": 12, "height": 6, "properties": properties}


def replication_widgets(
    deployment: DeploymentSpec,
    footprints: Sequence[RegionalFootprint],
    tables: Sequence[GlobalTable],
    replications: Mapping[str, BucketReplication],
) -> list[dict[str, Any]]:
    """Two rows per region: DynamoDB's lag leaving it, S3's and the canary's arriving in it.

    A widget shows only its own region's metrics, so each metric is drawn in the widget
    of the region AWS publishes it in (``drkit.regions.metrics``): DynamoDB's
    ReplicationLatency in the writing region, S3's in the destination bucket's.
    """
    rpo = {"horizontal": [{"label": "RPO target", "value": deployment.rpo_target_seconds}]}
    widgets: list[dict[str, Any]] = []
    for row, f in enumerate(footprints):
        y = 12 * row
        widgets += [
            widget(
                f"DynamoDB replication latency (ms) from {f.region}",
                f.region,
                _dynamodb_lag(f, tables),
                y=y,
            ),
            widget(
                f"S3 replication latency (s) into {f.region}",
                f.region,
                _s3_lag(f, footprints, replications),
                y=y,
                x=12,
                annotations=rpo,
            ),
            widget(
                f"Measured replication lag (s) into {f.region} (canary)",
                f.region,
                _measured_lag(f, footprints),
                y=y + 6,
                annotations=rpo,
            ),
        ]
    return widgets


def _dynamodb_lag(f: RegionalFootprint, tables: Sequence[GlobalTable]) -> list[list[Any]]:
    """Published in the region that took the write, per receiving region."""
    assert placement("AWS/DynamoDB", "ReplicationLatency").published is Published.SOURCE
    return [
        ["AWS/DynamoDB", "ReplicationLatency", "TableName", t.table_name, "ReceivingRegion", o]
        for t in tables
        for o in t.regions
        if o != f.region
    ]


def _s3_lag(
    f: RegionalFootprint,
    footprints: Sequence[RegionalFootprint],
    replications: Mapping[str, BucketReplication],
) -> list[list[Any]]:
    """Published in the destination bucket's region: every rule replicating into ``f``."""
    assert placement("AWS/S3", "ReplicationLatency").published is Published.DESTINATION
    return [
        [
            "AWS/S3",
            "ReplicationLatency",
            "SourceBucket",
            o.bucket.bucket_name,
            "DestinationBucket",
            f.bucket.bucket_name,
            "RuleId",
            replications[o.region].rule_ids[f.region],
        ]
        for o in footprints
        if o is not f
    ]


def _measured_lag(f: RegionalFootprint, footprints: Sequence[RegionalFootprint]) -> list[list[Any]]:
    return [
        [METRIC_NAMESPACE, REPLICATION_LAG, *_dimensions(store, o.region, f.region)]
        for o in footprints
        if o is not f
        for store in CANARY_STORES
    ]


def _dimensions(store: str, source: str, receiving: str) -> list[str]:
    """Name, value, name, value... of one canary metric, in the contract's order."""
    values = (store, source, receiving)
    return [part for pair in zip(METRIC_DIMENSIONS, values, strict=True) for part in pair]


def failover_widgets(
    footprints: Sequence[RegionalFootprint],
    health_checks: Mapping[str, HealthCheck],
    metrics_region: str,
) -> list[dict[str, Any]]:
    status = [
        [
            "AWS/Route53",
            "HealthCheckStatus",
            "HealthCheckId",
            check.health_check_id,
            {"id": f"h{i}", "label": region},
        ]
        for i, (region, check) in enumerate(health_checks.items())
    ]
    healthy = [
        *status,
        [
            {
                "expression": "+".join(f"h{i}" for i in range(len(status))),
                "label": "Healthy regions",
                "id": "healthy",
            }
        ],
    ]
    widgets = [
        widget(
            "Health-check status per region (1 = healthy)",
            metrics_region,
            status,
            y=0,
            stat="Minimum",
        ),
        widget("Healthy regions", metrics_region, healthy, y=0, x=12, stat="Minimum"),
    ]
    for i, f in enumerate(footprints):
        errors = [
            ["AWS/Lambda", "Errors", "FunctionName", fn.function_name]
            for fn in (f.api_function, f.canary_function)
        ]
        widgets.append(
            widget(
                f"Lambda errors in {f.region}",
                f.region,
                errors,
                y=6 + 6 * (i // 2),
                x=12 * (i % 2),
                stat="Sum",
            )
        )
    return widgets
