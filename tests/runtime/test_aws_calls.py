"""The parameters of the runtime's calls that moto does not act on, read from the calls.

moto serves a GetItem the same with or without ``ConsistentRead``, so only the recorded call
shows a read that could return a replica's stale item; and a conditional write is only as
safe as its exact condition. Each test drives one handler path and asserts on what it asked
AWS for (tests/runtime/recorder.py).
"""

from __future__ import annotations

from types import SimpleNamespace

import boto3

from drkit_runtime import canary, health_api
from drkit_runtime.deps import Deps
from tests.runtime.events import http_event, scheduled_event
from tests.runtime.recorder import CallRecorder
from tests.runtime.support import (
    AUDIT_TABLE,
    LOCAL,
    OTHER,
    PATIENT_TABLE,
    FixedClock,
    create_patient_table,
    get,
    put,
)

#: A record is written only over an older version of itself (or none), and only if nobody
#: wrote it since it was read (a new record: it still has no version).
NEWER_THAN_STORED = (
    "(attribute_not_exists(record_id) OR attribute_not_exists(updated_at_ms)"
    " OR updated_at_ms <= :now) AND attribute_not_exists(#version)"
)
#: An audit entry is never overwritten.
APPEND_ONLY = "attribute_not_exists(event_id)"


def _reads(aws_calls: CallRecorder, function: str, table: str, region: str) -> list[dict]:
    return [
        dict(c.params)
        for c in aws_calls.of("GetItem", TableName=table)
        if c.function == function and c.region == region
    ]


def test_a_record_read_here_is_consistent(
    deps: Deps, infra: SimpleNamespace, aws_calls: CallRecorder
) -> None:
    """GET /records reads this region's replica with ConsistentRead: a write acknowledged here
    a moment ago is never answered as missing or old."""
    put(deps, "rec-1", request_id="req-write")
    aws_calls.clear()
    assert get(deps, "rec-1", request_id="req-read")[0] == 200
    reads = _reads(aws_calls, "api", PATIENT_TABLE, deps.config.region)
    assert reads and all(r.get("ConsistentRead") is True for r in reads)


def test_a_record_read_from_the_peer_is_consistent(
    deps: Deps, infra: SimpleNamespace, aws_calls: CallRecorder
) -> None:
    """A record missing here is read from the peer's replica with ConsistentRead too."""
    create_patient_table(boto3.client("dynamodb", region_name=OTHER))
    get(deps, "nobody")
    reads = _reads(aws_calls, "api", PATIENT_TABLE, OTHER)
    assert reads and all(r.get("ConsistentRead") is True for r in reads)


def test_the_health_table_read_is_consistent(deps: Deps, aws_calls: CallRecorder) -> None:
    """/health's table read is consistent, so it proves the replica answers reads that count;
    it reads this region's health item, and only its key."""
    health_api.handle(http_event("GET /health"), deps)
    assert _reads(aws_calls, "health", PATIENT_TABLE, deps.config.region) == [
        {
            "TableName": PATIENT_TABLE,
            "Key": {"record_id": {"S": f"__drkit_health__#{deps.config.region}"}},
            "ConsistentRead": True,
            "ProjectionExpression": "record_id",
        }
    ]


def test_the_canary_reads_heartbeats_consistently(
    deps: Deps, infra: SimpleNamespace, aws_calls: CallRecorder
) -> None:
    """The canary reads both tables' heartbeats consistently: an eventually consistent read
    could report an older heartbeat, an age (and an alarm) that is not real."""
    canary.handle(scheduled_event(), deps)
    for table in (PATIENT_TABLE, AUDIT_TABLE):
        reads = _reads(aws_calls, "canary", table, deps.config.region)
        assert reads and all(r.get("ConsistentRead") is True for r in reads), table


def test_the_drain_switch_is_read_decrypted(deps: Deps, aws_calls: CallRecorder) -> None:
    """The drain switch is a SecureString: read with WithDecryption, or it never reads
    'drained'."""
    health_api.handle(http_event("GET /health"), deps)
    (read,) = aws_calls.of("GetParameter")
    assert read.params == {"Name": deps.config.drain_parameter_name, "WithDecryption": True}


def test_the_peer_endpoints_are_read_decrypted(
    deps: Deps, infra: SimpleNamespace, aws_calls: CallRecorder
) -> None:
    """The peers' endpoints are a SecureString too: a record missing here makes one decrypted
    read of them before the peer's replica is asked."""
    create_patient_table(boto3.client("dynamodb", region_name=OTHER))
    get(deps, "nobody")
    (read,) = aws_calls.of("GetParameter")
    assert read.function == "api"
    assert read.params == {
        "Name": deps.config.peer_endpoints_parameter_name,
        "WithDecryption": True,
    }


