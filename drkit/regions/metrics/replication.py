"""Rows of the metrics that watch replication: S3's, DynamoDB's and the canary's."""

from __future__ import annotations

from drkit.regions.metrics.rules import MetricPlacement, MissingData, Published
from drkit_runtime import contract

_S3_REPLICATION = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html"
_S3_DIMENSIONS = ("SourceBucket", "DestinationBucket", "RuleId")
_QUIET_S3 = "S3 publishes replication metrics only while objects replicate: a quiet bucket has none"
# "emitted for every source- and destination-Region pair", with ReceivingRegion naming
# the destination: the data point belongs to the replica that took the write.
_DDB_GLOBAL_TABLES = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_monitoring.html"
    " and https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html"
    " (ReceivingRegion)"
)
# PutMetricData stores the data in the region of the endpoint called; each function
# calls its own region's CloudWatch endpoint (drkit_runtime.access, Scope.OWN).
_OWN_NAMESPACE = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html"
    " (metrics exist only in the Region in which they are created); published by"
    " drkit_runtime.canary in the receiving region"
)
_CANARY_DIMENSIONS = tuple(contract.METRIC_DIMENSIONS)


def _s3(metric_name: str, published: Published) -> MetricPlacement:
    return MetricPlacement(
        namespace="AWS/S3",
        metric_name=metric_name,
        dimensions=_S3_DIMENSIONS,
        published=published,
        source=_S3_REPLICATION,
        missing_data=MissingData.NOT_BREACHING,
        missing_data_why=_QUIET_S3,
    )


S3_REPLICATION_LATENCY = _s3("ReplicationLatency", Published.DESTINATION)
S3_BYTES_PENDING = _s3("BytesPendingReplication", Published.DESTINATION)
S3_OPERATIONS_PENDING = _s3("OperationsPendingReplication", Published.DESTINATION)
S3_OPERATIONS_FAILED = _s3("OperationsFailedReplication", Published.SOURCE)

DYNAMODB_REPLICATION_LATENCY = MetricPlacement(
    namespace="AWS/DynamoDB",
    metric_name="ReplicationLatency",
    dimensions=("TableName", "ReceivingRegion"),
    published=Published.SOURCE,
    source=_DDB_GLOBAL_TABLES,
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why=(
        "published only while writes replicate; replication that stopped is the canary's "
        "stall alarm (HeartbeatArrivals, breaching)"
    ),
)


def _canary(metric_name: str, missing_data: MissingData, why: str) -> MetricPlacement:
    return MetricPlacement(
        namespace=contract.METRIC_NAMESPACE,
        metric_name=metric_name,
        dimensions=_CANARY_DIMENSIONS,
        published=Published.DESTINATION,
        source=_OWN_NAMESPACE,
        missing_data=missing_data,
        missing_data_why=why,
    )


CANARY_REPLICATION_LAG = _canary(
    contract.REPLICATION_LAG,
    MissingData.NOT_BREACHING,
    "published only when a heartbeat arrives; heartbeats that stopped arriving are "
    "the stall alarm (HeartbeatArrivals, breaching)",
)
# Published with StorageResolution 1 (drkit_runtime.metrics), so its alarm may use 10 s
# periods: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/publishingMetrics.html
CANARY_HEARTBEAT_ARRIVALS = _canary(
    contract.HEARTBEAT_ARRIVALS,
    MissingData.BREACHING,
    "counted when a heartbeat arrives, once a canary period per store and source: a silent "
    "window means replication, its stream or event delivery, or a canary stopped",
)
CANARY_HEARTBEAT_AGE = _canary(
    contract.HEARTBEAT_AGE,
    MissingData.BREACHING,
    "the receiving canary publishes it every minute: silence means replication or "
    "the canary stopped (drawn beside the lag; the stall alarm is on arrivals)",
)
CANARY_SOURCE_HEARTBEAT_AGE = _canary(
    contract.SOURCE_HEARTBEAT_AGE,
    MissingData.NOT_BREACHING,
    "read through the source's endpoint: no answer gives no data point, which the "
    "stall alarm (HeartbeatArrivals, breaching) already reports",
)

ROWS: tuple[MetricPlacement, ...] = (
    S3_REPLICATION_LATENCY,
    S3_BYTES_PENDING,
    S3_OPERATIONS_PENDING,
    S3_OPERATIONS_FAILED,
    DYNAMODB_REPLICATION_LATENCY,
    CANARY_REPLICATION_LAG,
    CANARY_HEARTBEAT_ARRIVALS,
    CANARY_HEARTBEAT_AGE,
    CANARY_SOURCE_HEARTBEAT_AGE,
)
