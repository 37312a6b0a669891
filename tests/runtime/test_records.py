"""The records API: input validation, a transactional audit on every write, audited reads,
and logs that never carry record data."""

from __future__ import annotations

import base64
import itertools
import json
import re
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moto import mock_aws

from drkit_runtime import api, records
from drkit_runtime.aws import Clients
from drkit_runtime.config import Config
from drkit_runtime.deps import Deps
from drkit_runtime.http import HttpError
from tests.runtime.events import ACTOR, http_event
from tests.runtime.support import (
    AUDIT_TABLE,
    ENV,
    LOCAL,
    OTHER,
    PATIENT_TABLE,
    FixedClock,
    create_audit_table,
    create_patient_table,
)
from tests.strategies.runtime import (
    ids_with_a_foreign_character,
    json_objects,
    reserved_record_ids,
    too_long_record_ids,
    valid_record_ids,
)

GOOD_BODY = {"patient_id": "p-1", "record_type": "encounter", "payload": {"bp": "120/80"}}


def call(deps: Deps, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = api.handle(event, deps)
    assert response["headers"]["content-type"] == "application/json"
    return response["statusCode"], json.loads(response["body"])


def put(deps: Deps, record_id: str, body: Any = GOOD_BODY, **kw: Any) -> tuple[int, dict[str, Any]]:
    return call(deps, http_event("PUT /records/{id}", record_id=record_id, body=body, **kw))


def get(deps: Deps, record_id: str, **kw: Any) -> tuple[int, dict[str, Any]]:
    return call(deps, http_event("GET /records/{id}", record_id=record_id, **kw))


def audit_entries(infra: SimpleNamespace, record_id: str) -> list[dict[str, Any]]:
    return infra.dynamodb.query(
        TableName=AUDIT_TABLE,
        KeyConditionExpression="record_id = :r",
        ExpressionAttributeValues={":r": {"S": record_id}},
    )["Items"]


def stored(infra: SimpleNamespace, record_id: str) -> dict[str, Any] | None:
    return infra.dynamodb.get_item(
        TableName=PATIENT_TABLE, Key={"record_id": {"S": record_id}}
    ).get("Item")


# --- validation -----------------------------------------------------------------------


def test_bad_json_is_400(deps: Deps) -> None:
    """A body that is not JSON is refused with 400."""
    status, body = put(deps, "r1", raw_body="{not json")
    assert (status, body["error"]) == (400, "request body is not valid JSON")


@pytest.mark.parametrize("raw", ["[1, 2]", '"text"', "null", '{"payload": NaN}'])
def test_non_object_or_non_json_body_is_400(deps: Deps, raw: str) -> None:
    """A body that is not a JSON object (or uses NaN) is refused with 400."""
    assert put(deps, "r1", raw_body=raw)[0] == 400


@pytest.mark.parametrize("field", ["patient_id", "record_type", "payload"])
def test_missing_field_is_400_naming_it(deps: Deps, field: str) -> None:
    """Leaving out a required field is refused with 400 naming the field."""
    body = {k: v for k, v in GOOD_BODY.items() if k != field}
    status, answer = put(deps, "r1", body)
    assert (status, answer["error"]) == (400, f"missing field: {field}")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("patient_id", 7),
        ("patient_id", ""),
        ("record_type", ["x"]),
        ("record_type", None),
        ("payload", "text"),
        ("payload", [1]),
    ],
)
def test_wrong_type_is_400_naming_the_field(deps: Deps, field: str, value: Any) -> None:
    """A field of the wrong type is refused with 400 naming the field."""
    status, answer = put(deps, "r1", {**GOOD_BODY, field: value})
    assert status == 400
    assert answer["error"].startswith(f"field {field} must be")


def test_unknown_field_is_400(deps: Deps) -> None:
    """A field outside the schema is refused rather than silently dropped."""
    status, answer = put(deps, "r1", {**GOOD_BODY, "ssn": "000-00-0000"})
    assert (status, answer["error"]) == (400, "unknown field(s): ssn")


def oversized_body() -> dict[str, Any]:
    return {**GOOD_BODY, "payload": {"blob": "x" * records.MAX_BODY_BYTES}}


def test_oversized_body_is_413(deps: Deps, infra: SimpleNamespace) -> None:
    """A body over 64 KiB is refused with 413 and nothing is stored."""
    assert put(deps, "r1", oversized_body())[0] == 413
    assert stored(infra, "r1") is None


