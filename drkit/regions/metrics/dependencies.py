"""Rows of the metrics on what a region's requests and records depend on.

The functions and their dead letters, and the audit trail's delivery.
"""

from __future__ import annotations

from drkit.regions.metrics.rules import MetricPlacement, MissingData, Published

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

LAMBDA_ERRORS = MetricPlacement(
    namespace="AWS/Lambda",
    metric_name="Errors",
    dimensions=("FunctionName",),
    published=Published.OWN,
    source=_LAMBDA,
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why="published only when the function is invoked: no invocation, no error",
)
DEAD_LETTERS_VISIBLE = MetricPlacement(
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
)
TRAIL_FILES_ANNOUNCED = MetricPlacement(
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
)
TRAIL_EVENTS_LOGGED = MetricPlacement(
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
)

ROWS: tuple[MetricPlacement, ...] = (
    LAMBDA_ERRORS,
    DEAD_LETTERS_VISIBLE,
    TRAIL_FILES_ANNOUNCED,
    TRAIL_EVENTS_LOGGED,
)
