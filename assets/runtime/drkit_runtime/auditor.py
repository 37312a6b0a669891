"""The scheduled verification of a region's audit chain: walks it, publishes how many breaks it
found (the region's alarm pages on any), and logs every break and the head it reached.

It reads the audit table and writes nothing to it; its role holds no other data permission.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from drkit_runtime import chain
from drkit_runtime.contract import (
    AUDIT_CHAIN_BREAKS,
    AUDIT_NAMESPACE,
)
from drkit_runtime.deps import Deps
from drkit_runtime.logs import log

_deps: Deps | None = None


def handle(deps: Deps) -> dict[str, Any]:
    """Verify this region's chain and publish the outcome; returns the report."""
    config = deps.config
    report = chain.verify(
        deps.clients.get("dynamodb"), table=config.audit_table_name, region=config.region
    )
    timestamp = datetime.fromtimestamp(deps.clock(), tz=UTC)
    dimensions = [{"Name": "Region", "Value": config.region}]
    deps.clients.get("cloudwatch").put_metric_data(
        Namespace=AUDIT_NAMESPACE,
        MetricData=[
            {
                "MetricName": AUDIT_CHAIN_BREAKS,
                "Dimensions": dimensions,
                "Timestamp": timestamp,
                "Value": len(report.findings),
                "Unit": "Count",
            },
        ],
    )
    for finding in report.findings:
        log(
            "audit_chain_break",
            level="ERROR",
            lane=finding.lane,
            seq=finding.seq,
            problem=finding.problem,
        )
    # The heads, logged each run, are the anchor a later `drkit audit --anchor` can be given.
    log(
        "audit_chain_verified",
        length=report.length,
        heads=report.as_dict()["heads"],
        breaks=len(report.findings),
    )
    return report.as_dict()


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point: drkit_runtime.auditor.handler (EventBridge schedule)."""
    global _deps
    if _deps is None:
        _deps = Deps.from_environ()
    return handle(_deps)
