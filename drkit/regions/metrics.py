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
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from drkit.regions.catalog import ROUTE53_METRICS_REGION
from drkit_runtime import contract


class Published(enum.Enum):
    """Which region holds a metric's data."""

    #: The region the replicated data is written in (the source bucket, the replica
    #: table that took the write).
    SOURCE = "source"
    #: The region the data is replicated to (the destination bucket, the receiving
    #: replica, the region whose canary measures the arrival).
    DESTINATION = "destination"
    #: us-east-1, whatever regions the deployment uses (Route 53 is global).
    US_EAST_1 = ROUTE53_METRICS_REGION
    #: The region of the resource the dimensions name (a function, a queue), or of
    #: the function that publishes it with PutMetricData (a regional API).
    OWN = "own"


class MissingData(enum.Enum):
    """What an alarm counts a period without data as (CloudWatch's ``TreatMissingData``)."""

    #: Silence is a failure: the thing that publishes stopped.
    BREACHING = "breaching"
    #: Silence is normal: the metric is published only while something happens.
    NOT_BREACHING = "notBreaching"


@attrs.frozen(kw_only=True)
class MetricPlacement:
    """One metric: its dimensions as drkit uses them and where AWS publishes it.

    Attributes:
        namespace: CloudWatch namespace.
        metric_name: Metric name.
        dimensions: The dimensions drkit's alarms and widgets give it, in order.
        published: Which region holds its data.
        source: The AWS page that says so (drkit's own metrics: the code that publishes).
        missing_data: What an alarm on it counts a period without data as.
        missing_data_why: Why.
    """

    namespace: str
    metric_name: str
    dimensions: tuple[str, ...]
    published: Published
    source: str
    missing_data: MissingData
    missing_data_why: str

    def region(self, *, source: str = "", destination: str = "", own: str = "") -> str:
        """The region holding this metric, given the regions its dimensions stand for."""
        chosen = {
            Published.SOURCE: source,
            Published.DESTINATION: destination,
            Published.US_EAST_1: ROUTE53_METRICS_REGION,
            Published.OWN: own,
        }[self.published]
        if not chosen:
            raise ValueError(
                f"{self.namespace}/{self.metric_name} needs its {self.published.value}"
            )
        return chosen


_S3_REPLICATION = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html"
_S3_DIMENSIONS = ("SourceBucket", "DestinationBucket", "RuleId")
_QUIET_S3 = "S3 publishes replication metrics only while objects replicate: a quiet bucket has none"
_SIGNED = "published for a zone while it is signed; before signing is on there is none"
# "emitted for every source- and destination-Region pair", with ReceivingRegion naming
# the destination: the data point belongs to the replica that took the write.
_DDB_GLOBAL_TABLES = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_monitoring.html"
    " and https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html"
    " (ReceivingRegion)"
)
_ROUTE53_HEALTH = (
    "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html"
)
_ROUTE53_ZONES = (
    "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
    "monitoring-hosted-zones-with-cloudwatch.html"
)
_LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html"
_SQS = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-available-cloudwatch-metrics.html"
)
_SNS = "https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html"
_LOGS = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/"
    "CloudWatch-Logs-Monitoring-CloudWatch-Metrics.html"
)
# PutMetricData stores the data in the region of the endpoint called; each function
# calls its own region's CloudWatch endpoint (drkit_runtime.access, Scope.OWN).
_OWN_NAMESPACE = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html"
    " (metrics exist only in the Region in which they are created); published by"
    " drkit_runtime.canary in the receiving region"
)
_CANARY_DIMENSIONS = tuple(contract.METRIC_DIMENSIONS)
_WATCH = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html"
    " (metrics exist only in the Region in which they are created); published by"
    " drkit_runtime.watcher in the watcher's region (WatcherRegion)"
)

