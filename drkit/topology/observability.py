"""A region's alarms: on every metric AWS publishes in it, each notifying its own topic.

Every alarm lives in the region its metric is published in (``drkit.regions.metrics``,
one row per metric with the AWS page that says where). Each region's stack runs every
family below through its ``AlarmSites``, which keeps the alarms whose metric is published
there; so an alarm on replication from us-west-2 into us-east-1 lands in the stack of the
region that holds its data, and no stack names another stack's resource except by name.
Route 53's metrics exist only in us-east-1: their alarms are the routing and DNS stacks'.
"""

from __future__ import annotations

import itertools
from typing import Any

import attrs
from constructs import Construct

from drkit.regions import budget, names
from drkit.regions.region import RegionSpec
from drkit.regions.spec import DeploymentSpec
from drkit.services.cloudwatch import Alarm, Dashboard, DashboardProps
from drkit.services.placement import Placement
from drkit.services.s3_replication import rule_id
from drkit.services.sns import TopicRef
from drkit.topology.alarms import AlarmSites, trail_delivery_alarms, watch_alarms
from drkit.topology.dashboards import replication_widgets
from drkit_runtime.contract import (
    CANARY_STORES,
    HEARTBEAT_AGE,
    METRIC_DIMENSIONS,
    METRIC_NAMESPACE,
    OBJECTS,
    REPLICATION_LAG,
    SOURCE_HEARTBEAT_AGE,
)

#: ``(function purpose, Errors per minute, minutes)`` that alarm. The request-driven functions
#: (records, /health) alarm on a burst within a minute; the scheduled ones on any error that
#: lasts three runs. A /health function that crashes or times out fails its region out as a
#: failed dependency would; this alarm tells the two apart.
FUNCTION_ERRORS = (("api", 5, 1), ("health", 5, 1), ("canary", 1, 3), ("watcher", 1, 3))


@attrs.frozen(kw_only=True)
class RegionalObservabilityProps:
    """Props of :class:`RegionalObservability`.

    Attributes:
        deployment: The deployment's spec (thresholds come from it and its budget).
        placement: The region's placement.
        topic: The region's alert topic.
    """

    deployment: DeploymentSpec
    placement: Placement
    topic: TopicRef


class RegionalObservability(Construct):
    """Every alarm whose metric is published in one region, and the primary's dashboard.

    Attributes:
        alarms: The region's alarms, in creation order.
        dashboards: ``"replication"`` in the primary's region; empty elsewhere.
    """

    def __init__(self, scope: Construct, id: str, *, props: RegionalObservabilityProps) -> None:
        super().__init__(scope, id)
        self._props = props
        d = props.deployment
        self._sites = AlarmSites(self, placement=props.placement, topic=props.topic)
        self.alarms = self._sites.alarms
        watch_alarms(self._sites, d)
        trail_delivery_alarms(self._sites, d)
        self._dynamodb_lag_alarms()
        self._s3_replication_alarms()
        self._canary_alarms()
        self._function_alarms()
        self.dashboards: dict[str, Dashboard] = {}
        if props.placement.region == d.primary.region:
            self.dashboards["replication"] = Dashboard(
                self,
                "dashboard-replication",
                props=DashboardProps(
                    placement=props.placement,
                    purpose="replication-lag",
                    widgets=replication_widgets(d),
                ),
            )

    @property
    def _regions(self) -> tuple[RegionSpec, ...]:
        return self._props.deployment.regions

    def _dynamodb_lag_alarms(self) -> None:
        """ReplicationLatency of every table, per source and receiving region."""
        d = self._props.deployment
        for purpose, table in names.TABLES.items():
            table_name = table(d.namer)
            for src, dst in itertools.permutations(self._regions, 2):
                source, receiving = src.region, dst.region
                self._alarm(
                    source=source,
                    destination=receiving,
                    purpose=f"ddb-lag-{purpose}-{src.short}-to-{dst.short}",
                    description=(
                        f"DynamoDB replication of {table_name} from {source} to "
                        f"{receiving} lags more than {d.replication_lag_threshold_seconds} s "
                        f"(RPO target {d.rpo_target_seconds} s)."
                    ),
                    namespace="AWS/DynamoDB",
                    metric_name="ReplicationLatency",
                    dimensions={"TableName": table_name, "ReceivingRegion": receiving},
                    statistic="Maximum",
                    threshold=d.replication_lag_threshold_seconds * 1000,
                    evaluation_periods=d.replication_alarm_evaluation_periods,
                )

    def _s3_replication_alarms(self) -> None:
        """Latency and failures of every replication rule."""
        d = self._props.deployment
        for src, dst in itertools.permutations(self._regions, 2):
            source, dest_region = src.region, dst.region
            dims = {
                "SourceBucket": names.DATA_BUCKET(d.namer, source),
                "DestinationBucket": names.DATA_BUCKET(d.namer, dest_region),
                "RuleId": rule_id(dest_region),
            }
            pair = f"{src.short}-to-{dst.short}"
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
        for source, receiving in itertools.permutations(self._regions, 2):
            for store in CANARY_STORES:
                self._canary_pair_alarms(store, source, receiving)

    def _canary_pair_alarms(self, store: str, source: RegionSpec, receiving: RegionSpec) -> None:
        rpo = self._props.deployment.rpo_target_seconds
        values = (store, source.region, receiving.region)
        dims = dict(zip(METRIC_DIMENSIONS, values, strict=True))
        pair = f"{source.short}-to-{receiving.short}"
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
        )
        if store == OBJECTS:
            self._source_canary_alarm(source, receiving, dims, pair)

    def _source_canary_alarm(
        self, source: RegionSpec, receiving: RegionSpec, dims: dict[str, str], pair: str
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
        )

    def _function_alarms(self) -> None:
        """Errors and dead letters of every function in every region."""
        namer = self._props.deployment.namer
        for r in self._regions:
            for purpose, threshold, periods in FUNCTION_ERRORS:
                fn = names.FUNCTIONS[purpose]
                function_name = fn.function(namer, r.region)
                self._alarm(
                    own=r.region,
                    purpose=f"lambda-errors-{purpose}",
                    description=f"{function_name} is failing in {r.region}.",
                    namespace="AWS/Lambda",
                    metric_name="Errors",
                    dimensions={"FunctionName": function_name},
                    statistic="Sum",
                    threshold=threshold,
                    comparison="GreaterThanOrEqualToThreshold",
                    evaluation_periods=periods,
                )
                self._alarm(
                    own=r.region,
                    purpose=f"dlq-{purpose}",
                    description=(
                        f"Failed asynchronous invocations of {function_name} "
                        "are waiting in its DLQ."
                    ),
                    namespace="AWS/SQS",
                    metric_name="ApproximateNumberOfMessagesVisible",
                    dimensions={"QueueName": fn.dead_letter_queue(namer, r.region)},
                    statistic="Maximum",
                    threshold=0,
                )

    def _alarm(self, **props: Any) -> Alarm | None:
        return self._sites.alarm(**props)
