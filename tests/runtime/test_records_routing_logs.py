"""The records API's routing (404, 405, the "$default" route) and its logs, which name
request, route and status but never carry record data or exception messages."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from drkit_runtime import api, records
from drkit_runtime.deps import Deps
from tests.runtime.events import http_event
from tests.runtime.support import AUDIT_TABLE, LOCAL, call, get, put


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
