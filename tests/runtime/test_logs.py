"""The log helper writes one JSON object per line and keeps only allow-listed fields."""

from __future__ import annotations

import json

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
