"""The records API's routing (404, 405, the "$default" route) and its logs, which name
request, route and status but never carry record data or exception messages."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from drkit_runtime import api, health_api, records
from drkit_runtime.aws import Clients
from drkit_runtime.deps import Deps
from drkit_runtime.http import HttpError
from tests.runtime.events import http_event
from tests.runtime.support import (
    AUDIT_TABLE,
    DRAIN_PARAMETER,
    GOOD_BODY,
    LOCAL,
    OTHER,
    PATIENT_TABLE,
    PEER_ENDPOINTS,
    PEER_ENDPOINTS_PARAMETER,
    audit_entries,
    call,
    create_patient_table,
    get,
    logged,
    put,
)


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


def test_a_peer_that_cannot_be_asked_is_logged_and_the_next_one_asked(
    deps: Deps, infra: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    """With two peers, the first failing is logged as a warning naming it and its error code
    (never its message), and the record is still read from the second."""
    third = "eu-west-1"
    config = dataclasses.replace(
        deps.config,
        regions=(LOCAL, OTHER, third),
        bucket_names={**deps.config.bucket_names, third: "drkit-data-eu-west-1-test"},
    )
    peers = {
        **PEER_ENDPOINTS,
        third: {"dynamodb": f"https://dynamodb.{third}.amazonaws.com", "s3": "https://s3"},
    }
    infra.ssm.put_parameter(
        Name=PEER_ENDPOINTS_PARAMETER, Value=json.dumps(peers), Type="SecureString", Overwrite=True
    )
    peer = boto3.client("dynamodb", region_name=third)
    create_patient_table(peer)
    peer.put_item(
        TableName=PATIENT_TABLE,
        Item={
            "record_id": {"S": "late"},
            "patient_id": {"S": "p"},
            "record_type": {"S": "lab"},
            "payload": {"S": "{}"},
        },
    )
    wired = dataclasses.replace(deps, config=config, clients=Clients(config))
    status, body = get(wired, "late")
    assert (status, body["read_from"]) == (200, third)
    first = logged(capsys)[0]
    assert first == {
        "level": "WARNING",
        "event": "peer_read_failed",
        "source_region": OTHER,
        "error_type": "ResourceNotFoundException",
        "error_code": "ResourceNotFoundException",
    }


# ----- routes resolved from any event shape ------------------------------------------------
@pytest.mark.parametrize(
    ("event", "route"),
    [
        ({"routeKey": "PUT /records/{id}"}, "PUT /records/{id}"),
        (
            {
                "routeKey": "$default",
                "rawPath": "/records/r1",
                "requestContext": {"http": {"method": "GET"}},
            },
            "GET /records/{id}",
        ),
        (
            {
                "routeKey": "$default",
                "requestContext": {"http": {"method": "put", "path": "/records/r1"}},
            },
            "PUT /records/{id}",
        ),
        ({"routeKey": "GET /records/r1"}, "GET /records/{id}"),
    ],
)
def test_the_route_is_found_from_the_key_the_path_or_the_context(event: dict, route: str) -> None:
    """A route key the API serves is taken as it is; otherwise the method and path come from
    the request context, the raw path or the route key, in that order (any letter case)."""
    assert api.resolve_route(event) == route


@pytest.mark.parametrize(
    ("event", "status", "message", "headers"),
    [
        ({"routeKey": "$default", "rawPath": "/HEALTH"}, 404, "no such route", {}),
        ({}, 404, "no such route", {}),
        ({"routeKey": "GET /health"}, 404, "no such route", {}),
        (
            {
                "routeKey": "$default",
                "rawPath": "/records/r1",
                "requestContext": {"http": {"method": "post"}},
            },
            405,
            "method not allowed",
            {"allow": "GET, PUT"},
        ),
        ({"routeKey": "DELETE /records/r1"}, 405, "method not allowed", {"allow": "GET, PUT"}),
    ],
)
def test_a_route_the_api_does_not_serve_is_refused_exactly(
    event: dict, status: int, message: str, headers: dict
) -> None:
    """An unknown path is 404; a served path with another method is 405 listing the methods."""
    with pytest.raises(HttpError) as refused:
        api.resolve_route(event)
    assert (refused.value.status, refused.value.message, refused.value.headers) == (
        status,
        message,
        headers,
    )


def test_the_id_comes_from_the_path_parameters_before_the_path(deps: Deps) -> None:
    """API Gateway's decoded path parameter names the record, whatever the raw path says."""
    event = http_event("GET /records/{id}", record_id="from-params", raw_path="/records/other")
    assert call(deps, event)[1]["record_id"] == "from-params"


