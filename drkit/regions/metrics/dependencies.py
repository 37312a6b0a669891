"""Rows of the metrics on what a region's requests and records depend on.

The functions and their dead letters, the API, the table replicas, the backups and their
copies, the certificate, and the audit trail's delivery. Each is published in the region of
the resource its dimensions name, but a copy job's, which is the copy's source (below).
"""

from __future__ import annotations

from drkit.regions.metrics.rules import EventPlacement, MetricPlacement, MissingData, Published
from drkit_runtime import contract

_LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html"
_SQS = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-available-cloudwatch-metrics.html"
)
_API = (
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html"
    " (4xx, 5xx; dimensions ApiId, Stage)"
)
# "DynamoDB only sends metrics to CloudWatch when they have a non-zero value"; both are
# per table and operation ("This value can be any table name in the current region").
_DYNAMODB = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html"
)
_QUIET_DYNAMODB = "DynamoDB sends these only when they are not zero: a quiet minute has none"
_BACKUP = "https://docs.aws.amazon.com/aws-backup/latest/devguide/cloudwatch.html"
_NO_FAILED_JOB = "counted when a job fails: a day without a failed job has no data point"
_ACM = "https://docs.aws.amazon.com/acm/latest/userguide/cloudwatch-metrics.html"
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
LAMBDA_THROTTLES = MetricPlacement(
    namespace="AWS/Lambda",
    metric_name="Throttles",
    dimensions=("FunctionName",),
    published=Published.OWN,
    source=_LAMBDA,
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why=(
        "published only when the function is called: no call, nothing refused (a schedule "
        "that stopped is the heartbeat and watcher alarms)"
    ),
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
# HTTP APIs publish 4xx and 5xx (not REST's 4XXError and 5XXError). A request API Gateway
# throttles is answered 429 Too Many Requests (http-api-throttling.html), a client-side
# error: it is in 4xx, with every other client error.
API_CLIENT_ERRORS = MetricPlacement(
    namespace="AWS/ApiGateway",
    metric_name="4xx",
    dimensions=("ApiId", "Stage"),
    published=Published.OWN,
    source=_API + " and http-api-throttling.html (429 Too Many Requests)",
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why=(
        "counted over requests: a minute without requests has none (an API nobody reaches is "
        "the health-check and watcher alarms)"
    ),
)
API_SERVER_ERRORS = MetricPlacement(
    namespace="AWS/ApiGateway",
    metric_name="5xx",
    dimensions=("ApiId", "Stage"),
    published=Published.OWN,
    source=_API,
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why=API_CLIENT_ERRORS.missing_data_why,
)
TABLE_THROTTLED_REQUESTS = MetricPlacement(
    namespace="AWS/DynamoDB",
    metric_name="ThrottledRequests",
    dimensions=("TableName", "Operation"),
    published=Published.OWN,
    source=_DYNAMODB,
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why=_QUIET_DYNAMODB,
)
TABLE_SYSTEM_ERRORS = MetricPlacement(
    namespace="AWS/DynamoDB",
    metric_name="SystemErrors",
    dimensions=("TableName", "Operation"),
    published=Published.OWN,
    source=_DYNAMODB,
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why=_QUIET_DYNAMODB,
)
BACKUP_JOBS_FAILED = MetricPlacement(
    namespace="AWS/Backup",
    metric_name="NumberOfBackupJobsFailed",
    dimensions=("BackupVaultName",),
    published=Published.OWN,
    source=_BACKUP,
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why=_NO_FAILED_JOB,
)
# A copy job's BackupVaultName is the destination vault ("Resource type, Destination backup
# vault" on the page); the job itself runs where the recovery point is, the region whose plan
# copies it (StartCopyJob is called there with the destination vault's ARN).
COPY_JOBS_FAILED = MetricPlacement(
    namespace="AWS/Backup",
    metric_name="NumberOfCopyJobsFailed",
    dimensions=("BackupVaultName",),
    published=Published.SOURCE,
    source=_BACKUP
    + " and https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartCopyJob.html",
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why=_NO_FAILED_JOB,
)
CERTIFICATE_DAYS_TO_EXPIRY = MetricPlacement(
    namespace="AWS/CertificateManager",
    metric_name="DaysToExpiry",
    dimensions=("CertificateArn",),
    published=Published.OWN,
    source=_ACM,
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why=(
        "published daily for an issued certificate: none before it is issued (a new "
        "deployment's first day), none after it expired, by when the alarm has fired daily "
        "for a month"
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

AUDIT_CHAIN_BREAKS = MetricPlacement(
    namespace=contract.AUDIT_NAMESPACE,
    metric_name=contract.AUDIT_CHAIN_BREAKS,
    dimensions=tuple(contract.AUDIT_DIMENSIONS),
    published=Published.OWN,
    source=(
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html"
        " (metrics exist only in the Region in which they are created); published by"
        " drkit_runtime.auditor in its own region (Region)"
    ),
    missing_data=MissingData.BREACHING,
    missing_data_why=(
        "the auditor publishes on every run: silence means the trail is no longer verified"
    ),
)

WRITE_CONFLICTS = MetricPlacement(
    namespace=contract.AUDIT_NAMESPACE,
    metric_name=contract.WRITE_CONFLICTS,
    dimensions=tuple(contract.AUDIT_DIMENSIONS),
    published=Published.OWN,
    source=(
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html"
        " (metrics exist only in the Region in which they are created); published by"
        " drkit_runtime.replicated in the region that detected the conflict (Region)"
    ),
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why="published only when a conflict is recorded: a quiet minute has none",
)

ROWS: tuple[MetricPlacement, ...] = (
    LAMBDA_ERRORS,
    LAMBDA_THROTTLES,
    DEAD_LETTERS_VISIBLE,
    API_CLIENT_ERRORS,
    API_SERVER_ERRORS,
    TABLE_THROTTLED_REQUESTS,
    TABLE_SYSTEM_ERRORS,
    BACKUP_JOBS_FAILED,
    COPY_JOBS_FAILED,
    CERTIFICATE_DAYS_TO_EXPIRY,
    TRAIL_FILES_ANNOUNCED,
    TRAIL_EVENTS_LOGGED,
    AUDIT_CHAIN_BREAKS,
    WRITE_CONFLICTS,
)

# A KMS key is regional and so is every call on it: CloudTrail puts the call on the default
# bus of the region it was made in, the key's (a multi-region trail records every region's
# management calls, drkit's included). DisableKey and ScheduleKeyDeletion take the key's id
# or ARN, never an alias (the API reference), so a rule can name the key both ways.
KEY_STATE_CALLS = EventPlacement(
    event_source="aws.kms",
    detail_type="AWS API Call via CloudTrail",
    event_names=("DisableKey", "ScheduleKeyDeletion"),
    published=Published.OWN,
    source=(
        "https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-kms.html, "
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html"
        " and https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html"
    ),
)

BREAK_GLASS_USE = EventPlacement(
    event_source="aws.sts",
    detail_type="AWS API Call via CloudTrail",
    event_names=("AssumeRole",),
    published=Published.OWN,
    source=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html"
        " (STS calls are recorded in the region that serves them; the global endpoint's are"
        " served in the caller's region: id_credentials_temp_region-endpoints.html) and"
        " https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html"
    ),
)

EVENTS: tuple[EventPlacement, ...] = (KEY_STATE_CALLS, BREAK_GLASS_USE)
