"""The dashboards' widgets: replication lag per region (AWS-native and measured), failover."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drkit.regions import metrics, names
from drkit.regions.metrics import MetricPlacement, Published
from drkit.regions.spec import DeploymentSpec
from drkit.services.s3_replication import rule_id
from drkit_runtime.contract import CANARY_STORES, METRIC_DIMENSIONS


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


def _line(metric: MetricPlacement, *dimension_values: str) -> list[Any]:
    """A widget's metric line: namespace, name, then each of the row's dimensions and value."""
    pairs = zip(metric.dimensions, dimension_values, strict=True)
    return [metric.namespace, metric.metric_name, *(part for pair in pairs for part in pair)]


def replication_widgets(deployment: DeploymentSpec) -> list[dict[str, Any]]:
    """Two rows per region: DynamoDB's lag leaving it, S3's and the canary's arriving in it,
    and the age of the newest heartbeat there (the stall alarm's counterpart).

    A widget shows only its own region's metrics, so each metric is drawn in the widget
    of the region AWS publishes it in (``drkit.regions.metrics``): DynamoDB's
    ReplicationLatency in the writing region, S3's in the destination bucket's.
    """
    rpo = {"horizontal": [{"label": "RPO target", "value": deployment.rpo_target_seconds}]}
    regions = [r.region for r in deployment.regions]
    widgets: list[dict[str, Any]] = []
    for row, region in enumerate(regions):
        y = 12 * row
        widgets += [
            widget(
                f"DynamoDB replication latency (ms) from {region}",
                region,
                _dynamodb_lag(deployment, region),
                y=y,
            ),
            widget(
                f"S3 replication latency (s) into {region}",
                region,
                _s3_lag(deployment, region),
                y=y,
                x=12,
                annotations=rpo,
            ),
            widget(
                f"Measured replication lag (s) into {region} (canary)",
                region,
                _measured(metrics.CANARY_REPLICATION_LAG, regions, region),
                y=y + 6,
                annotations=rpo,
            ),
            widget(
                f"Age of the newest heartbeat (s) in {region} (canary)",
                region,
                _measured(metrics.CANARY_HEARTBEAT_AGE, regions, region),
                y=y + 6,
                x=12,
                annotations=rpo,
            ),
        ]
    return widgets


def _dynamodb_lag(deployment: DeploymentSpec, region: str) -> list[list[Any]]:
    """Published in the region that took the write, per receiving region."""
    metric = metrics.DYNAMODB_REPLICATION_LATENCY
    assert metric.published is Published.SOURCE
    return [
        _line(metric, t(deployment.namer), o)
        for t in names.TABLES.values()
        for o in (r.region for r in deployment.regions)
        if o != region
    ]


def _s3_lag(deployment: DeploymentSpec, region: str) -> list[list[Any]]:
    """Published in the destination bucket's region: every rule replicating into ``region``."""
    metric = metrics.S3_REPLICATION_LATENCY
    assert metric.published is Published.DESTINATION
    namer = deployment.namer
    return [
        _line(
            metric,
            names.DATA_BUCKET(namer, o.region),
            names.DATA_BUCKET(namer, region),
            rule_id(region),
        )
        for o in deployment.regions
        if o.region != region
    ]


def _measured(metric: MetricPlacement, regions: list[str], region: str) -> list[list[Any]]:
    """A canary metric of every store from every other region, as the receiving one holds it."""
    assert metric.dimensions == tuple(METRIC_DIMENSIONS)
    assert metric.published is Published.DESTINATION
    return [
        _line(metric, store, o, region) for o in regions if o != region for store in CANARY_STORES
    ]


def failover_widgets(
    deployment: DeploymentSpec, health_check_ids: Mapping[str, str], metrics_region: str
) -> list[dict[str, Any]]:
    status = [
        [*_line(metrics.HEALTH_CHECK_STATUS, check_id), {"id": f"h{i}", "label": region}]
        for i, (region, check_id) in enumerate(health_check_ids.items())
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
    namer = deployment.namer
    for i, r in enumerate(deployment.regions):
        errors = [
            _line(metrics.LAMBDA_ERRORS, names.FUNCTIONS[p].function(namer, r.region))
            for p in ("api", "health", "canary")
        ]
        widgets.append(
            widget(
                f"Lambda errors in {r.region}",
                r.region,
                errors,
                y=6 + 6 * (i // 2),
                x=12 * (i % 2),
                stat="Sum",
            )
        )
    return widgets
