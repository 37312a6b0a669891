"""The records API: validated writes and reads of patient records, each one audited.

A write and its audit entry go in one DynamoDB transaction, so no record changes without a
trace. A read is returned only after its audit entry is stored (HIPAA treats read access as
auditable); if the audit write fails the caller gets an error and no data. Every entry is
appended to its region's chain in that same transaction (``drkit_runtime.chain``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from drkit_runtime import chain, versions
from drkit_runtime.contract import RESERVED_PREFIX
from drkit_runtime.deps import Deps
from drkit_runtime.http import HttpError
from drkit_runtime.logs import error_fields, log
from drkit_runtime.record_input import RecordInput

RECORD_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")

_THROTTLED = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)


def is_valid_record_id(value: object) -> bool:
    """Whether `value` may name a record: RECORD_ID_PATTERN, not in drkit's reserved range.

    The reserved prefix is refused in any letter case, so no id can even look like one of
    drkit's own health and heartbeat keys.
    """
    return (
        isinstance(value, str)
        and RECORD_ID_PATTERN.fullmatch(value) is not None
        and not value.lower().startswith(RESERVED_PREFIX)
    )


def require_record_id(value: object) -> str:
    """The record id, or a 400 that says what an id may be."""
    if not is_valid_record_id(value):
        raise HttpError(
            400,
            "record id must be 1-128 characters of A-Z, a-z, 0-9, '_' or '-',"
            f" and must not start with {RESERVED_PREFIX!r}",
        )
    return str(value)


@dataclass(frozen=True, kw_only=True)
class Caller:
    """Who is asking, as the audit trail records it.

    Attributes:
        request_id: API Gateway's request id (or Lambda's when invoked directly).
        actor: IAM user/role ARN from the IAM authorizer; None when the route has none.
        source_ip: Client address as API Gateway saw it; None when absent.
    """

    request_id: str
    actor: str | None = None
    source_ip: str | None = None

    @classmethod
    def from_event(cls, event: Mapping[str, Any], *, fallback_request_id: str) -> Caller:
        context = event.get("requestContext") or {}
        iam = (context.get("authorizer") or {}).get("iam") or {}
        return cls(
            request_id=str(context.get("requestId") or fallback_request_id),
            actor=iam.get("userArn") or None,
            source_ip=(context.get("http") or {}).get("sourceIp") or None,
        )


def iso_timestamp(epoch_ms: int) -> str:
    """Fixed-width UTC ISO-8601 with milliseconds, so audit event ids sort by time."""
    moment = datetime.fromtimestamp(epoch_ms // 1000, tz=UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{epoch_ms % 1000:03d}Z"


def audit_item(
    *,
    record_id: str,
    action: str,
    outcome: str,
    caller: Caller,
    region: str,
    now_ms: int,
) -> dict[str, Any]:
    """The audit entry for one access, in DynamoDB's typed form. It never holds record data."""
    item: dict[str, Any] = {
        "record_id": {"S": record_id},
        "event_id": {"S": f"{iso_timestamp(now_ms)}#{caller.request_id}"},
        "action": {"S": action},
        "outcome": {"S": outcome},
        "region": {"S": region},
        "request_id": {"S": caller.request_id},
        "at_ms": {"N": str(now_ms)},
    }
    if caller.actor:
        item["actor"] = {"S": caller.actor}
    if caller.source_ip:
        item["source_ip"] = {"S": caller.source_ip}
    return item


def put_record(
    deps: Deps,
    *,
    record_id: str,
    record: RecordInput,
    caller: Caller,
    if_match: str | None = None,
) -> dict[str, Any]:
    """Store a new version of the record, its copy and its audit entry atomically; returns
    the response body. The version replaced is the local one, which ``if_match`` (the
    client's ``If-Match``) must be when given: else 409 naming the current one."""
    config = deps.config
    now_ms = deps.now_ms()
    updated_at = iso_timestamp(now_ms)
    try:
        current = versions.version_of(_local_item(deps, record_id))
    except ClientError as exc:
        raise _storage_error(exc) from exc
    if if_match is not None and if_match.strip('"') != current:
        raise HttpError(
            409, "the record is not at that version", details={"current_version": current}
        )
    version = versions.new_version(now_ms, config.region, caller.request_id)
    item = {
        "record_id": {"S": record_id},
        "patient_id": {"S": record.patient_id},
        "record_type": {"S": record.record_type},
        # Kept as JSON text: a DynamoDB map would turn numbers into Decimals, refuse floats and
        # nesting past 32 levels; text gives back exactly what was stored.
        "payload": {"S": json.dumps(record.payload, separators=(",", ":"), ensure_ascii=False)},
        "updated_at": {"S": updated_at},
        "updated_at_ms": {"N": str(now_ms)},
        "updated_in_region": {"S": config.region},
        "updated_by_request": {"S": caller.request_id},
        "version": {"S": version},
        "replaces": {"S": current},
    }
    audit = audit_item(
        record_id=record_id,
        action="record.write",
        outcome="written",
        caller=caller,
        region=config.region,
        now_ms=now_ms,
    )
    condition, values = versions.record_condition(current)
    record_put = {
        "Put": {
            "TableName": config.patient_table_name,
            "Item": item,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": versions.VERSION_NAME,
            "ExpressionAttributeValues": {":now": {"N": str(now_ms)}, **values},
        }
    }
    history = versions.history_put(config.patient_table_name, item)
    _append_audit(deps, audit, others=[record_put, history])
    return {
        "record_id": record_id,
        "updated_at": updated_at,
        "region": config.region,
        "version": version,
        "replaces": current,
    }


