"""Route 53 reads: find a deployment's health checks by Name tag, and their checkers' reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drkit.errors import DrillError
from drkit.operations.drill.checkers import CheckerReport
from drkit.regions.catalog import ROUTE53_METRICS_REGION

#: Route 53 is global; its API (and its health-check data) is served from us-east-1.
ROUTE53_API_REGION = ROUTE53_METRICS_REGION
#: Resources per ListTagsForResources call (the API's limit).
_TAGS_PER_CALL = 10


def find_health_checks(route53: Any, names: Mapping[str, str]) -> dict[str, str]:
    """``region -> health check id`` for every health check whose Name tag is in ``names``.

    Raises DrillError when two health checks carry the same wanted name.
    """
    wanted = {name: region for region, name in names.items()}
    ids = [
        check["Id"]
        for page in route53.get_paginator("list_health_checks").paginate()
        for check in page["HealthChecks"]
    ]
    found: dict[str, str] = {}
    for start in range(0, len(ids), _TAGS_PER_CALL):
        tag_sets = route53.list_tags_for_resources(
            ResourceType="healthcheck", ResourceIds=ids[start : start + _TAGS_PER_CALL]
        )
        for tag_set in tag_sets["ResourceTagSets"]:
            tags = {t["Key"]: t["Value"] for t in tag_set.get("Tags", [])}
            region = wanted.get(tags.get("Name", ""))
            if region is None:
                continue
            if region in found:
                raise DrillError(
                    f"two Route 53 health checks carry Name={names[region]}: {found[region]}, "
                    f"{tag_set['ResourceId']}; remove the stray one first"
                )
            found[region] = tag_set["ResourceId"]
    return found


def checker_reports(route53: Any, health_check_id: str) -> list[CheckerReport]:
    """Each checker's latest report on one health check."""
    observations = route53.get_health_check_status(HealthCheckId=health_check_id)[
        "HealthCheckObservations"
    ]
    return [
        CheckerReport(
            checker=f"{o.get('Region', '?')}/{o.get('IPAddress', '?')}",
            ok=o.get("StatusReport", {}).get("Status", "").startswith("Success"),
            checked_at=o.get("StatusReport", {}).get("CheckedTime"),
        )
        for o in observations
    ]
