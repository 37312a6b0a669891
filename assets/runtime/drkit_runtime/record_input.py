"""What a PUT /records/{id} body may be: read within its size limit, parsed, every field checked.

Every refusal names the offending field; nothing of the body reaches a log.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from drkit_runtime.http import HttpError

MAX_BODY_BYTES = 64 * 1024
MAX_TEXT_FIELD_CHARS = 256
TEXT_FIELDS = ("patient_id", "record_type")
BODY_FIELDS = (*TEXT_FIELDS, "payload")


@dataclass(frozen=True, kw_only=True)
class RecordInput:
    """A validated PUT body.

    Attributes:
        patient_id: The patient the record belongs to.
        record_type: Caller-defined kind of record, e.g. "encounter".
        payload: The record's content, any JSON object.
    """

    patient_id: str
    record_type: str
    payload: dict[str, Any]


def read_body(event: Mapping[str, Any], *, limit_bytes: int = MAX_BODY_BYTES) -> bytes:
    """The raw request body, refusing oversized ones before decoding them."""
    body = event.get("body")
    if body is None or body == "":
        raise HttpError(400, "request body is required")
    if not isinstance(body, str):
        raise HttpError(400, "request body must be text")
    too_large = HttpError(413, f"request body exceeds {limit_bytes} bytes")
    if event.get("isBase64Encoded"):
        # Base64 inflates by 4/3; refuse what cannot fit before paying to decode it.
        if len(body) > 4 * ((limit_bytes + 2) // 3):
            raise too_large
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise HttpError(400, "request body is not valid base64") from None
    else:
        if len(body) > limit_bytes:  # every character is at least one byte
            raise too_large
        try:
            raw = body.encode("utf-8")
        except UnicodeEncodeError:
            raise HttpError(400, "request body is not valid UTF-8") from None
    if len(raw) > limit_bytes:
        raise too_large
    return raw


def parse_record(raw: bytes) -> RecordInput:
    """Validate a PUT body; every refusal names the offending field."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError):
        raise HttpError(400, "request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise HttpError(400, "request body must be a JSON object")
    unknown = sorted(set(data) - set(BODY_FIELDS))
    if unknown:
        raise HttpError(400, f"unknown field(s): {', '.join(unknown)}")
    for name in BODY_FIELDS:
        if name not in data:
            raise HttpError(400, f"missing field: {name}")
    for name in TEXT_FIELDS:
        value = data[name]
        if not isinstance(value, str) or not value:
            raise HttpError(400, f"field {name} must be a non-empty string")
        if len(value) > MAX_TEXT_FIELD_CHARS:
            raise HttpError(400, f"field {name} must be at most {MAX_TEXT_FIELD_CHARS} characters")
    if not isinstance(data["payload"], dict):
        raise HttpError(400, "field payload must be a JSON object")
    return RecordInput(
        patient_id=data["patient_id"], record_type=data["record_type"], payload=data["payload"]
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
