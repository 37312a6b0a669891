"""Builders of the events AWS hands to the runtime's handlers, as documented shapes."""

from __future__ import annotations

import base64
import json
from typing import Any

ACTOR = "arn:aws:iam::123456789012:role/clinician-app"


def http_event(
    route_key: str,
    *,
    record_id: str | None = None,
    body: Any = None,
    raw_body: str | None = None,
    base64_encoded: bool = False,
    request_id: str = "req-1",
    actor: str | None = ACTOR,
    raw_path: str | None = None,
    method: str | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) request event."""
    verb, _, template = route_key.partition(" ")
    path = raw_path or (template.replace("{id}", record_id) if record_id is not None else template)
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    if text is not None and base64_encoded:
        text = base64.b64encode(text.encode()).decode()
    context: dict[str, Any] = {
        "requestId": request_id,
        "http": {"method": method or verb, "path": path, "sourceIp": "198.51.100.7"},
    }
    if actor is not None:
        context["authorizer"] = {"iam": {"userArn": actor}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "headers": {"content-type": "application/json"},
        "requestContext": context,
        "isBase64Encoded": base64_encoded,
    }
    if record_id is not None and "{id}" in route_key:
        event["pathParameters"] = {"id": record_id}
    if text is not None:
        event["body"] = text
    return event


def scheduled_event() -> dict[str, Any]:
    """An EventBridge scheduled event."""
    return {
        "version": "0",
        "id": "sched-1",
        "source": "aws.events",
        "detail-type": "Scheduled Event",
        "time": "2024-01-01T00:00:00Z",
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/drkit-canary"],
        "detail": {},
    }


def stream_record(
    *,
    table: str,
    source_region: str,
    written_at_ms: int,
    arrived_s: float,
    event_name: str = "MODIFY",
    receiving_region: str = "us-east-1",
    audit: bool = False,
    record_id: str | None = None,
) -> dict[str, Any]:
    """One DynamoDB stream record of a heartbeat, as Lambda receives it."""
    image: dict[str, Any] = {
        "record_id": {"S": record_id or f"__drkit_heartbeat__#{source_region}"},
        "region": {"S": source_region},
        "written_at_ms": {"N": str(written_at_ms)},
    }
    if audit:
        image["event_id"] = {"S": "heartbeat"}
    return {
        "eventID": "1",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": receiving_region,
        "dynamodb": {
            "ApproximateCreationDateTime": arrived_s,
            "Keys": {k: v for k, v in image.items() if k in ("record_id", "event_id")},
            "NewImage": image,
            "SequenceNumber": "111",
            "SizeBytes": 26,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": (
            f"arn:aws:dynamodb:{receiving_region}:123456789012:table/{table}"
            "/stream/2024-01-01T00:00:00.000"
        ),
    }


def object_created_event(
    *, bucket: str, key: str, version_id: str | None, time: str
) -> dict[str, Any]:
    """An EventBridge S3 "Object Created" event."""
    obj: dict[str, Any] = {"key": key, "size": 64, "etag": "abc", "sequencer": "00"}
    if version_id is not None:
        obj["version-id"] = version_id
    return {
        "version": "0",
        "id": "s3-1",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": "123456789012",
        "time": time,
        "region": "us-east-1",
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": obj,
            "request-id": "r",
            "requester": "123456789012",
            "reason": "PutObject",
        },
    }
