"""Responses in API Gateway HTTP API payload format 2.0."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class HttpError(Exception):
    """A request the API refuses; the message is safe to return to the caller."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        details: Mapping[str, Any] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        #: Fields the answer carries besides the message (never record data).
        self.details = dict(details or {})


def json_response(
    status: int, body: Mapping[str, Any], *, headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A JSON response that no cache along the way may keep (it can hold patient data)."""
    return {
        "statusCode": status,
        "headers": {
            "content-type": "application/json",
            "cache-control": "no-store",
            **(headers or {}),
        },
        "body": json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        "isBase64Encoded": False,
    }


def error_response(error: HttpError) -> dict[str, Any]:
    """The response for a refused request."""
    body = {"error": error.message, **error.details}
    return json_response(error.status, body, headers=error.headers)
