"""Lambda entry point of the replication canary: drkit_runtime.canary.handler.

Every minute (EventBridge schedule) each region writes a heartbeat to both global tables and
its bucket, then reports how old the other regions' heartbeats are here (HeartbeatAge). When a
heartbeat from another region lands in this region's replica (DynamoDB stream) or bucket (S3
"Object Created" via EventBridge), it reports how long the trip took (ReplicationLag).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from drkit_runtime import lag, metrics
from drkit_runtime.contract import AUDIT_HEARTBEAT_EVENT_ID, AUDIT_LOGS, OBJECTS, PATIENT_RECORDS
from drkit_runtime.deps import Deps
from drkit_runtime.keys import canary_object_key, canary_object_region, heartbeat_record_id
from drkit_runtime.logs import error_fields, log

Event = Mapping[str, Any]


class CanaryError(RuntimeError):
    """This region could not write one of its own heartbeats; the invocation should fail."""


def classify(event: Event) -> str:
    """ "schedule", "stream", "object" or "unknown", from the event's shape."""
    records = event.get("Records")
    if (
        isinstance(records, list)
        and records
        and all(isinstance(r, Mapping) and r.get("eventSource") == "aws:dynamodb" for r in records)
    ):
        return "stream"
    source, detail_type = event.get("source"), event.get("detail-type")
    if source == "aws.events" and detail_type == "Scheduled Event":
        return "schedule"
    if source == "aws.s3" and detail_type == "Object Created":
        return "object"
    return "unknown"


def _heartbeat_keys(region: str) -> dict[str, dict[str, Any]]:
    """Store name -> (table key) of `region`'s heartbeat in each global table."""
    record_id = {"S": heartbeat_record_id(region)}
    return {
        PATIENT_RECORDS: {"record_id": record_id},
        AUDIT_LOGS: {"record_id": record_id, "event_id": {"S": AUDIT_HEARTBEAT_EVENT_ID}},
    }


def _tables(deps: Deps) -> dict[str, str]:
    """Store name -> table name."""
    return {
        PATIENT_RECORDS: deps.config.patient_table_name,
        AUDIT_LOGS: deps.config.audit_table_name,
    }


