"""The log helper writes one JSON object per line and keeps only allow-listed fields."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from drkit_runtime.logs import error_fields, log


def test_fields_outside_the_allow_list_are_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    """A field not on the allow-list never reaches the output; only its name is reported."""
    log("request", status=200, body='{"patient_id": "PT-secret"}', payload={"dx": "DX-secret"})
    out = capsys.readouterr().out
    assert "secret" not in out
    line = json.loads(out)
    assert (line["event"], line["status"], line["dropped_fields"]) == (
        "request",
        200,
        ["body", "payload"],
    )


def test_one_json_object_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Each call writes exactly one line, and it parses as a JSON object with a level."""
    log("a", route="GET /health")
    log("b", level="ERROR", error_type="ValueError")
    lines = capsys.readouterr().out.splitlines()
    assert [(json.loads(x)["event"], json.loads(x)["level"]) for x in lines] == [
        ("a", "INFO"),
        ("b", "ERROR"),
    ]


def test_error_fields_omit_the_message() -> None:
    """An AWS error is described by type and code; its message (which may quote input) is not."""
    exc = ClientError(
        {"Error": {"Code": "ValidationException", "Message": "value PT-secret is bad"}}, "PutItem"
    )
    fields = error_fields(exc)
    assert fields == {"error_type": "ClientError", "error_code": "ValidationException"}


def test_a_line_is_compact_json_stamped_to_the_millisecond(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exact line: ts (epoch seconds, 3 decimals), level, event, then the fields; values
    JSON cannot hold are written as text."""
    from drkit_runtime import logs

    monkeypatch.setattr(logs, "time", type("Clock", (), {"time": staticmethod(lambda: 17.12345)}))
    log("canary", count=Decimal("2.5"), region="us-east-1")
    assert capsys.readouterr().out == (
        '{"ts":17.123,"level":"INFO","event":"canary","count":"2.5","region":"us-east-1"}\n'
    )


@pytest.mark.parametrize("response", [{"Error": {"Message": "no code"}}, {}])
def test_an_aws_error_without_a_code_has_an_empty_code(response: dict) -> None:
    """A ClientError that carries no code is still described, with an empty code."""
    fields = error_fields(ClientError(response, "GetItem"))  # type: ignore[arg-type]
    assert fields == {"error_type": "ClientError", "error_code": ""}