def get_record(
    deps: Deps, *, record_id: str, caller: Caller, version: str | None = None
) -> tuple[int, dict[str, Any]]:
    """Read the record (or, given ``version``, that version of it), audit the read, then
    return status and body (404 when absent).

    A record written in another region a moment ago may not have replicated here yet: when
    the local replica has none, each peer's replica is asked (consistent read, through its
    interface endpoint) and the answer says where it came from. A peer that does not answer
    is named in the 404, since the record may exist there. A record whose last concurrent
    write is unresolved says so (``conflict``: both versions and their regions).
    """
    config = deps.config
    key = record_id if version is None else versions.history_key(record_id, version)
    try:
        found = _local_item(deps, key)
        conflict = None
        if found is not None and version is None:
            marker = _local_item(deps, versions.conflict_key(record_id))
            conflict = versions.conflict_body(marker, versions.version_of(found))
    except ClientError as exc:
        raise _storage_error(exc) from exc
    source, unreachable = config.region, []
    if found is None and version is None:
        found, source, unreachable = _peer_item(deps, record_id)
    outcome = "not_found" if found is None else "found" if version is None else "found_version"
    if found is not None and source != config.region:
        outcome = f"found_in_peer:{source}"
    _append_audit(
        deps,
        audit_item(
            record_id=record_id,
            action="record.read",
            outcome=outcome,
            caller=caller,
            region=config.region,
            now_ms=deps.now_ms(),
        ),
    )
    if found is None:
        body: dict[str, Any] = {"error": "record not found", "record_id": record_id}
        if unreachable:
            body["unreachable_regions"] = unreachable
        return 404, body
    body = {**_record_body(found), "record_id": record_id, "read_from": source}
    return 200, {**body, "conflict": conflict} if conflict else body


def _append_audit(
    deps: Deps, entry: Mapping[str, Any], *, others: list[dict[str, Any]] | None = None
) -> None:
    """The entry (and the access it records) in one transaction, chained in this region."""
    try:
        chain.append(
            deps.clients.get("dynamodb"),
            table=deps.config.audit_table_name,
            region=deps.config.region,
            entry=entry,
            others=others or [],
        )
    except ClientError as exc:
        raise _storage_error(exc) from exc
    except chain.ChainBusy:
        log("audit_chain_busy", level="WARNING", region=deps.config.region)
        raise HttpError(503, "storage is busy; retry", headers={"retry-after": "1"}) from None


def _local_item(deps: Deps, record_id: str) -> Mapping[str, Any] | None:
    return (
        deps.clients.get("dynamodb")
        .get_item(
            TableName=deps.config.patient_table_name,
            Key={"record_id": {"S": record_id}},
            ConsistentRead=True,
        )
        .get("Item")
    )


def _peer_item(deps: Deps, record_id: str) -> tuple[Mapping[str, Any] | None, str, list[str]]:
    """The first peer replica that has the record, its region, and the peers that failed."""
    unreachable = []
    for region in deps.config.other_regions:
        try:
            item = (
                deps.clients.peer("dynamodb", region)
                .get_item(
                    TableName=deps.config.patient_table_name,
                    Key={"record_id": {"S": record_id}},
                    ConsistentRead=True,
                )
                .get("Item")
            )
        except (ClientError, BotoCoreError) as exc:
            log("peer_read_failed", level="WARNING", source_region=region, **error_fields(exc))
            unreachable.append(region)
            continue
        if item is not None:
            return item, region, unreachable
    return None, deps.config.region, unreachable


def _record_body(item: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return {
            "record_id": item["record_id"]["S"],
            "patient_id": item["patient_id"]["S"],
            "record_type": item["record_type"]["S"],
            "payload": json.loads(item["payload"]["S"]),
            "updated_at": item.get("updated_at", {}).get("S"),
            "updated_in_region": item.get("updated_in_region", {}).get("S"),
            "version": versions.version_of(item) or None,
        }
    except (KeyError, TypeError, ValueError):
        raise HttpError(500, "stored record is malformed") from None


def _storage_error(exc: ClientError) -> HttpError:
    error = exc.response.get("Error", {})
    code = error.get("Code", "")
    if code == "TransactionCanceledException":
        reasons = {r.get("Code") for r in exc.response.get("CancellationReasons") or []}
        if reasons & {"ConditionalCheckFailed", "TransactionConflict"}:
            return HttpError(409, "a conflicting write happened at the same time; retry")
        if reasons & {"ThrottlingError", "ProvisionedThroughputExceeded"}:
            return HttpError(503, "storage is busy; retry", headers={"retry-after": "1"})
    if code == "ConditionalCheckFailedException":
        return HttpError(409, "a conflicting write happened at the same time; retry")
    if code in _THROTTLED:
        return HttpError(503, "storage is busy; retry", headers={"retry-after": "1"})
    return HttpError(500, "storage error")
