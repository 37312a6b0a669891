"""The alarm families on what a region's requests depend on.

Its functions (every one of ``FUNCTION_PLANS``, so a function added to the table is
alarmed with it) and their dead letters, its API, its table replicas, its backups and
their copies, its certificate. The families over names run over every region, and the
stack's ``AlarmSites`` keeps its own region's; the API's id and the certificate's ARN are
random, so those two families take the region's own API and certificate.
"""

from __future__ import annotations

import itertools

from drkit.footprint.functions import FUNCTION_PLANS, FunctionPlan
from drkit.regions import metrics, names
from drkit.regions.region import RegionSpec
from drkit.regions.spec import DeploymentSpec
from drkit.services.acm import Certificate
from drkit.services.apigateway import HttpApi
from drkit.services.backup import DAILY
from drkit.services.cloudwatch import Condition
from drkit.topology.alarms import AlarmSites
from drkit_runtime.access import TABLE_OPERATIONS

#: Anything waiting in a dead-letter queue; any request throttled in a minute.
ANY_WAITING = Condition(statistic="Maximum", threshold=0)
ANY_IN_A_MINUTE = Condition(statistic="Sum", threshold=0)
#: Server errors in two minutes running: one retried 500 is not worth a page.
SERVER_ERRORS = Condition(statistic="Sum", threshold=0, evaluation_periods=2)
#: API 5xx in a minute worth a page (the records API function's own errors threshold).
API_SERVER_ERRORS_PER_MINUTE = 5
#: Minutes in a row of client errors past the threshold (one busy minute is not a flood).
API_CLIENT_ERROR_MINUTES = 3
#: The plans run once a day (``DAILY``): a failed job keeps the alarm up for the day.
BACKUP_PERIOD_SECONDS = 24 * 3600
#: ACM renews a DNS-validated certificate well before it expires; fewer days than this
#: left means the renewals are failing (a validation record gone from the zone).
CERTIFICATE_DAYS_LEFT = 30


def function_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """Errors, throttles and dead letters of every function in every region."""
    for region in deployment.regions:
        for plan in FUNCTION_PLANS:
            _function(sites, deployment, plan, region)


def _function(
    sites: AlarmSites, deployment: DeploymentSpec, plan: FunctionPlan, region: RegionSpec
) -> None:
    fn = names.FUNCTIONS[plan.purpose]
    function_name = fn.function(deployment.namer, region.region)
    function = {"FunctionName": function_name}
    sites.alarm(
        metrics.LAMBDA_ERRORS,
        own=region.region,
        purpose=f"lambda-errors-{plan.purpose}",
        description=f"{function_name} is failing in {region.region}.",
        dimensions=function,
        condition=Condition(
            statistic="Sum",
            threshold=plan.alarms.errors,
            comparison="GreaterThanOrEqualToThreshold",
            evaluation_periods=plan.alarms.error_minutes,
        ),
    )
    sites.alarm(
        metrics.LAMBDA_THROTTLES,
        own=region.region,
        purpose=f"lambda-throttles-{plan.purpose}",
        description=(
            f"Lambda refused calls of {function_name} in {region.region}: its reserved "
            "concurrency (both its floor and its ceiling) is all in use. Calls from API "
            "Gateway fail; scheduled and event calls are retried, late."
        ),
        dimensions=function,
        condition=ANY_IN_A_MINUTE,
    )
    sites.alarm(
        metrics.DEAD_LETTERS_VISIBLE,
        own=region.region,
        purpose=f"dlq-{plan.purpose}",
        description=f"Failed asynchronous invocations of {function_name} are waiting in its DLQ.",
        dimensions={"QueueName": fn.dead_letter_queue(deployment.namer, region.region)},
        condition=ANY_WAITING,
    )


