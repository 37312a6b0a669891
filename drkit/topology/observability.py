"""Alarms and dashboards across regions: failover, replication lag (AWS-native and canary), errors.

Every alarm lives in the region its metric is published in and notifies that
region's topic. Route 53's HealthCheckStatus exists only in us-east-1, whatever
the deployment's regions; its alarms go to the metrics region's topic.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import attrs
from constructs import Construct

from drkit.footprint import RegionalFootprint
from drkit.regions import budget
from drkit.regions.spec import DeploymentSpec
from drkit.services.cloudwatch import Alarm, AlarmProps, Dashboard, DashboardProps
from drkit.services.dynamodb import GlobalTable
from drkit.services.kms import EncryptionKey
from drkit.services.placement import Placement
from drkit.services.route53 import HealthCheck
from drkit.services.s3 import BucketReplication
from drkit.services.sns import AlertTopic
from drkit_runtime.contract import CANARY_STORES, HEARTBEAT_AGE, METRIC_NAMESPACE, REPLICATION_LAG


@attrs.frozen(kw_only=True)
class MetricsRegion:
    """Where Route 53 metrics are (us-east-1) and the topic their alarms notify.

    Attributes:
        placement: The us-east-1 placement.
        key: A key in us-east-1 (for the topic and Route 53's query logs).
        topic: An alert topic in us-east-1.
    """

    placement: Placement
    key: EncryptionKey
    topic: AlertTopic


class Observability(Construct):
    """Every alarm and both dashboards.

    Attributes:
        alarms: All alarms, in creation order.
        dashboards: ``"replication"`` and ``"failover"``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        deployment: DeploymentSpec,
        footprints: Sequence[RegionalFootprint],
        tables: Sequence[GlobalTable],
        replications: dict[str, BucketReplication],
        health_checks: dict[str, HealthCheck],
        metrics_region: MetricsRegion,
    ) -> None:
        super().__init__(scope, id)
        self.alarms: list[Alarm] = []
        self._deployment = deployment
        by_region = {f.region: f for f in footprints}

        for region, check in health_checks.items():
            self._alarm(
                metrics_region.placement,
                metrics_region.topic,
                purpose=f"health-{by_region[region].spec.short}",
                description=(
                    f"Route 53 health check of {region} is failing: the region is out of DNS "
                    "(automatic failover). Check its /health answer and drain switch."
                ),
                namespace="AWS/Route53",
                metric_name="HealthCheckStatus",
                dimensions={"HealthCheckId": check.health_check_id},
                statistic="Minimum",
                threshold=1,
                comparison="LessThanThreshold",
                treat_missing_data="breaching",
            )

        lag_ms = deployment.replication_lag_threshold_seconds * 1000
        for table in tables:
            for source, receiving in itertools.permutations(table.regions, 2):
                src = by_region[source]
                self._alarm(
                    src.placement,
                    src.alerts,
                    purpose=f"ddb-lag-{table.purpose}-{src.spec.short}-to-{by_region[receiving].spec.short}",
                    description=(
                        f"DynamoDB replication of {table.table_name} from {source} to {receiving} lags more than "
                        f"{deployment.replication_lag_threshold_seconds} s (RPO target {deployment.rpo_target_seconds} s)."
                    ),
                    namespace="AWS/DynamoDB",
                    metric_name="ReplicationLatency",
                    dimensions={"TableName": table.table_name, "ReceivingRegion": receiving},
                    statistic="Maximum",
                    threshold=lag_ms,
                    evaluation_periods=deployment.replication_alarm_evaluation_periods,
                )

        for source, replication in replications.items():
            src = by_region[source]
            for dest_region, rule_id in replication.rule_ids.items():
                dst = by_region[dest_region]
                dims = {
                    "SourceBucket": src.bucket.bucket_name,
                    "DestinationBucket": dst.bucket.bucket_name,
                    "RuleId": rule_id,
                }
                pair = f"{src.spec.short}-to-{dst.spec.short}"
                self._alarm(
                    src.placement,
                    src.alerts,
                    purpose=f"s3-lag-{pair}",
                    description=(
                        f"S3 replication from {source} to {dest_region} lags more than the RPO target "
                        f"({deployment.rpo_target_seconds} s); AWS only guarantees 15 minutes (RTC)."
                    ),
                    namespace="AWS/S3",
                    metric_name="ReplicationLatency",
                    dimensions=dims,
                    statistic="Maximum",
                    threshold=deployment.rpo_target_seconds,
                    evaluation_periods=deployment.replication_alarm_evaluation_periods,
                )
                self._alarm(
                    src.placement,
                    src.alerts,
                    purpose=f"s3-failed-{pair}",
                    description=f"S3 objects failed to replicate from {source} to {dest_region}.",
                    namespace="AWS/S3",
                    metric_name="OperationsFailedReplication",
                    dimensions=dims,
                    statistic="Sum",
                    threshold=0,
                )

        for receiving in footprints:
            for source in footprints:
                if source is receiving:
                    continue
                for store in CANARY_STORES:
                    dims = {
                        "Store": store,
                        "SourceRegion": source.region,
                        "ReceivingRegion": receiving.region,
                    }
                    pair = f"{source.spec.short}-to-{receiving.spec.short}"
                    self._alarm(
                        receiving.placement,
                        receiving.alerts,
                        purpose=f"canary-lag-{store}-{pair}",
                        description=(
                            f"Measured replication lag of {store} from {source.region} to {receiving.region} "
                            f"exceeds the RPO target ({deployment.rpo_target_seconds} s)."
                        ),
                        namespace=METRIC_NAMESPACE,
                        metric_name=REPLICATION_LAG,
                        dimensions=dims,
                        statistic="Maximum",
                        threshold=deployment.rpo_target_seconds,
                    )
                    self._alarm(
                        receiving.placement,
                        receiving.alerts,
                        purpose=f"canary-stale-{store}-{pair}",
                        description=(
                            f"No fresh {store} heartbeat from {source.region} has reached {receiving.region} for "
                            f"more than the RPO target plus one canary period: replication or the source canary stopped."
                        ),
                        namespace=METRIC_NAMESPACE,
                        metric_name=HEARTBEAT_AGE,
                        dimensions=dims,
                        statistic="Maximum",
                        threshold=deployment.rpo_target_seconds + budget.CANARY_PERIOD_SECONDS,
                        evaluation_periods=budget.HEARTBEAT_EVALUATION_PERIODS,
                        treat_missing_data="breaching",
                    )

        for f in footprints:
            for function, threshold, periods in (
                (f.api_function, 5, 1),
                (f.canary_function, 1, 3),
            ):
                self._alarm(
                    f.placement,
                    f.alerts,
                    purpose=f"lambda-errors-{function.purpose}",
                    description=f"{function.function_name} is failing in {f.region}.",
                    namespace="AWS/Lambda",
                    metric_name="Errors",
                    dimensions={"FunctionName": function.function_name},
                    statistic="Sum",
                    threshold=threshold,
                    comparison="GreaterThanOrEqualToThreshold",
                    evaluation_periods=periods,
                )
                self._alarm(
                    f.placement,
                    f.alerts,
                    purpose=f"dlq-{function.purpose}",
                    description=f"Failed asynchronous invocations of {function.function_name} are waiting in its DLQ.",
                    namespace="AWS/SQS",
                    metric_name="ApproximateNumberOfMessagesVisible",
                    dimensions={"QueueName": function.dead_letter_queue.name},
                    statistic="Maximum",
                    threshold=0,
                )

        primary = next(f for f in footprints if f.spec.is_primary)
        self.dashboards = {
            "replication": Dashboard(
                self,
                "dashboard-replication",
                props=DashboardProps(
                    placement=primary.placement,
                    purpose="replication-lag",
                    widgets=_replication_widgets(deployment, footprints, tables, replications),
                ),
            ),
            "failover": Dashboard(
                self,
                "dashboard-failover",
                props=DashboardProps(
                    placement=primary.placement,
                    purpose="failover",
                    widgets=_failover_widgets(
                        footprints, health_checks, metrics_region.placement.region
                    ),
                ),
            ),
        }

    def _alarm(
        self, placement: Placement, topic: AlertTopic, *, purpose: str, **props: Any
    ) -> Alarm:
        alarm = Alarm(
            self,
            f"alarm-{purpose}-{placement.region}",
            props=AlarmProps(placement=placement, purpose=purpose, topic=topic, **props),
        )
        self.alarms.append(alarm)
        return alarm