def test_oversized_base64_body_is_413(deps: Deps) -> None:
    """A base64-encoded body over 64 KiB once decoded is refused with 413."""
    assert put(deps, "r1", oversized_body(), base64_encoded=True)[0] == 413


def test_base64_body_is_decoded(deps: Deps, infra: SimpleNamespace) -> None:
    """A base64-encoded body within the limit is accepted like a plain one."""
    assert put(deps, "r1", base64_encoded=True)[0] == 200
    assert stored(infra, "r1") is not None


def test_invalid_base64_is_400(deps: Deps) -> None:
    """A body flagged base64 that is not base64 is refused with 400."""
    event = http_event("PUT /records/{id}", record_id="r1", raw_body="@@@@")
    event["isBase64Encoded"] = True
    assert call(deps, event) == (400, {"error": "request body is not valid base64"})


@pytest.mark.parametrize(
    "record_id",
    [
        "",
        "a" * 129,
        "has space",
        "semi;colon",
        "dot.ted",
        "__drkit_health__#us-east-1",
        "__DRKIT_x",
        "__drkit",
    ],
)
def test_bad_id_is_400(deps: Deps, record_id: str) -> None:
    """An id outside the safe pattern, or in the reserved range, is refused with 400."""
    assert put(deps, record_id)[0] == 400
    assert get(deps, record_id)[0] == 400


@given(record_id=valid_record_ids())
def test_validator_accepts_every_pattern_id(record_id: str) -> None:
    """Every id of 1-128 characters from [A-Za-z0-9_-] outside the reserved prefix is accepted."""
    assert records.is_valid_record_id(record_id)


@given(record_id=ids_with_a_foreign_character())
def test_validator_refuses_foreign_characters(record_id: str) -> None:
    """Any id holding a character outside [A-Za-z0-9_-] is refused."""
    assert not records.is_valid_record_id(record_id)


@given(record_id=too_long_record_ids())
def test_validator_refuses_long_ids(record_id: str) -> None:
    """Any id longer than 128 characters is refused."""
    assert not records.is_valid_record_id(record_id)


@given(record_id=reserved_record_ids())
def test_validator_refuses_reserved_ids(record_id: str) -> None:
    """Any id starting with "__drkit", in any letter case, is refused."""
    assert not records.is_valid_record_id(record_id)


@given(size=st.integers(min_value=1, max_value=300), encoded=st.booleans())
def test_body_limit_is_exact(size: int, encoded: bool) -> None:
    """A body is refused with 413 exactly when its decoded size exceeds the limit."""
    limit = 150
    raw = b"x" * size
    text = base64.b64encode(raw).decode() if encoded else raw.decode()
    event = {"body": text, "isBase64Encoded": encoded}
    if size > limit:
        with pytest.raises(HttpError) as refused:
            records.read_body(event, limit_bytes=limit)
        assert refused.value.status == 413
    else:
        assert records.read_body(event, limit_bytes=limit) == raw


# --- writes and their audit -----------------------------------------------------------