def test_without_path_parameters_the_id_is_the_decoded_path(deps: Deps) -> None:
    """Through a catch-all route the id is read from the raw path, percent-decoded."""
    event = http_event("$default", raw_path="/records/a%2Db", method="GET")
    assert call(deps, event)[1]["record_id"] == "a-b"


def test_a_record_route_whose_path_names_no_record_is_refused(deps: Deps) -> None:
    """The record route with a path that holds no id answers 400, not a server error."""
    event = http_event("GET /records/{id}", raw_path="/records/a/b")
    assert call(deps, event)[0] == 400


# ----- the one log line of each request -------------------------------------------------------
@pytest.fixture
def twelve_ms(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request takes 12.34 ms on the API's clock (logged as 12.3)."""
    readings = iter([100.0, 100.01234])
    monkeypatch.setattr(api, "time", SimpleNamespace(monotonic=lambda: next(readings)))


def _request_line(status: int, route: str, **fields: Any) -> dict[str, Any]:
    return {
        "level": "ERROR" if status >= 500 else "INFO",
        "event": "request",
        "request_id": "req-1",
        "lambda_request_id": "",
        "route": route,
        "status": status,
        "latency_ms": 12.3,
        "region": LOCAL,
        "role": "primary",
        **fields,
    }


def test_a_request_logs_one_line_with_its_route_status_and_latency(
    deps: Deps, twelve_ms: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """A served request is one INFO line: ids, route, status, latency in ms, region, role."""
    get(deps, "nobody")
    assert logged(capsys)[-1] == _request_line(404, "GET /records/{id}")


@pytest.mark.parametrize(("route_key", "logged_as"), [("$default", "$default"), (None, "")])
def test_an_unknown_route_is_logged_under_the_key_it_came_with(
    deps: Deps,
    twelve_ms: None,
    capsys: pytest.CaptureFixture[str],
    route_key: str | None,
    logged_as: str,
) -> None:
    """A refused route is logged under its route key; an event without one under ''."""
    event: dict[str, Any] = {"requestContext": {"requestId": "req-1"}, "rawPath": "/nope"}
    if route_key is not None:
        event["routeKey"] = route_key
    api.handle(event, deps)
    assert logged(capsys) == [_request_line(404, logged_as)]


def test_an_unhealthy_answer_logs_the_failed_checks_then_the_request(
    deps: Deps,
    infra: SimpleNamespace,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A 503 from /health (its own function's) is a warning naming the failed checks, then an
    ERROR request line like the records API's."""
    readings = iter([100.0, 100.01234])
    monkeypatch.setattr(health_api, "time", SimpleNamespace(monotonic=lambda: next(readings)))
    infra.ssm.put_parameter(
        Name=DRAIN_PARAMETER, Value="drained", Type="SecureString", Overwrite=True
    )
    health_api.handle(http_event("GET /health"), deps)
    assert logged(capsys) == [
        {"level": "WARN", "event": "health_failed", "request_id": "req-1", "failed": ["drain"]},
        _request_line(503, "GET /health"),
    ]


@pytest.mark.parametrize("route", ["GET /records/{id}", "PUT /records/{id}"])
def test_the_lambda_request_id_stands_in_for_a_missing_request_id(
    deps: Deps, infra: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    """Invoked without API Gateway's request id, a read or a write is audited under Lambda's."""
    monkeypatch.setattr(api, "_deps", deps)
    event = http_event(route, record_id="rec-9", body=GOOD_BODY if route[0] == "P" else None)
    del event["requestContext"]["requestId"]
    api.handler(event, SimpleNamespace(aws_request_id="lam-7"))
    [entry] = audit_entries(infra, "rec-9")
    assert entry["request_id"]["S"] == "lam-7"


def test_a_request_without_any_id_is_logged_as_unknown(
    deps: Deps, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No request id from API Gateway or Lambda: the line says 'unknown' rather than ''."""
    monkeypatch.setattr(api, "_deps", deps)
    api.handler({"routeKey": "GET /nowhere"}, None)
    line = logged(capsys)[0]
    assert (line["request_id"], line["lambda_request_id"]) == ("unknown", "")
