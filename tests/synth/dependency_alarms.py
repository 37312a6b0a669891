"""Checks that every dependency of every region is alarmed, from the synthesized JSON alone.

Each property starts from the resources the stack holds (every function, API, replica,
vault, copy action and certificate) and looks for its alarms in the same region, so a
function or region added later is covered without naming it here.
"""

from __future__ import annotations

from typing import Any

from drkit.regions import metrics, names
from drkit.regions.metrics import MetricPlacement
from drkit_runtime.access import TABLE_OPERATIONS
from tests.helpers import ref, region_of, resources, table_replicas


def _alarms_on(stack: dict[str, Any], metric: MetricPlacement) -> list[dict[str, Any]]:
    return [
        a
        for a in resources(stack, "aws_cloudwatch_metric_alarm").values()
        if (a["namespace"], a["metric_name"]) == (metric.namespace, metric.metric_name)
    ]


def _alarmed(stack: dict[str, Any], metric: MetricPlacement) -> set[tuple[str, tuple]]:
    """``(region, sorted dimensions)`` of every alarm on ``metric``."""
    return {
        (region_of(stack, a), tuple(sorted(a["dimensions"].items())))
        for a in _alarms_on(stack, metric)
    }


def every_function_is_alarmed_for_errors_and_throttles(spec, stack):
    """Each function has an Errors and a Throttles alarm in its own region."""
    functions = resources(stack, "aws_lambda_function").values()
    assert functions
    for metric in (metrics.LAMBDA_ERRORS, metrics.LAMBDA_THROTTLES):
        alarmed = _alarmed(stack, metric)
        for f in functions:
            key = (region_of(stack, f), (("FunctionName", f["function_name"]),))
            assert key in alarmed, (metric.metric_name, key)


def every_api_is_alarmed_for_5xx_and_4xx(spec, stack):
    """Each HTTP API's stage has a 5xx and a 4xx alarm in the API's region."""
    stages = resources(stack, "aws_apigatewayv2_stage").values()
    assert len(stages) == len(spec.regions)
    for metric in (metrics.API_SERVER_ERRORS, metrics.API_CLIENT_ERRORS):
        alarmed = _alarmed(stack, metric)
        for stage in stages:
            api = ref(stage["api_id"])[1]
            key = (
                region_of(stack, stage),
                (("ApiId", f"${{aws_apigatewayv2_api.{api}.id}}"), ("Stage", stage["name"])),
            )
            assert key in alarmed, (metric.metric_name, key)


def every_replica_is_alarmed_per_operation(spec, stack):
    """Each table replica has a ThrottledRequests and a SystemErrors alarm in its region for
    every operation the runtime calls."""
    replicas = table_replicas(stack)
    assert len(replicas) == 2 * len(spec.regions)
    for metric in (metrics.TABLE_THROTTLED_REQUESTS, metrics.TABLE_SYSTEM_ERRORS):
        alarmed = _alarmed(stack, metric)
        for region, table in replicas:
            purpose = next(p for p, name in names.TABLES.items() if name(spec.namer) == table)
            for operation in TABLE_OPERATIONS[purpose]:
                key = (region, (("Operation", operation), ("TableName", table)))
                assert key in alarmed, (metric.metric_name, key)


def every_backup_and_copy_is_alarmed_where_its_job_runs(spec, stack):
    """Each vault's backup jobs are alarmed in its region; each copy action's jobs in the
    region of the plan that copies (naming the destination vault)."""
    alarmed = _alarmed(stack, metrics.BACKUP_JOBS_FAILED)
    vaults = resources(stack, "aws_backup_vault").values()
    assert len(vaults) == len(spec.regions)
    for vault in vaults:
        assert (region_of(stack, vault), (("BackupVaultName", vault["name"]),)) in alarmed
    copies = _alarmed(stack, metrics.COPY_JOBS_FAILED)
    expected = {
        (region_of(stack, plan), (("BackupVaultName", action["destination_vault_arn"]),))
        for plan in resources(stack, "aws_backup_plan").values()
        for rule in plan["rule"]
        for action in rule.get("copy_action", [])
    }
    assert len(expected) == len(spec.regions) * (len(spec.regions) - 1)
    named = {(r, (("BackupVaultName", arn.rsplit(":", 1)[1]),)) for r, ((_, arn),) in expected}
    assert copies == named


def every_certificate_is_alarmed_before_it_expires(spec, stack):
    """Each regional certificate has a DaysToExpiry alarm in its region, on its own ARN."""
    alarms = _alarms_on(stack, metrics.CERTIFICATE_DAYS_TO_EXPIRY)
    validations = resources(stack, "aws_acm_certificate_validation")
    regional = {
        region_of(stack, v)
        for v in validations.values()
        if region_of(stack, v) in {r.region for r in spec.regions}
    }
    assert {region_of(stack, a) for a in alarms} >= regional
    for alarm in alarms:
        rtype, logical, _ = ref(alarm["dimensions"]["CertificateArn"])
        assert region_of(stack, resources(stack, rtype)[logical]) == region_of(stack, alarm)
        assert (alarm["comparison_operator"], alarm["statistic"]) == (
            "LessThanThreshold",
            "Minimum",
        )


DEPENDENCY_PROPERTIES = [
    every_function_is_alarmed_for_errors_and_throttles,
    every_api_is_alarmed_for_5xx_and_4xx,
    every_replica_is_alarmed_per_operation,
    every_backup_and_copy_is_alarmed_where_its_job_runs,
    every_certificate_is_alarmed_before_it_expires,
]
