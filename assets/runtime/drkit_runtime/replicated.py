"""The records function's stream side: each write of a record replicated into this region,
checked for a conflict with the version this region held (drkit_runtime.versions).

The patient replica's event source mapping passes only ``MODIFY`` records of writes made in
another region (the stack's filter); a conflict is recorded once per stream record, however
often the batch is delivered again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drkit_runtime import records, versions
from drkit_runtime.deps import Deps
from drkit_runtime.logs import log


def handle_stream(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """Record every conflict of the batch and publish how many; raising retries the batch."""
    config = deps.config
    found = [c for r in event.get("Records") or [] if (c := versions.detect(r, config.region))]
    recorded = 0
    for conflict in found:
        entry = records.audit_item(
            record_id=conflict.record_id,
            action="record.conflict",
            outcome=f"kept:{conflict.kept}",
            caller=records.Caller(request_id=f"stream-{conflict.event_id}"),
            region=config.region,
            now_ms=conflict.at_ms,
        )
        if versions.record_conflict(
            deps.clients.get("dynamodb"),
            patient_table=config.patient_table_name,
            audit_table=config.audit_table_name,
            region=config.region,
            conflict=conflict,
            entry=entry,
        ):
            recorded += 1
            log("write_conflict", level="WARNING", region=config.region, kind="record")
    if recorded:
        versions.publish(
            deps.clients.get("cloudwatch"), region=config.region, count=recorded, at_s=deps.clock()
        )
    return {"batchItemFailures": [], "conflicts": recorded}