def run_schedule(deps: Deps) -> dict[str, Any]:
    """Write this region's heartbeats, then publish HeartbeatAge for every other region."""
    config = deps.config
    now_s = deps.clock()
    now_ms = int(now_s * 1000)
    dynamodb = deps.clients.get("dynamodb")
    s3 = deps.clients.get("s3")
    tables = _tables(deps)
    failed: list[str] = []

    for store, key in _heartbeat_keys(config.region).items():
        try:
            dynamodb.put_item(
                TableName=tables[store],
                Item={
                    **key,
                    "region": {"S": config.region},
                    "written_at_ms": {"N": str(now_ms)},
                },
                # A delayed run (a retry) must not move the heartbeat back in time.
                ConditionExpression="attribute_not_exists(written_at_ms) OR written_at_ms < :now",
                ExpressionAttributeValues={":now": {"N": str(now_ms)}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                failed.append(store)
                log("heartbeat_write_failed", level="ERROR", store=store, **error_fields(exc))
    try:
        s3.put_object(
            Bucket=config.bucket_name,
            Key=canary_object_key(config.region),
            Body=json.dumps({"region": config.region, "written_at_ms": now_ms}).encode(),
            ContentType="application/json",
        )
    except ClientError as exc:
        failed.append(OBJECTS)
        log("heartbeat_write_failed", level="ERROR", store=OBJECTS, **error_fields(exc))

    observations, missing = _heartbeat_ages(deps, now_ms)
    observations += _source_ages(deps, now_ms)
    _publish(deps, observations, at_epoch_s=now_s)
    summary = {"kind": "schedule", "published": len(observations), "missing": missing}
    if failed:
        raise CanaryError(f"could not write heartbeat(s) to {', '.join(failed)}")
    return summary


def _heartbeat_ages(deps: Deps, now_ms: int) -> tuple[list[lag.Observation], list[str]]:
    """HeartbeatAge of every other region's heartbeats as replicated here, and what is missing."""
    config, tables = deps.config, _tables(deps)
    dynamodb, s3 = deps.clients.get("dynamodb"), deps.clients.get("s3")
    observations: list[lag.Observation] = []
    missing: list[str] = []
    for source in config.other_regions:
        written: dict[str, int | None] = {
            store: _read_table_heartbeat(dynamodb, tables[store], key, store, source)
            for store, key in _heartbeat_keys(source).items()
        }
        written[OBJECTS] = _read_object_heartbeat(s3, config.bucket_name, source)
        for store, written_at_ms in written.items():
            if written_at_ms is None:
                missing.append(f"{store}/{source}")
                continue
            observations.append(
                lag.heartbeat_age(
                    store=store,
                    source_region=source,
                    receiving_region=config.region,
                    written_at_ms=written_at_ms,
                    now_ms=now_ms,
                )
            )
    return observations, missing


def _source_ages(deps: Deps, now_ms: int) -> list[lag.Observation]:
    """SourceHeartbeatAge: each other region's canary object read in that region's own bucket.

    Beside HeartbeatAge it tells a stalled replication (fresh at the source, stale here)
    from a stopped source canary (stale at both).
    """
    config = deps.config
    observations = []
    for source in config.other_regions:
        try:
            s3 = deps.clients.peer("s3", source)
        except (ClientError, BotoCoreError) as exc:
            log(
                "heartbeat_read_failed",
                level="ERROR",
                store=OBJECTS,
                source_region=source,
                **error_fields(exc),
            )
            continue
        written_at_ms = _read_object_heartbeat(s3, config.bucket_names[source], source)
        if written_at_ms is not None:
            observations.append(
                lag.source_heartbeat_age(
                    source_region=source,
                    receiving_region=config.region,
                    written_at_ms=written_at_ms,
                    now_ms=now_ms,
                )
            )
    return observations


def _read_table_heartbeat(
    dynamodb: Any, table_name: str, key: Mapping[str, Any], store: str, source: str
) -> int | None:
    try:
        item = dynamodb.get_item(TableName=table_name, Key=key, ConsistentRead=True).get("Item")
        if item is None:
            log("heartbeat_missing", level="WARN", store=store, source_region=source)
            return None
        return lag.parse_epoch_ms((item.get("written_at_ms") or {}).get("N"))
    except (ClientError, lag.NotAnObservation) as exc:
        log(
            "heartbeat_read_failed",
            level="ERROR",
            store=store,
            source_region=source,
            **error_fields(exc),
        )
        return None


def _read_object_heartbeat(s3: Any, bucket_name: str, source: str) -> int | None:
    store = OBJECTS
    try:
        body = s3.get_object(Bucket=bucket_name, Key=canary_object_key(source))["Body"].read()
        region, written_at_ms = lag.parse_canary_body(body)
        if region != source:
            raise lag.NotAnObservation("canary object body and key disagree on the region")
        return written_at_ms
    except (ClientError, BotoCoreError) as exc:
        code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else None
        level, event = (
            ("WARN", "heartbeat_missing")
            if code == "NoSuchKey"
            else ("ERROR", "heartbeat_read_failed")
        )
        log(event, level=level, store=store, source_region=source, **error_fields(exc))
    except lag.NotAnObservation as exc:
        log(
            "heartbeat_read_failed",
            level="ERROR",
            store=store,
            source_region=source,
            reason=str(exc),
        )
    return None


def run_stream(event: Event, deps: Deps) -> dict[str, Any]:
    """Publish ReplicationLag for every other region's heartbeat in a stream batch."""
    config = deps.config
    stores_by_table = {table: store for store, table in _tables(deps).items()}
    observations: list[lag.Observation] = []
    skipped: dict[str, int] = {}
    for record in event.get("Records") or []:
        try:
            observations.append(
                lag.stream_replication_lag(
                    record,
                    stores_by_table=stores_by_table,
                    local_region=config.region,
                    regions=config.regions,
                )
            )
        except lag.NotAnObservation as exc:
            skipped[str(exc)] = skipped.get(str(exc), 0) + 1
    for reason, count in sorted(skipped.items()):
        log("stream_records_skipped", reason=reason, count=count)
    _publish(deps, observations, at_epoch_s=deps.clock())
    return {"kind": "stream", "published": len(observations), "skipped": sum(skipped.values())}


def run_object_created(event: Event, deps: Deps) -> dict[str, Any]:
    """Publish ReplicationLag for another region's canary object arriving in this bucket."""
    config = deps.config
    detail = event.get("detail") or {}
    bucket_name = (detail.get("bucket") or {}).get("name")
    obj = detail.get("object") or {}
    key = str(obj.get("key") or "")
    source = canary_object_region(key)
    reason = None
    if bucket_name != config.bucket_name:
        reason = "event for another bucket"
    elif source is None:
        reason = "not a canary object"
    elif source == config.region:
        reason = "own heartbeat"
    elif source not in config.regions:
        reason = "heartbeat of an unknown region"
    if reason is not None or source is None:
        log("object_event_skipped", reason=reason)
        return {"kind": "object", "published": 0, "skipped": 1}

    request: dict[str, Any] = {"Bucket": config.bucket_name, "Key": key}
    if obj.get("version-id"):
        request["VersionId"] = obj["version-id"]
    body = deps.clients.get("s3").get_object(**request)["Body"].read()
    try:
        observation = lag.object_replication_lag(
            body=body, key_region=source, event_time=event.get("time"), local_region=config.region
        )
    except lag.NotAnObservation as exc:
        log("object_event_skipped", level="WARN", reason=str(exc), source_region=source)
        return {"kind": "object", "published": 0, "skipped": 1}
    _publish(deps, [observation], at_epoch_s=deps.clock())
    return {"kind": "object", "published": 1, "skipped": 0}


def _publish(deps: Deps, observations: list[lag.Observation], *, at_epoch_s: float) -> None:
    if not observations:
        return
    metrics.publish(
        deps.clients.get("cloudwatch"),
        namespace=deps.config.metric_namespace,
        observations=observations,
        at_epoch_s=at_epoch_s,
    )


_RUNNERS = {
    "schedule": lambda event, deps: run_schedule(deps),
    "stream": run_stream,
    "object": run_object_created,
}


def handle(event: Event, deps: Deps) -> dict[str, Any]:
    """Dispatch on the event's shape; an unknown shape is logged and ignored (not retried)."""
    kind = classify(event)
    runner = _RUNNERS.get(kind)
    if runner is None:
        log("event_ignored", level="WARN", kind=kind, region=deps.config.region)
        return {"kind": kind, "published": 0}
    try:
        summary = runner(event, deps)
    except Exception as exc:
        log(
            "canary_failed",
            level="ERROR",
            kind=kind,
            region=deps.config.region,
            **error_fields(exc),
        )
        raise
    log("canary", kind=kind, region=deps.config.region, count=summary["published"])
    return summary


_deps: Deps | None = None


def _container_deps() -> Deps:
    global _deps
    if _deps is None:
        _deps = Deps.from_environ()
    return _deps


def handler(event: Event, context: Any) -> dict[str, Any]:
    """Lambda entry point: drkit_runtime.canary.handler.

    Raising makes Lambda retry (EventBridge's async retries, or the stream's own retries), which
    is what a failed heartbeat write or a failed PutMetricData wants.
    """
    summary = handle(event, _container_deps())
    if summary["kind"] == "stream":
        # Stream invocations answer in the partial-batch shape: nothing here to retry per record.
        return {"batchItemFailures": []}
    return summary
