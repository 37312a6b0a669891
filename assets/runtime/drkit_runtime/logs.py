"""Structured JSON log lines, one object per line on stdout (CloudWatch Logs keeps them).

The logger takes only fields from an allow-list, so a request body, a payload, a patient id or
a record can never reach the logs by accident: anything else is dropped and only its field
name is reported. Exception messages are never logged either (botocore and json messages can
quote the offending input); the exception type and AWS error code are enough to act on.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from botocore.exceptions import ClientError

ALLOWED_FIELDS = frozenset(
    {
        "request_id",
        "lambda_request_id",
        "route",
        "method",
        "status",
        "latency_ms",
        "region",
        "role",
        "error_type",
        "error_code",
        "check",
        "failed",
        "kind",
        "store",
        "source_region",
        "metric",
        "count",
        "reason",
        # The auditor's: a break's place and kind, never the entry (its key names a record).
        "lane",
        "seq",
        "problem",
        "length",
        "heads",
        "breaks",
    }
)


def log(event: str, *, level: str = "INFO", **fields: Any) -> None:
    """Write one JSON line: `event` names what happened, `fields` come from ALLOWED_FIELDS."""
    line: dict[str, Any] = {"ts": round(time.time(), 3), "level": level, "event": event}
    dropped = sorted(name for name in fields if name not in ALLOWED_FIELDS)
    line.update((k, v) for k, v in fields.items() if k in ALLOWED_FIELDS)
    if dropped:
        line["dropped_fields"] = dropped
    # sys.stdout is looked up on every call so a replaced stream (tests, runtime) is honoured.
    sys.stdout.write(json.dumps(line, default=str, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def error_fields(exc: BaseException) -> dict[str, str]:
    """Type and AWS error code of an exception, never its message."""
    fields = {"error_type": type(exc).__name__}
    if isinstance(exc, ClientError):
        fields["error_code"] = str(exc.response.get("Error", {}).get("Code", ""))
    return fields