def api_alarms(sites: AlarmSites, api: HttpApi) -> None:
    """The region's API answering 5xx, or a flood of 4xx (429 when API Gateway throttles)."""
    dims = {"ApiId": api.api_id, "Stage": api.stage_name}
    sites.alarm(
        metrics.API_SERVER_ERRORS,
        own=sites.region,
        purpose="api-5xx",
        description=(
            f"The API in {sites.region} answered {API_SERVER_ERRORS_PER_MINUTE} or more 5xx "
            "in a minute: its function is failing or refused (Lambda throttles), or /health "
            "answers 503 (a dependency is down, or the region is drained on purpose)."
        ),
        dimensions=dims,
        condition=Condition(
            statistic="Sum",
            threshold=API_SERVER_ERRORS_PER_MINUTE,
            comparison="GreaterThanOrEqualToThreshold",
        ),
    )
    # More client errors in a minute than the stage serves in a second, minute after minute:
    # API Gateway throttling (429, the stage's or the account's limits) or a client gone wrong.
    sites.alarm(
        metrics.API_CLIENT_ERRORS,
        own=sites.region,
        purpose="api-4xx",
        description=(
            f"The API in {sites.region} answered more than {api.throttling_rate_limit} 4xx a "
            f"minute for {API_CLIENT_ERROR_MINUTES} minutes: API Gateway is throttling (429; "
            "Route 53's checkers get 429s too and may fail the region out) or a client is "
            "sending bad requests. The access log says which."
        ),
        dimensions=dims,
        condition=Condition(
            statistic="Sum",
            threshold=api.throttling_rate_limit,
            evaluation_periods=API_CLIENT_ERROR_MINUTES,
        ),
    )


def table_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """Throttled requests and system errors of every replica, per operation the runtime calls."""
    for region, (purpose, table) in itertools.product(deployment.regions, names.TABLES.items()):
        for operation in TABLE_OPERATIONS[purpose]:
            _table_operation_alarms(sites, deployment, region.region, purpose, table, operation)


def _table_operation_alarms(
    sites: AlarmSites,
    deployment: DeploymentSpec,
    region: str,
    purpose: str,
    table: names.Name,
    operation: str,
) -> None:
    """A replica's throttled requests and system errors for one operation."""
    dims = {"TableName": table(deployment.namer), "Operation": operation}
    where = f"{operation} on the {purpose} replica in {region}"
    sites.alarm(
        metrics.TABLE_THROTTLED_REQUESTS,
        own=region,
        purpose=f"ddb-throttled-{purpose}-{operation}",
        description=(
            f"DynamoDB throttled {where}: an on-demand table serves up to twice its "
            "previous peak at once (a survivor's reads after a failover can exceed it)."
        ),
        dimensions=dims,
        condition=ANY_IN_A_MINUTE,
    )
    sites.alarm(
        metrics.TABLE_SYSTEM_ERRORS,
        own=region,
        purpose=f"ddb-errors-{purpose}-{operation}",
        description=f"DynamoDB answered 500 to {where} two minutes running.",
        dimensions=dims,
        condition=SERVER_ERRORS,
    )


def backup_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """A failed backup of a region's replicas, and a failed copy of it to another region."""
    namer = deployment.namer
    failed = Condition(statistic="Sum", threshold=0, period_seconds=BACKUP_PERIOD_SECONDS)
    for region in deployment.regions:
        vault = names.BACKUP_VAULT(namer, region.region)
        sites.alarm(
            metrics.BACKUP_JOBS_FAILED,
            own=region.region,
            purpose="backup-failed",
            description=(
                f"A backup job into {vault} failed in the last day ({DAILY}): "
                f"{region.region}'s replicas have no new recovery point."
            ),
            dimensions={"BackupVaultName": vault},
            condition=failed,
        )
    for src, dst in itertools.permutations(deployment.regions, 2):
        vault = names.BACKUP_VAULT(namer, dst.region)
        sites.alarm(
            metrics.COPY_JOBS_FAILED,
            source=src.region,
            destination=dst.region,
            purpose=f"backup-copy-failed-to-{dst.short}",
            description=(
                f"A copy of {src.region}'s backup into {vault} ({dst.region}) failed in the "
                "last day: that region holds no new copy of this one's data."
            ),
            dimensions={"BackupVaultName": vault},
            condition=failed,
        )


def certificate_alarms(sites: AlarmSites, certificate: Certificate) -> None:
    """The region's certificate close to expiry: ACM's renewals are failing."""
    sites.alarm(
        metrics.CERTIFICATE_DAYS_TO_EXPIRY,
        own=sites.region,
        purpose="certificate-expiry",
        description=(
            f"The API certificate in {sites.region} ({', '.join(certificate.domain_names)}) "
            f"expires in less than {CERTIFICATE_DAYS_LEFT} days: ACM has not renewed it. "
            "Check its renewal status and that the validation CNAMEs are still in the zone."
        ),
        dimensions={"CertificateArn": certificate.certificate_arn},
        condition=Condition(
            statistic="Minimum",
            threshold=CERTIFICATE_DAYS_LEFT,
            comparison="LessThanThreshold",
            period_seconds=BACKUP_PERIOD_SECONDS,
        ),
    )