def test_put_stores_record_and_audit_entry(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """A PUT stores the record and one audit entry that names who, what, where and when."""
    status, body = put(deps, "rec-1", request_id="req-42")
    assert status == 200 and body["record_id"] == "rec-1"
    item = stored(infra, "rec-1")
    assert item is not None
    assert json.loads(item["payload"]["S"]) == GOOD_BODY["payload"]
    [entry] = audit_entries(infra, "rec-1")
    assert entry["action"]["S"] == "record.write"
    assert entry["region"]["S"] == LOCAL
    assert entry["actor"]["S"] == ACTOR
    assert entry["request_id"]["S"] == "req-42"
    assert entry["event_id"]["S"] == f"{records.iso_timestamp(int(clock() * 1000))}#req-42"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z#req-42", entry["event_id"]["S"])


def test_audit_entry_holds_no_record_data(deps: Deps, infra: SimpleNamespace) -> None:
    """The audit entry carries neither the payload nor the patient id."""
    put(deps, "rec-1")
    [entry] = audit_entries(infra, "rec-1")
    assert not {"payload", "patient_id", "record_type"} & set(entry)
    assert "120/80" not in json.dumps(entry) and "p-1" not in json.dumps(entry)


def test_audit_without_authorizer_has_no_actor(deps: Deps, infra: SimpleNamespace) -> None:
    """Without an IAM authorizer context the entry has no actor rather than a made-up one."""
    put(deps, "rec-1", actor=None)
    [entry] = audit_entries(infra, "rec-1")
    assert "actor" not in entry


def test_audit_collision_cancels_the_record_write(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """If the audit entry cannot be appended, the record is not written either (409)."""
    event_id = f"{records.iso_timestamp(int(clock() * 1000))}#req-7"
    infra.dynamodb.put_item(
        TableName=AUDIT_TABLE, Item={"record_id": {"S": "rec-1"}, "event_id": {"S": event_id}}
    )
    assert put(deps, "rec-1", request_id="req-7")[0] == 409
    assert stored(infra, "rec-1") is None


def test_missing_audit_table_cancels_the_record_write(deps: Deps, infra: SimpleNamespace) -> None:
    """With the audit table gone, a PUT fails with 500 and stores nothing."""
    infra.dynamodb.delete_table(TableName=AUDIT_TABLE)
    status, body = put(deps, "rec-1")
    assert (status, body) == (500, {"error": "storage error"})
    assert stored(infra, "rec-1") is None


def test_older_write_does_not_replace_newer(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """A PUT stamped before the stored version is refused with 409 and changes nothing."""
    put(deps, "rec-1")
    clock.epoch_s -= 5
    status, _ = put(deps, "rec-1", {**GOOD_BODY, "record_type": "older"}, request_id="req-2")
    assert status == 409
    assert stored(infra, "rec-1")["record_type"]["S"] == "encounter"  # type: ignore[index]
    assert len(audit_entries(infra, "rec-1")) == 1


# --- reads and their audit ------------------------------------------------------------


def test_get_returns_record_and_audits_the_read(deps: Deps, infra: SimpleNamespace) -> None:
    """A GET returns the stored record and appends a "found" read entry to the audit trail."""
    put(deps, "rec-1", request_id="req-w")
    status, body = get(deps, "rec-1", request_id="req-r")
    assert status == 200
    assert {k: body[k] for k in GOOD_BODY} == GOOD_BODY
    reads = [e for e in audit_entries(infra, "rec-1") if e["action"]["S"] == "record.read"]
    assert [(e["request_id"]["S"], e["outcome"]["S"]) for e in reads] == [("req-r", "found")]


def test_get_missing_is_404_and_audited(deps: Deps, infra: SimpleNamespace) -> None:
    """A GET of an unknown id answers 404 and still leaves a "not_found" audit entry."""
    status, _ = get(deps, "nobody")
    [entry] = audit_entries(infra, "nobody")
    assert (status, entry["outcome"]["S"]) == (404, "not_found")


def test_get_reads_a_record_not_replicated_here_from_the_peer(
    deps: Deps, infra: SimpleNamespace
) -> None:
    """A record only the peer's replica has yet is served from it, said so, and audited so."""
    peer = boto3.client("dynamodb", region_name=OTHER)
    create_patient_table(peer)
    item = {
        "record_id": {"S": "late"},
        "patient_id": {"S": "p-9"},
        "record_type": {"S": "lab"},
        "payload": {"S": '{"k":1}'},
        "updated_in_region": {"S": OTHER},
    }
    peer.put_item(TableName=PATIENT_TABLE, Item=item)
    status, body = get(deps, "late", request_id="req-p")
    assert (status, body["read_from"], body["payload"]) == (200, OTHER, {"k": 1})
    [entry] = audit_entries(infra, "late")
    assert (entry["outcome"]["S"], entry["region"]["S"]) == (f"found_in_peer:{OTHER}", LOCAL)


def test_get_names_the_peers_it_could_not_ask(deps: Deps, infra: SimpleNamespace) -> None:
    """A record missing here while a peer does not answer is a 404 naming that peer."""
    status, body = get(deps, "nobody")
    assert (status, body.get("unreachable_regions")) == (404, [OTHER])


def test_peer_clients_use_the_endpoint_the_stack_handed_over(deps: Deps) -> None:
    """Peer clients go to the URL in DRKIT_PEER_ENDPOINTS, in the peer's region."""
    client = deps.clients.peer("dynamodb", OTHER)
    expected = json.loads(ENV["DRKIT_PEER_ENDPOINTS"])[OTHER]["dynamodb"]
    assert (client.meta.endpoint_url, client.meta.region_name) == (expected, OTHER)


def test_get_without_audit_returns_no_data(deps: Deps, infra: SimpleNamespace) -> None:
    """If the read cannot be audited, the caller gets 500 and none of the record."""
    put(deps, "rec-1")
    infra.dynamodb.delete_table(TableName=AUDIT_TABLE)
    status, body = get(deps, "rec-1")
    assert (status, body) == (500, {"error": "storage error"})


def test_payload_round_trips() -> None:
    """Whatever JSON object is PUT comes back unchanged from GET."""
    # One account for all examples; each request has its own id, so audit entries never collide.
    requests = itertools.count()
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=LOCAL)
        create_patient_table(dynamodb)
        create_audit_table(dynamodb)
        config = Config.from_environ()
        deps = Deps(config=config, clients=Clients(config), clock=FixedClock(1_700_000_000.0))

        @settings(max_examples=25, deadline=None)
        @given(record_id=valid_record_ids(), payload=json_objects())
        def round_trip(record_id: str, payload: dict[str, Any]) -> None:
            n = next(requests)
            body = {**GOOD_BODY, "payload": payload}
            assert put(deps, record_id, body, request_id=f"req-write-{n}")[0] == 200
            status, answer = get(deps, record_id, request_id=f"req-read-{n}")
            assert (status, answer["payload"]) == (200, payload)

        round_trip()


# --- routing and logs -----------------------------------------------------------------


def test_unknown_route_is_404(deps: Deps) -> None:
    """A path the API does not serve answers 404."""
    event = http_event("$default", raw_path="/patients", method="GET")
    assert call(deps, event) == (404, {"error": "no such route"})


def test_wrong_method_is_405_with_allow(deps: Deps) -> None:
    """A served path with an unserved method answers 405 and lists the allowed methods."""
    response = api.handle(http_event("$default", raw_path="/records/r1", method="DELETE"), deps)
    assert response["statusCode"] == 405
    assert response["headers"]["allow"] == "GET, PUT"


def test_default_route_still_serves_records(deps: Deps) -> None:
    """Through a "$default" route, GET /records/<id> is resolved from the path."""
    put(deps, "rec-1")
    event = http_event("$default", raw_path="/records/rec-1", method="GET", request_id="req-r")
    assert call(deps, event)[0] == 200


def test_logs_carry_no_record_data(deps: Deps, capsys: pytest.CaptureFixture[str]) -> None:
    """Log lines name request, route, status and latency, but never payload or patient id."""
    secret_patient, secret_payload = "PATIENT-7f3a", "DIAGNOSIS-c91e"
    body = {"patient_id": secret_patient, "record_type": "note", "payload": {"dx": secret_payload}}
    put(deps, "rec-1", body, request_id="req-a")
    get(deps, "rec-1", request_id="req-b")
    put(
        deps,
        "rec-2",
        raw_body='{"patient_id": "' + secret_patient + '", broken',
        request_id="req-c",
    )
    out = capsys.readouterr().out
    assert secret_patient not in out and secret_payload not in out
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(x["request_id"], x["route"], x["status"]) for x in lines] == [
        ("req-a", "PUT /records/{id}", 200),
        ("req-b", "GET /records/{id}", 200),
        ("req-c", "PUT /records/{id}", 400),
    ]
    assert all(x["region"] == LOCAL and x["latency_ms"] >= 0 for x in lines)


def test_storage_errors_log_type_not_message(
    deps: Deps, infra: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failed write logs the exception type and AWS error code, at level ERROR."""
    infra.dynamodb.delete_table(TableName=AUDIT_TABLE)
    put(deps, "rec-1")
    [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert (line["level"], line["error_type"], line["error_code"]) == (
        "ERROR",
        "ResourceNotFoundException",
        "ResourceNotFoundException",
    )
    assert "message" not in line


def test_unexpected_exception_is_500_without_details(
    deps: Deps, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug answers a bare 500 and logs only the exception type."""

    def boom(*_: Any, **__: Any) -> None:
        raise KeyError("p-1 leaked?")

    monkeypatch.setattr(records, "put_record", boom)
    assert put(deps, "rec-1") == (500, {"error": "internal error"})
    out = capsys.readouterr().out
    assert json.loads(out)["error_type"] == "KeyError" and "leaked" not in out