def _widget(
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


def _replication_widgets(
    deployment: DeploymentSpec,
    footprints: Sequence[RegionalFootprint],
    tables: Sequence[GlobalTable],
    replications: dict[str, BucketReplication],
) -> list[dict[str, Any]]:
    by_region = {f.region: f for f in footprints}
    rpo = {"horizontal": [{"label": "RPO target", "value": deployment.rpo_target_seconds}]}
    widgets: list[dict[str, Any]] = []
    y = 0
    for f in footprints:
        ddb = [
            ["AWS/DynamoDB", "ReplicationLatency", "TableName", t.table_name, "ReceivingRegion", o]
            for t in tables
            for o in t.regions
            if o != f.region
        ]
        widgets.append(
            _widget(f"DynamoDB replication latency (ms) from {f.region}", f.region, ddb, y=y)
        )
        s3 = [
            [
                "AWS/S3",
                "ReplicationLatency",
                "SourceBucket",
                f.bucket.bucket_name,
                "DestinationBucket",
                by_region[d].bucket.bucket_name,
                "RuleId",
                rule,
            ]
            for d, rule in replications[f.region].rule_ids.items()
        ]
        widgets.append(
            _widget(
                f"S3 replication latency (s) from {f.region}",
                f.region,
                s3,
                y=y,
                x=12,
                annotations=rpo,
            )
        )
        y += 6
        canary = [
            [
                METRIC_NAMESPACE,
                REPLICATION_LAG,
                "Store",
                store,
                "SourceRegion",
                o.region,
                "ReceivingRegion",
                f.region,
            ]
            for o in footprints
            if o is not f
            for store in CANARY_STORES
        ]
        widgets.append(
            _widget(
                f"Measured replication lag (s) into {f.region} (canary)",
                f.region,
                canary,
                y=y,
                annotations=rpo,
            )
        )
        y += 6
    return widgets


def _failover_widgets(
    footprints: Sequence[RegionalFootprint],
    health_checks: dict[str, HealthCheck],
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
        _widget(
            "Health-check status per region (1 = healthy)",
            metrics_region,
            status,
            y=0,
            stat="Minimum",
        ),
        _widget("Healthy regions", metrics_region, healthy, y=0, x=12, stat="Minimum"),
    ]
    for i, f in enumerate(footprints):
        errors = [
            ["AWS/Lambda", "Errors", "FunctionName", fn.function_name]
            for fn in (f.api_function, f.canary_function)
        ]
        widgets.append(
            _widget(
                f"Lambda errors in {f.region}",
                f.region,
                errors,
                y=6 + 6 * (i // 2),
                x=12 * (i % 2),
                stat="Sum",
            )
        )
    return widgets
