"""Replication lag arithmetic, kept pure: every function takes its clock readings as arguments.

Two metrics come out of it:
- ReplicationLag: when a heartbeat written in another region landed here, minus when it was
  written there (from the DynamoDB stream or the S3 "Object Created" event).
- HeartbeatAge: now minus when the newest heartbeat of another region visible here was written;
  an upper bound on lag that also includes up to one canary period, and that keeps growing
  when replication stops (when no new arrival would produce a ReplicationLag point at all).
Clocks of different regions can disagree a little, so a negative difference is clamped to 0.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from drkit_runtime.contract import (
    HEARTBEAT_AGE,
    METRIC_DIMENSIONS,
    OBJECTS,
    REPLICATION_LAG,
    SOURCE_HEARTBEAT_AGE,
)
from drkit_runtime.keys import heartbeat_region


class NotAnObservation(ValueError):
    """The input carries no lag to measure (own region, not a heartbeat, malformed...)."""


@dataclass(frozen=True, kw_only=True)
class Observation:
    """One metric data point, with exactly the dimensions the stack's alarms use.

    Attributes:
        metric: REPLICATION_LAG or HEARTBEAT_AGE.
        store: "patient_records", "audit_logs" or "objects".
        source_region: Region that wrote the heartbeat.
        receiving_region: Region that observed it (where this code runs).
        seconds: The value; never negative.
    """

    metric: str
    store: str
    source_region: str
    receiving_region: str
    seconds: float

    def dimensions(self) -> list[dict[str, str]]:
        return [
            {"Name": name, "Value": value}
            for name, value in zip(
                METRIC_DIMENSIONS,
                (self.store, self.source_region, self.receiving_region),
                strict=True,
            )
        ]


def lag_seconds(*, written_at_ms: int, observed_at_ms: int) -> float:
    """Seconds from writing to observing, clamped at 0 against clock skew."""
    return max(0, observed_at_ms - written_at_ms) / 1000


def heartbeat_age(
    *, store: str, source_region: str, receiving_region: str, written_at_ms: int, now_ms: int
) -> Observation:
    """HeartbeatAge of the newest heartbeat from `source_region` visible here at `now_ms`."""
    return Observation(
        metric=HEARTBEAT_AGE,
        store=store,
        source_region=source_region,
        receiving_region=receiving_region,
        seconds=lag_seconds(written_at_ms=written_at_ms, observed_at_ms=now_ms),
    )


def source_heartbeat_age(
    *, source_region: str, receiving_region: str, written_at_ms: int, now_ms: int
) -> Observation:
    """SourceHeartbeatAge of the source region's canary object, read in its own bucket."""
    return Observation(
        metric=SOURCE_HEARTBEAT_AGE,
        store=OBJECTS,
        source_region=source_region,
        receiving_region=receiving_region,
        seconds=lag_seconds(written_at_ms=written_at_ms, observed_at_ms=now_ms),
    )


def parse_epoch_ms(value: object) -> int:
    """An epoch-milliseconds value from a DynamoDB number string, JSON number or int."""
    if isinstance(value, bool):
        raise NotAnObservation("written_at_ms is not a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise NotAnObservation("written_at_ms is not a number") from None
    if not number.is_finite() or number < 0:
        raise NotAnObservation("written_at_ms is not a finite, non-negative number")
    return int(number)


def parse_event_time(value: object) -> int:
    """Epoch milliseconds of an EventBridge `time` (ISO-8601; UTC when it has no offset)."""
    if not isinstance(value, str):
        raise NotAnObservation("event time is missing")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise NotAnObservation("event time is not ISO-8601") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def table_name_from_arn(arn: str) -> str:
    """Table name in a DynamoDB table or stream ARN (…:table/NAME/stream/LABEL)."""
    _, _, resource = arn.partition(":table/")
    name = resource.split("/", 1)[0]
    if not name:
        raise NotAnObservation("eventSourceARN names no table")
    return name


def stream_replication_lag(
    record: Mapping[str, Any],
    *,
    stores_by_table: Mapping[str, str],
    local_region: str,
    regions: Collection[str],
) -> Observation:
    """ReplicationLag of one DynamoDB stream record of another region's heartbeat.

    The stream of this region's replica shows a replicated write when it lands here, so its
    ApproximateCreationDateTime (epoch seconds, rounded down to the second) is the arrival.
    """
    if record.get("eventName") not in ("INSERT", "MODIFY"):
        raise NotAnObservation("not an insert or modify")
    store = stores_by_table.get(table_name_from_arn(str(record.get("eventSourceARN", ""))))
    if store is None:
        raise NotAnObservation("stream of an unknown table")
    dynamodb = record.get("dynamodb") or {}
    image = dynamodb.get("NewImage") or {}
    key_region = heartbeat_region(str((image.get("record_id") or {}).get("S", "")))
    source_region = (image.get("region") or {}).get("S")
    if key_region is None or key_region != source_region:
        raise NotAnObservation("not a heartbeat")
    if source_region == local_region:
        raise NotAnObservation("own heartbeat")
    if source_region not in regions:
        raise NotAnObservation("heartbeat of an unknown region")
    written_at_ms = parse_epoch_ms((image.get("written_at_ms") or {}).get("N"))
    arrived = dynamodb.get("ApproximateCreationDateTime")
    if arrived is None:
        raise NotAnObservation("no ApproximateCreationDateTime")
    try:
        arrived_at_ms = round(Decimal(str(arrived)) * 1000)
    except (InvalidOperation, ValueError, OverflowError):
        raise NotAnObservation("ApproximateCreationDateTime is not a number") from None
    return Observation(
        metric=REPLICATION_LAG,
        store=store,
        source_region=source_region,
        receiving_region=local_region,
        seconds=lag_seconds(written_at_ms=written_at_ms, observed_at_ms=arrived_at_ms),
    )


def parse_canary_body(body: bytes) -> tuple[str, int]:
    """(region, written_at_ms) from a canary object's JSON body."""
    try:
        data = json.loads(body)
    except ValueError:
        raise NotAnObservation("canary object is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("region"), str):
        raise NotAnObservation("canary object has no region")
    return data["region"], parse_epoch_ms(data.get("written_at_ms"))


def object_replication_lag(
    *, body: bytes, key_region: str, event_time: object, local_region: str
) -> Observation:
    """ReplicationLag of a canary object replica, from its content and its event's time.

    S3 replicas keep the source's Last-Modified, so the "Object Created" event time in this
    region is the moment the replica arrived (to the second, as EventBridge reports it).
    """
    region, written_at_ms = parse_canary_body(body)
    if region != key_region:
        raise NotAnObservation("canary object body and key disagree on the region")
    return Observation(
        metric=REPLICATION_LAG,
        store=OBJECTS,
        source_region=region,
        receiving_region=local_region,
        seconds=lag_seconds(
            written_at_ms=written_at_ms, observed_at_ms=parse_event_time(event_time)
        ),
    )