#: Every metric drkit alarms on or draws, with the region AWS publishes it in.
PLACEMENTS: tuple[MetricPlacement, ...] = (
    MetricPlacement(
        namespace="AWS/S3",
        metric_name="ReplicationLatency",
        dimensions=_S3_DIMENSIONS,
        published=Published.DESTINATION,
        source=_S3_REPLICATION,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why=_QUIET_S3,
    ),
    MetricPlacement(
        namespace="AWS/S3",
        metric_name="BytesPendingReplication",
        dimensions=_S3_DIMENSIONS,
        published=Published.DESTINATION,
        source=_S3_REPLICATION,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why=_QUIET_S3,
    ),
    MetricPlacement(
        namespace="AWS/S3",
        metric_name="OperationsPendingReplication",
        dimensions=_S3_DIMENSIONS,
        published=Published.DESTINATION,
        source=_S3_REPLICATION,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why=_QUIET_S3,
    ),
    MetricPlacement(
        namespace="AWS/S3",
        metric_name="OperationsFailedReplication",
        dimensions=_S3_DIMENSIONS,
        published=Published.SOURCE,
        source=_S3_REPLICATION,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why=_QUIET_S3,
    ),
    MetricPlacement(
        namespace="AWS/DynamoDB",
        metric_name="ReplicationLatency",
        dimensions=("TableName", "ReceivingRegion"),
        published=Published.SOURCE,
        source=_DDB_GLOBAL_TABLES,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why=(
            "published only while writes replicate; replication that stopped is the canary "
            "HeartbeatAge alarm (breaching)"
        ),
    ),
    MetricPlacement(
        namespace="AWS/Route53",
        metric_name="HealthCheckStatus",
        dimensions=("HealthCheckId",),
        published=Published.US_EAST_1,
        source=_ROUTE53_HEALTH,
        missing_data=MissingData.BREACHING,
        missing_data_why=(
            "a health check that stops reporting has not shown the region healthy; not breaching,"
            " the alarm would stay OK through the outage it exists for"
        ),
    ),
    MetricPlacement(
        namespace="AWS/Route53",
        metric_name="DNSSECInternalFailure",
        dimensions=("HostedZoneId",),
        published=Published.US_EAST_1,
        source=_ROUTE53_ZONES,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why=_SIGNED,
    ),
    MetricPlacement(
        namespace="AWS/Route53",
        metric_name="DNSSECKeySigningKeysNeedingAction",
        dimensions=("HostedZoneId",),
        published=Published.US_EAST_1,
        source=_ROUTE53_ZONES,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why=_SIGNED,
    ),
    MetricPlacement(
        namespace="AWS/Lambda",
        metric_name="Errors",
        dimensions=("FunctionName",),
        published=Published.OWN,
        source=_LAMBDA,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why="published only when the function is invoked: no invocation, no error",
    ),
    MetricPlacement(
        namespace="AWS/SQS",
        metric_name="ApproximateNumberOfMessagesVisible",
        dimensions=("QueueName",),
        published=Published.OWN,
        source=_SQS,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why=(
            "SQS stops publishing for a queue left inactive (an empty dead-letter queue is the "
            "normal case)"
        ),
    ),
    MetricPlacement(
        namespace="AWS/SNS",
        metric_name="NumberOfMessagesPublished",
        dimensions=("TopicName",),
        published=Published.OWN,
        source=_SNS,
        missing_data=MissingData.BREACHING,
        missing_data_why=(
            "the trail announces every delivered log file on its topic: an hour without one means"
            " delivery stopped"
        ),
    ),
    MetricPlacement(
        namespace="AWS/Logs",
        metric_name="IncomingLogEvents",
        dimensions=("LogGroupName",),
        published=Published.OWN,
        source=_LOGS,
        missing_data=MissingData.BREACHING,
        missing_data_why=(
            "the trail streams every event into its log group: an hour without one means delivery"
            " stopped"
        ),
    ),
    MetricPlacement(
        namespace=contract.WATCH_NAMESPACE,
        metric_name=contract.PEER_HEALTHY,
        dimensions=tuple(contract.WATCH_DIMENSIONS),
        published=Published.OWN,
        source=_WATCH,
        missing_data=MissingData.BREACHING,
        missing_data_why=(
            "the watcher publishes every minute: silence means it stopped, and the peer's health "
            "is unknown"
        ),
    ),
    MetricPlacement(
        namespace=contract.METRIC_NAMESPACE,
        metric_name=contract.REPLICATION_LAG,
        dimensions=_CANARY_DIMENSIONS,
        published=Published.DESTINATION,
        source=_OWN_NAMESPACE,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why=(
            "published only when a heartbeat arrives; heartbeats that stopped arriving are "
            "the HeartbeatAge alarm (breaching)"
        ),
    ),
    MetricPlacement(
        namespace=contract.METRIC_NAMESPACE,
        metric_name=contract.HEARTBEAT_AGE,
        dimensions=_CANARY_DIMENSIONS,
        published=Published.DESTINATION,
        source=_OWN_NAMESPACE,
        missing_data=MissingData.BREACHING,
        missing_data_why=(
            "the receiving canary publishes it every minute: silence means replication or "
            "the canary stopped"
        ),
    ),
    MetricPlacement(
        namespace=contract.METRIC_NAMESPACE,
        metric_name=contract.SOURCE_HEARTBEAT_AGE,
        dimensions=_CANARY_DIMENSIONS,
        published=Published.DESTINATION,
        source=_OWN_NAMESPACE,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why=(
            "read through the source's endpoint: no answer gives no data point, which the "
            "HeartbeatAge alarm (breaching) already reports"
        ),
    ),
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
