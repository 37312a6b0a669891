"""The records API's input checks: request bodies, their size limit and record ids,
each refused with the right status before anything is stored."""

from __future__ import annotations

import base64
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from drkit_runtime import record_input, records
from drkit_runtime.deps import Deps
from drkit_runtime.http import HttpError
from tests.runtime.events import http_event
from tests.runtime.support import GOOD_BODY, call, get, put, stored
from tests.strategies.runtime import (
    ids_with_a_foreign_character,
    reserved_record_ids,
    too_long_record_ids,
    valid_record_ids,
)


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
    return {**GOOD_BODY, "payload": {"blob": "x" * record_input.MAX_BODY_BYTES}}


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
@example(size=150, encoded=False)  # exactly the limit: taken
@example(size=150, encoded=True)
@example(size=151, encoded=False)
def test_body_limit_is_exact(size: int, encoded: bool) -> None:
    """A body is refused with 413 exactly when its decoded size exceeds the limit."""
    limit = 150
    raw = b"x" * size
    text = base64.b64encode(raw).decode() if encoded else raw.decode()
    event = {"body": text, "isBase64Encoded": encoded}
    if size > limit:
        with pytest.raises(HttpError) as refused:
            record_input.read_body(event, limit_bytes=limit)
        assert refused.value.status == 413
    else:
        assert record_input.read_body(event, limit_bytes=limit) == raw
