"""Alarms and dashboards across regions: failover, replication lag (AWS-native and canary), errors.

Every alarm lives in the region its metric is published in (``drkit.regions.metrics``,
one row per metric with the AWS page that says where) and notifies that region's
topic. Route 53's metrics exist only in us-east-1, whatever the deployment's
regions; their alarms go to the metrics region's topic.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import attrs
from constructs import Construct

from drkit.footprint import RegionalFootprint
from drkit.regions import budget
from drkit.regions.spec import DeploymentSpec
from drkit.services.cloudtrail import AuditTrail
from drkit.services.cloudwatch import Alarm, Dashboard, DashboardProps
from drkit.services.dynamodb import GlobalTable
from drkit.services.kms import EncryptionKey
from drkit.services.placement import Placement
from drkit.services.route53 import HealthCheck, HostedZone
from drkit.services.s3_replication import BucketReplication
from drkit.services.sns import AlertTopic
from drkit.topology.alarms import (
    AlarmSites,
    dnssec_alarms,
    trail_delivery_alarms,
    watch_alarms,
)
from drkit.topology.dashboards import failover_widgets, replication_widgets
from drkit_runtime.contract import (
    CANARY_STORES,
    HEARTBEAT_AGE,
    METRIC_DIMENSIONS,
    METRIC_NAMESPACE,
    OBJECTS,
    REPLICATION_LAG,
    SOURCE_HEARTBEAT_AGE,
)


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


@attrs.frozen(kw_only=True)
class ObservabilityProps:
    """Props of :class:`Observability`.

    Attributes:
        deployment: The deployment's spec (thresholds come from it and its budget).
        footprints: Every region's footprint (its topic receives its alarms).
        tables: The global tables.
        replications: ``source region -> BucketReplication``.
        health_checks: ``region -> HealthCheck``.
        metrics_region: Where Route 53's metrics are, with a topic there.
        signed_zone: The zone drkit signs with DNSSEC, if it signs one.
        audit: The audit trail, whose delivery is alarmed.
    """

    deployment: DeploymentSpec
    footprints: tuple[RegionalFootprint, ...] = attrs.field(converter=tuple)
    tables: tuple[GlobalTable, ...] = attrs.field(converter=tuple)
    replications: Mapping[str, BucketReplication]
    health_checks: Mapping[str, HealthCheck]
    metrics_region: MetricsRegion
    signed_zone: HostedZone | None = None
    audit: AuditTrail | None = None


class Observability(Construct):
    """Every alarm and both dashboards.

    Attributes:
        alarms: All alarms, in creation order.
        dashboards: ``"replication"`` and ``"failover"``.
    """

    def __init__(self, scope: Construct, id: str, *, props: ObservabilityProps) -> None:
        super().__init__(scope, id)
        self._props = props
        self._by_region = {f.region: f for f in props.footprints}
        # Where an alarm of each region goes: its placement and the topic there.
        sites = {f.region: (f.placement, f.alerts) for f in props.footprints}
        metrics_region = props.metrics_region
        sites.setdefault(
            metrics_region.placement.region, (metrics_region.placement, metrics_region.topic)
        )
        self._sites = AlarmSites(self, sites)
        self.alarms = self._sites.alarms
        self._failover_alarms()
        watch_alarms(self._sites, props.footprints)
        if props.signed_zone is not None:
            dnssec_alarms(self._sites, props.signed_zone)
        if props.audit is not None:
            trail_delivery_alarms(self._sites, props.audit)
        self._dynamodb_lag_alarms()
        self._s3_replication_alarms()
        self._canary_alarms()
        self._function_alarms()
        self.dashboards = self._dashboards()

    def _failover_alarms(self) -> None:
        """A region out of DNS: Route 53's HealthCheckStatus, published in us-east-1 only."""
        for region, check in self._props.health_checks.items():
            self._alarm(
                purpose=f"health-{self._by_region[region].spec.short}",
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

    def _dynamodb_lag_alarms(self) -> None:
        """ReplicationLatency of every table, per source and receiving region."""
        d = self._props.deployment
        for table in self._props.tables:
            for source, receiving in itertools.permutations(table.regions, 2):
                src, dst = self._by_region[source], self._by_region[receiving]
                self._alarm(
                    source=source,
                    destination=receiving,
                    purpose=f"ddb-lag-{table.purpose}-{src.spec.short}-to-{dst.spec.short}",
                    description=(
                        f"DynamoDB replication of {table.table_name} from {source} to "
                        f"{receiving} lags more than {d.replication_lag_threshold_seconds} s "
                        f"(RPO target {d.rpo_target_seconds} s)."
                    ),
                    namespace="AWS/DynamoDB",
                    metric_name="ReplicationLatency",
                    dimensions={"TableName": table.table_name, "ReceivingRegion": receiving},
                    statistic="Maximum",
                    threshold=d.replication_lag_threshold_seconds * 1000,
                    evaluation_periods=d.replication_alarm_evaluation_periods,
                )

    def _s3_replication_alarms(self) -> None:
        """Latency and failures of every replication rule."""
        d = self._props.deployment
        for source, replication in self._props.replications.items():
            src = self._by_region[source]
            for dest_region, rule_id in replication.rule_ids.items():
                dst = self._by_region[dest_region]
                dims = {
                    "SourceBucket": src.bucket.bucket_name,
                    "DestinationBucket": dst.bucket.bucket_name,
                    "RuleId": rule_id,
                }
                pair = f"{src.spec.short}-to-{dst.spec.short}"
                self._alarm(
                    source=source,
                    destination=dest_region,
                    purpose=f"s3-lag-{pair}",
                    description=(
                        f"S3 replication from {source} to {dest_region} lags more than the RPO "
                        f"target ({d.rpo_target_seconds} s); AWS only guarantees 15 minutes (RTC)."
                    ),
                    namespace="AWS/S3",
                    metric_name="ReplicationLatency",
                    dimensions=dims,
                    statistic="Maximum",
                    threshold=d.rpo_target_seconds,
                    evaluation_periods=d.replication_alarm_evaluation_periods,
                )
                self._alarm(
                    source=source,
                    destination=dest_region,
                    purpose=f"s3-failed-{pair}",
                    description=f"S3 objects failed to replicate from {source} to {dest_region}.",
                    namespace="AWS/S3",
                    metric_name="OperationsFailedReplication",
                    dimensions=dims,
                    statistic="Sum",
                    threshold=0,
                )

    def _canary_alarms(self) -> None:
        """Measured lag and heartbeat age of every store, per source and receiving region."""
        footprints = self._props.footprints
        for receiving in footprints:
            for source in footprints:
                if source is not receiving:
                    for store in CANARY_STORES:
                        self._canary_pair_alarms(store, source, receiving)

    def _canary_pair_alarms(
        self, store: str, source: RegionalFootprint, receiving: RegionalFootprint
    ) -> None:
        rpo = self._props.deployment.rpo_target_seconds
        values = (store, source.region, receiving.region)
        dims = dict(zip(METRIC_DIMENSIONS, values, strict=True))
        pair = f"{source.spec.short}-to-{receiving.spec.short}"
        self._alarm(
            source=source.region,
            destination=receiving.region,
            purpose=f"canary-lag-{store}-{pair}",
            description=(
                f"Measured replication lag of {store} from {source.region} to "
                f"{receiving.region} exceeds the RPO target ({rpo} s)."
            ),
            namespace=METRIC_NAMESPACE,
            metric_name=REPLICATION_LAG,
            dimensions=dims,
            statistic="Maximum",
            threshold=rpo,
        )
        self._alarm(
            source=source.region,
            destination=receiving.region,
            purpose=f"canary-stale-{store}-{pair}",
            description=(
                f"No fresh {store} heartbeat from {source.region} has reached "
                f"{receiving.region} for more than the RPO target plus one canary period: "
                "replication or the source canary stopped."
            ),
            namespace=METRIC_NAMESPACE,
            metric_name=HEARTBEAT_AGE,
            dimensions=dims,
            statistic="Maximum",
            threshold=rpo + budget.CANARY_PERIOD_SECONDS,
            evaluation_periods=budget.HEARTBEAT_EVALUATION_PERIODS,
            treat_missing_data="breaching",
        )
        if store == OBJECTS:
            self._source_canary_alarm(source, receiving, dims, pair)

    def _source_canary_alarm(
        self,
        source: RegionalFootprint,
        receiving: RegionalFootprint,
        dims: dict[str, str],
        pair: str,
    ) -> None:
        """The source's own canary object is stale where it was written: that canary stopped.

        Read through the source's interface endpoint; no answer gives no data point, which
        the HeartbeatAge alarm above already covers, so missing data is not breaching here.
        """
        rpo = self._props.deployment.rpo_target_seconds
        self._alarm(
            source=source.region,
            destination=receiving.region,
            purpose=f"canary-source-{pair}",
            description=(
                f"The canary of {source.region} has not written its object there for more than "
                f"the RPO target plus one canary period (read from {receiving.region})."
            ),
            namespace=METRIC_NAMESPACE,
            metric_name=SOURCE_HEARTBEAT_AGE,
            dimensions=dims,
            statistic="Maximum",
            threshold=rpo + budget.CANARY_PERIOD_SECONDS,
            evaluation_periods=budget.HEARTBEAT_EVALUATION_PERIODS,
            treat_missing_data="notBreaching",
        )

    def _function_alarms(self) -> None:
        """Errors and dead letters of every function in every region."""
        for f in self._props.footprints:
            for function, threshold, periods in (
                (f.api_function, 5, 1),
                (f.canary_function, 1, 3),
                (f.watcher_function, 1, 3),
            ):
                self._alarm(
                    own=f.region,
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
                    own=f.region,
                    purpose=f"dlq-{function.purpose}",
                    description=(
                        f"Failed asynchronous invocations of {function.function_name} "
                        "are waiting in its DLQ."
                    ),
                    namespace="AWS/SQS",
                    metric_name="ApproximateNumberOfMessagesVisible",
                    dimensions={"QueueName": function.dead_letter_queue.name},
                    statistic="Maximum",
                    threshold=0,
                )

    def _dashboards(self) -> dict[str, Dashboard]:
        p = self._props
        primary = next(f for f in p.footprints if f.spec.is_primary)
        replication = replication_widgets(p.deployment, p.footprints, p.tables, p.replications)
        failover = failover_widgets(
            p.footprints, p.health_checks, p.metrics_region.placement.region
        )
        return {
            "replication": Dashboard(
                self,
                "dashboard-replication",
                props=DashboardProps(
                    placement=primary.placement, purpose="replication-lag", widgets=replication
                ),
            ),
            "failover": Dashboard(
                self,
                "dashboard-failover",
                props=DashboardProps(
                    placement=primary.placement, purpose="failover", widgets=failover
                ),
            ),
        }

    def _alarm(self, **props: Any) -> Alarm:
        return self._sites.alarm(**props)