def test_a_record_write_is_one_transaction_of_the_record_and_its_audit_entry(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock, aws_calls: CallRecorder
) -> None:
    """PUT /records is one TransactWriteItems of Puts: the record, only over an older
    version (stamped with the request's time), the version's copy, only if new, then its
    audit entry, only if new, then the entry's link and the region's new chain head
    (drkit_runtime.chain)."""
    put(deps, "rec-1")
    (call,) = aws_calls.of("TransactWriteItems")
    assert [list(item) for item in call.params["TransactItems"]] == [["Put"]] * 5
    record, copy, audit, link, head = (item["Put"] for item in call.params["TransactItems"])
    version = record["Item"]["version"]["S"]
    assert copy["Item"]["record_id"] == {"S": f"__drkit_version__#rec-1#{version}"}
    assert copy["ConditionExpression"] == "attribute_not_exists(record_id)"
    assert {link["TableName"], head["TableName"]} == {AUDIT_TABLE}
    lane = link["Item"]["record_id"]["S"].removeprefix(f"__drkit_chain__#{LOCAL}#")
    assert head["Item"]["record_id"] == link["Item"]["record_id"] and 0 <= int(lane) < 64
    now = str(int(clock() * 1000))
    assert (record["TableName"], record["ConditionExpression"]) == (
        PATIENT_TABLE,
        NEWER_THAN_STORED,
    )
    assert record["ExpressionAttributeValues"] == {":now": {"N": now}}
    assert record["Item"]["updated_at_ms"] == {"N": now}
    assert record["Item"]["record_id"] == {"S": "rec-1"}
    assert (audit["TableName"], audit["ConditionExpression"]) == (AUDIT_TABLE, APPEND_ONLY)
    assert audit["Item"]["record_id"] == {"S": "rec-1"}
    assert audit["Item"]["action"] == {"S": "record.write"}
    assert aws_calls.of("PutItem") == []  # nothing written outside the transaction


def test_a_read_is_audited_append_only(
    deps: Deps, infra: SimpleNamespace, aws_calls: CallRecorder
) -> None:
    """The audit entry of a read is a Put that never overwrites an entry, chained in the same
    transaction."""
    get(deps, "nobody")
    (call,) = aws_calls.of("TransactWriteItems")
    audit = call.params["TransactItems"][0]["Put"]
    assert (audit["TableName"], audit["ConditionExpression"]) == (AUDIT_TABLE, APPEND_ONLY)
    assert audit["Item"]["action"] == {"S": "record.read"}
    assert aws_calls.of("PutItem") == []


def test_the_health_heartbeat_never_goes_back_in_time(
    deps: Deps, clock: FixedClock, aws_calls: CallRecorder
) -> None:
    """/health's write replaces its item only with a newer one: strictly older than now."""
    health_api.handle(http_event("GET /health"), deps)
    (write,) = aws_calls.of("PutItem", TableName=PATIENT_TABLE)
    assert write.params["ConditionExpression"] == (
        "attribute_not_exists(record_id) OR written_at_ms < :now"
    )
    now = str(int(clock() * 1000))
    assert write.params["ExpressionAttributeValues"] == {":now": {"N": now}}
    assert write.params["Item"]["written_at_ms"] == {"N": now}


def test_the_health_audit_entry_never_goes_back_in_time(
    deps: Deps, clock: FixedClock, aws_calls: CallRecorder
) -> None:
    """/health's audit append rewrites its one entry only with a newer one, under drkit's own
    key and the fixed event id (one item per region, never a growing trail)."""
    health_api.handle(http_event("GET /health"), deps)
    (write,) = aws_calls.of("PutItem", TableName=AUDIT_TABLE)
    assert write.function == "health"
    assert write.params["ConditionExpression"] == (
        "attribute_not_exists(record_id) OR at_ms < :now"
    )
    now = str(int(clock() * 1000))
    assert write.params["ExpressionAttributeValues"] == {":now": {"N": now}}
    assert write.params["Item"]["record_id"] == {"S": f"__drkit_health__#{deps.config.region}"}
    assert write.params["Item"]["event_id"] == {"S": "health"}
    assert write.params["Item"]["at_ms"] == {"N": now}


def test_the_canary_heartbeats_never_go_back_in_time(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock, aws_calls: CallRecorder
) -> None:
    """Each table's heartbeat write replaces only an older heartbeat, stamped with the run's
    time."""
    canary.handle(scheduled_event(), deps)
    now = str(int(clock() * 1000))
    writes = aws_calls.of("PutItem")
    assert sorted(w.params["TableName"] for w in writes) == sorted((PATIENT_TABLE, AUDIT_TABLE))
    for write in writes:
        assert write.params["ConditionExpression"] == (
            "attribute_not_exists(written_at_ms) OR written_at_ms < :now"
        )
        assert write.params["ExpressionAttributeValues"] == {":now": {"N": now}}
        assert write.params["Item"]["written_at_ms"] == {"N": now}
