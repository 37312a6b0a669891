"""The alarm families on what a region's requests depend on: its functions and their queues.

Every family runs over every region (and every function of ``FUNCTION_PLANS``, so a
function added to the table is alarmed with it); the stack's ``AlarmSites`` keeps its
own region's.
"""

from __future__ import annotations

from drkit.footprint.functions import FUNCTION_PLANS, FunctionPlan
from drkit.regions import metrics, names
from drkit.regions.region import RegionSpec
from drkit.regions.spec import DeploymentSpec
from drkit.services.cloudwatch import Condition
from drkit.topology.alarms import AlarmSites

#: Anything waiting in a dead-letter queue.
ANY_WAITING = Condition(statistic="Maximum", threshold=0)


def function_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """Errors and dead letters of every function in every region."""
    for region in deployment.regions:
        for plan in FUNCTION_PLANS:
            _function(sites, deployment, plan, region)


def _function(
    sites: AlarmSites, deployment: DeploymentSpec, plan: FunctionPlan, region: RegionSpec
) -> None:
    fn = names.FUNCTIONS[plan.purpose]
    function_name = fn.function(deployment.namer, region.region)
    sites.alarm(
        metrics.LAMBDA_ERRORS,
        own=region.region,
        purpose=f"lambda-errors-{plan.purpose}",
        description=f"{function_name} is failing in {region.region}.",
        dimensions={"FunctionName": function_name},
        condition=Condition(
            statistic="Sum",
            threshold=plan.alarms.errors,
            comparison="GreaterThanOrEqualToThreshold",
            evaluation_periods=plan.alarms.error_minutes,
        ),
    )
    sites.alarm(
        metrics.DEAD_LETTERS_VISIBLE,
        own=region.region,
        purpose=f"dlq-{plan.purpose}",
        description=f"Failed asynchronous invocations of {function_name} are waiting in its DLQ.",
        dimensions={"QueueName": fn.dead_letter_queue(deployment.namer, region.region)},
        condition=ANY_WAITING,
    )
