"""Versions of a patient record, and the concurrent writes global tables settle silently.

Every write gives the record a new ``version`` and names the one it ``replaces`` (the local
replica's, or the client's ``If-Match``), and keeps a copy of itself under
``contract.VERSION_PREFIX + record#version``, written only once: no accepted version is lost.

Global tables settle two writes of one item made in two regions within the replication delay
by last writer wins: the region whose write lost sees, on its stream, a replicated write that
replaced a version it was not based on (``detect``). There the records function records the
conflict: a marker beside the record (``contract.CONFLICT_PREFIX + record``, which GET reads)
and an audit entry naming both versions and both regions, in one transaction, chained like
every entry; then it publishes ``WriteConflicts``. The entry and the marker replicate, so every
region's trail holds the conflict. docs/architecture.md, "Concurrent writes".
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from drkit_runtime import chain
from drkit_runtime.contract import (
    AUDIT_NAMESPACE,
    CONFLICT_PREFIX,
    RESERVED_PREFIX,
    VERSION_PREFIX,
    WRITE_CONFLICTS,
)


def new_version(now_ms: int, region: str, request_id: str) -> str:
    """A version id that sorts by time and names where it was written."""
    return f"{now_ms:013d}-{region}-{hashlib.sha256(request_id.encode()).hexdigest()[:12]}"


def history_key(record_id: str, version: str) -> str:
    return f"{VERSION_PREFIX}{record_id}#{version}"


def conflict_key(record_id: str) -> str:
    return f"{CONFLICT_PREFIX}{record_id}"


def version_of(item: Mapping[str, Any] | None) -> str:
    """An item's version; "" for none (no item, or one written before versions)."""
    return str(((item or {}).get("version") or {}).get("S") or "")


#: "version" is one of DynamoDB's reserved words: expressions name it through this.
VERSION_NAME = {"#version": "version"}


def record_condition(current: str) -> tuple[str, dict[str, Any]]:
    """The condition of a record write based on ``current`` (an earlier-stamped write never
    replaces a newer one, and nobody else wrote since ``current`` was read), and its values;
    its names are ``VERSION_NAME``."""
    newer = (
        "(attribute_not_exists(record_id) OR attribute_not_exists(updated_at_ms)"
        " OR updated_at_ms <= :now)"
    )
    if not current:
        return f"{newer} AND attribute_not_exists(#version)", {}
    return f"{newer} AND #version = :current", {":current": {"S": current}}


def history_put(table: str, item: Mapping[str, Any]) -> dict[str, Any]:
    """The once-only copy of a version (same table, same key: encrypted like the record)."""
    record_id, version = item["record_id"]["S"], item["version"]["S"]
    return {
        "Put": {
            "TableName": table,
            "Item": {**item, "record_id": {"S": history_key(record_id, version)}},
            "ConditionExpression": "attribute_not_exists(record_id)",
        }
    }


@dataclass(frozen=True, kw_only=True)
class Conflict:
    """A replicated write that replaced a version it was not based on.

    Attributes:
        record_id: The record.
        replaced: The version this region held, which the replicated write replaced.
        replaced_region: Where that version was written.
        kept: The replicated version, the one every region now holds.
        kept_region: Where it was written.
        based_on: The version it was based on ("" for none).
        event_id: The stream record's id (an entry per stream record, however often
            delivered).
        at_ms: When the stream saw it.
    """

    record_id: str
    replaced: str
    replaced_region: str
    kept: str
    kept_region: str
    based_on: str
    event_id: str
    at_ms: int


def detect(record: Mapping[str, Any], region: str) -> Conflict | None:
    """The conflict one stream record of this region's patient replica shows, if any."""
    if record.get("eventName") != "MODIFY":
        return None
    change = record.get("dynamodb") or {}
    new, old = change.get("NewImage") or {}, change.get("OldImage") or {}
    record_id = str((new.get("record_id") or {}).get("S") or "")
    kept_region = str((new.get("updated_in_region") or {}).get("S") or "")
    if record_id.startswith(RESERVED_PREFIX) or kept_region in ("", region):
        return None
    replaced, kept = version_of(old), version_of(new)
    based_on = str((new.get("replaces") or {}).get("S") or "")
    if replaced in (based_on, kept):
        return None
    return Conflict(
        record_id=record_id,
        replaced=replaced,
        replaced_region=str((old.get("updated_in_region") or {}).get("S") or ""),
        kept=kept,
        kept_region=kept_region,
        based_on=based_on,
        event_id=str(record.get("eventID") or ""),
        at_ms=int(float(change.get("ApproximateCreationDateTime") or 0) * 1000),
    )


def conflict_items(
    conflict: Conflict, *, region: str, entry: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The audit entry (``entry`` with both versions and regions) and the marker's item."""
    versions = {"L": [{"S": conflict.replaced}, {"S": conflict.kept}]}
    regions = {"L": [{"S": conflict.replaced_region}, {"S": conflict.kept_region}]}
    marker = {
        "record_id": {"S": conflict_key(conflict.record_id)},
        "versions": versions,
        "regions": regions,
        "detected_in": {"S": region},
        "detected_at_ms": {"N": str(conflict.at_ms)},
    }
    return {**entry, "versions": versions, "regions": regions}, marker


def record_conflict(
    dynamodb: Any,
    *,
    patient_table: str,
    audit_table: str,
    region: str,
    conflict: Conflict,
    entry: Mapping[str, Any],
) -> bool:
    """The marker and the chained entry, in one transaction; False when this stream record's
    entry is already there (a delivery retried)."""
    audited, marker = conflict_items(conflict, region=region, entry=entry)
    put_marker = {"Put": {"TableName": patient_table, "Item": marker}}
    try:
        chain.append(dynamodb, table=audit_table, region=region, entry=audited, others=[put_marker])
    except ClientError as exc:
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons") or []]
        if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
            return False  # the entry (index 1, after the marker) exists: recorded before
        raise
    return True


def publish(cloudwatch: Any, *, region: str, count: int, at_s: float) -> None:
    cloudwatch.put_metric_data(
        Namespace=AUDIT_NAMESPACE,
        MetricData=[
            {
                "MetricName": WRITE_CONFLICTS,
                "Dimensions": [{"Name": "Region", "Value": region}],
                "Timestamp": datetime.fromtimestamp(at_s, tz=UTC),
                "Value": count,
                "Unit": "Count",
            }
        ],
    )


def conflict_body(
    marker: Mapping[str, Any] | None, current: str
) -> dict[str, Sequence[str] | str] | None:
    """What GET says of a conflict: unresolved while the record is still one of the two
    versions (a write based on it resolves it)."""
    if not marker:
        return None
    versions = [v["S"] for v in marker["versions"]["L"]]
    if current not in versions:
        return None
    return {
        "versions": versions,
        "regions": [r["S"] for r in marker["regions"]["L"]],
        "detected_in": marker["detected_in"]["S"],
    }
