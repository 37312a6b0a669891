"""What the records API stores and answers, exactly: the items it writes, the bodies it
returns, and the status, message and headers of each refusal (clients and the audit trail
read every field; a renamed key or a changed message is a changed API)."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit_runtime import record_input, records, versions
from drkit_runtime.chain import LANES
from drkit_runtime.deps import Deps
from drkit_runtime.http import HttpError
from tests.runtime.events import ACTOR, http_event
from tests.runtime.support import (
    GOOD_BODY,
    LOCAL,
    FixedClock,
    audit_entries,
    call,
    get,
    put,
    stored,
)

#: 2023-11-14T22:13:20.999Z: a moment whose milliseconds are all nines.
AT_MS = 1_700_000_000_999
SOURCE_IP = "198.51.100.7"  # what tests.runtime.events puts in every request


@pytest.fixture
def at_ms(clock: FixedClock) -> int:
    clock.epoch_s = AT_MS / 1000
    return AT_MS


def test_a_stored_record_is_exactly_its_fields_and_stamps(
    deps: Deps, infra: SimpleNamespace, at_ms: int
) -> None:
    """The item holds the body's fields, the payload as compact JSON text (non-ASCII kept),
    when, where and by which request it was written, its version and the one it replaced."""
    body = {**GOOD_BODY, "payload": {"bp": "120/80", "note": "né à Zürich", "n": [1, 2.5]}}
    version = versions.new_version(at_ms, LOCAL, "req-w")
    assert put(deps, "rec-1", body, request_id="req-w") == (
        200,
        {
            "record_id": "rec-1",
            "updated_at": "2023-11-14T22:13:20.999Z",
            "region": LOCAL,
            "version": version,
            "replaces": "",
        },
    )
    assert stored(infra, "rec-1") == {
        "record_id": {"S": "rec-1"},
        "patient_id": {"S": "p-1"},
        "record_type": {"S": "encounter"},
        "payload": {"S": '{"bp":"120/80","note":"né à Zürich","n":[1,2.5]}'},
        "updated_at": {"S": "2023-11-14T22:13:20.999Z"},
        "updated_at_ms": {"N": str(at_ms)},
        "updated_in_region": {"S": LOCAL},
        "updated_by_request": {"S": "req-w"},
        "version": {"S": version},
        "replaces": {"S": ""},
    }


def test_an_audit_entry_is_exactly_who_what_where_and_when(
    deps: Deps, infra: SimpleNamespace, at_ms: int
) -> None:
    """A write's audit entry: the record, the time-ordered event id, action, outcome, region,
    request, time, the caller's identity and address, and its place in the region's chain
    (lane, sequence number, the digest it follows); nothing else."""
    put(deps, "rec-1", request_id="req-w")
    [entry] = audit_entries(infra, "rec-1")
    lane = entry.pop("chain_lane")
    assert 0 <= int(lane["N"]) < LANES
    assert [entry] == [
        {
            "record_id": {"S": "rec-1"},
            "event_id": {"S": "2023-11-14T22:13:20.999Z#req-w"},
            "action": {"S": "record.write"},
            "outcome": {"S": "written"},
            "region": {"S": LOCAL},
            "request_id": {"S": "req-w"},
            "at_ms": {"N": str(at_ms)},
            "actor": {"S": ACTOR},
            "source_ip": {"S": SOURCE_IP},
            "chain_seq": {"N": "1"},
            "chain_prev": {"S": "0" * 64},
        }
    ]


def test_a_read_answers_exactly_the_record_and_where_it_came_from(
    deps: Deps, infra: SimpleNamespace, at_ms: int
) -> None:
    """GET returns the record's fields, its stamps, its version and the region it was read
    from."""
    put(deps, "rec-1", request_id="req-w")
    assert get(deps, "rec-1", request_id="req-r") == (
        200,
        {
            "record_id": "rec-1",
            "patient_id": "p-1",
            "record_type": "encounter",
            "payload": {"bp": "120/80"},
            "updated_at": "2023-11-14T22:13:20.999Z",
            "updated_in_region": LOCAL,
            "version": versions.new_version(at_ms, LOCAL, "req-w"),
            "read_from": LOCAL,
        },
    )


def test_a_missing_record_answers_exactly_what_was_asked(
    deps: Deps, infra: SimpleNamespace
) -> None:
    """A 404 names the record and every peer that could not be asked."""
    assert get(deps, "nobody") == (
        404,
        {"error": "record not found", "record_id": "nobody", "unreachable_regions": ["us-west-2"]},
    )


def test_a_record_without_stamps_is_read_with_none(deps: Deps, infra: SimpleNamespace) -> None:
    """An item without updated_at and updated_in_region (written before they existed) is
    read, its stamps null."""
    infra.dynamodb.put_item(
        TableName="drkit-patient-records",
        Item={
            "record_id": {"S": "old"},
            "patient_id": {"S": "p-1"},
            "record_type": {"S": "lab"},
            "payload": {"S": "{}"},
        },
    )
    status, body = get(deps, "old")
    assert (status, body["updated_at"], body["updated_in_region"]) == (200, None, None)


def test_a_read_this_region_cannot_make_is_a_storage_error(
    deps: Deps, infra: SimpleNamespace
) -> None:
    """The local replica failing a read answers the storage error, not an internal one."""
    infra.dynamodb.delete_table(TableName="drkit-patient-records")
    assert get(deps, "rec-1") == (500, {"error": "storage error"})


def test_a_malformed_stored_record_is_a_500_saying_so(deps: Deps, infra: SimpleNamespace) -> None:
    """A stored item missing a field is not returned half-read."""
    infra.dynamodb.put_item(
        TableName="drkit-patient-records",
        Item={"record_id": {"S": "rec-1"}, "patient_id": {"S": "p-1"}},
    )
    assert get(deps, "rec-1") == (500, {"error": "stored record is malformed"})


def test_the_request_id_and_address_come_from_the_request_context() -> None:
    """The caller is the request's own id, IAM user and source address; an event without
    them falls back to the Lambda request id and names no one."""
    event = http_event("GET /records/{id}", record_id="r", request_id="req-9")
    assert records.Caller.from_event(event, fallback_request_id="lambda-1") == records.Caller(
        request_id="req-9", actor=ACTOR, source_ip=SOURCE_IP
    )
    assert records.Caller.from_event({}, fallback_request_id="lambda-1") == records.Caller(
        request_id="lambda-1", actor=None, source_ip=None
    )


def test_timestamps_are_utc_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Event ids sort by time only if every container writes UTC, to the millisecond."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert records.iso_timestamp(AT_MS) == "2023-11-14T22:13:20.999Z"
        assert records.iso_timestamp(0) == "1970-01-01T00:00:00.000Z"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


# ----- refusals: status, message, headers ------------------------------------------------
ID_RULE = (
    "record id must be 1-128 characters of A-Z, a-z, 0-9, '_' or '-',"
    " and must not start with '__drkit'"
)


@pytest.mark.parametrize(
    ("event_kwargs", "status", "message"),
    [
        ({"record_id": "has space", "body": GOOD_BODY}, 400, ID_RULE),
        ({"record_id": "r1", "raw_body": ""}, 400, "request body is required"),
        ({"record_id": "r1", "raw_body": "\ud800"}, 400, "request body is not valid UTF-8"),
        ({"record_id": "r1", "raw_body": "[1]"}, 400, "request body must be a JSON object"),
        (
            {"record_id": "r1", "body": {**GOOD_BODY, "b": 1, "a": 2}},
            400,
            "unknown field(s): a, b",
        ),
        (
            {"record_id": "r1", "body": {**GOOD_BODY, "payload": [1]}},
            400,
            "field payload must be a JSON object",
        ),
        (
            {"record_id": "r1", "body": {**GOOD_BODY, "patient_id": "p" * 257}},
            400,
            "field patient_id must be at most 256 characters",
        ),
        (
            {"record_id": "r1", "raw_body": json.dumps(GOOD_BODY)[:-1] + ', "x": NaN}'},
            400,
            "request body is not valid JSON",
        ),
        (
            {"record_id": "r1", "raw_body": "x" * (record_input.MAX_BODY_BYTES + 1)},
            413,
            f"request body exceeds {record_input.MAX_BODY_BYTES} bytes",
        ),
    ],
)
def test_each_refusal_says_exactly_why(
    deps: Deps, event_kwargs: dict[str, Any], status: int, message: str
) -> None:
    """Each refused PUT answers its status and a message naming what is wrong."""
    assert call(deps, http_event("PUT /records/{id}", **event_kwargs)) == (
        status,
        {"error": message},
    )


def test_a_body_that_is_not_text_is_refused() -> None:
    """API Gateway delivers bodies as text; anything else is refused, not guessed at."""
    with pytest.raises(HttpError) as refused:
        record_input.read_body({"body": b"{}"})
    assert (refused.value.status, refused.value.message) == (400, "request body must be text")


def test_text_fields_may_be_256_characters() -> None:
    """256 characters is the longest patient_id and record_type taken."""
    raw = json.dumps({**GOOD_BODY, "patient_id": "p" * 256, "record_type": "t" * 256}).encode()
    assert record_input.parse_record(raw).patient_id == "p" * 256


def _client_error(code: str, reasons: list[str] | None = None) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": "m"}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": r} for r in reasons]
    return ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]


CONFLICT = (409, "a conflicting write happened at the same time; retry", {})
BUSY = (503, "storage is busy; retry", {"retry-after": "1"})
BROKEN = (500, "storage error", {})


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            _client_error("TransactionCanceledException", ["None", "ConditionalCheckFailed"]),
            CONFLICT,
        ),
        (_client_error("TransactionCanceledException", ["TransactionConflict", "None"]), CONFLICT),
        (_client_error("TransactionCanceledException", ["ThrottlingError", "None"]), BUSY),
        (_client_error("TransactionCanceledException", ["ProvisionedThroughputExceeded"]), BUSY),
        (_client_error("TransactionCanceledException", ["ValidationError", "None"]), BROKEN),
        (_client_error("TransactionCanceledException"), BROKEN),
        (_client_error("ConditionalCheckFailedException"), CONFLICT),
        (_client_error("ProvisionedThroughputExceededException"), BUSY),
        (_client_error("ThrottlingException"), BUSY),
        (_client_error("RequestLimitExceeded"), BUSY),
        (_client_error("InternalServerError"), BUSY),
        (_client_error("ServiceUnavailable"), BUSY),
        (_client_error("ResourceNotFoundException"), BROKEN),
        (ClientError({}, "PutItem"), BROKEN),  # type: ignore[arg-type]
    ],
)
def test_each_storage_error_becomes_its_answer(
    error: ClientError, expected: tuple[int, str, dict[str, str]]
) -> None:
    """Conflicts are 409, throttling 503 with retry-after, anything else a bare 500."""
    answer = records._storage_error(error)
    assert (answer.status, answer.message, answer.headers) == expected
