"""The events AWS hands the functions, in their documented shapes, for the local runs.

API Gateway HTTP API requests (payload format 2.0), EventBridge's schedule, a batch of
DynamoDB stream records as Lambda's event source mapping delivers them, and EventBridge's
S3 "Object Created". Built from what the emulated account holds, not invented.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

#: Who the local requests claim to be (API Gateway's IAM authorizer puts the caller here).
LOCAL_CALLER = "arn:aws:iam::123456789012:user/drkit-demo"


def api_request(method: str, path: str, body: Any = None) -> dict[str, Any]:
    """``GET /health``, ``PUT /records/{id}``, ...: what API Gateway sends the function."""
    route = "GET /health" if path == "/health" else f"{method} /records/{{id}}"
    request_id = str(uuid.uuid4())
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route,
        "rawPath": path,
        "headers": {"content-type": "application/json"},
        "isBase64Encoded": False,
        "requestContext": {
            "requestId": request_id,
            "http": {"method": method, "path": path, "sourceIp": "127.0.0.1"},
        },
    }
    if path.startswith("/records/"):
        event["pathParameters"] = {"id": path.rsplit("/", 1)[1]}
        event["requestContext"]["authorizer"] = {"iam": {"userArn": LOCAL_CALLER}}
    if body is not None:
        event["body"] = json.dumps(body)
    return event


def schedule(region: str, rule_arn: str) -> dict[str, Any]:
    """EventBridge's ``rate(1 minute)`` event."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "source": "aws.events",
        "detail-type": "Scheduled Event",
        "time": _now(),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


def stream_batch(records: list[dict[str, Any]], stream_arn: str, region: str) -> dict[str, Any]:
    """Stream records as the event source mapping delivers them (source ARN and region added)."""
    return {
        "Records": [
            {**record, "eventSourceARN": stream_arn, "awsRegion": region} for record in records
        ]
    }


def stream_record(
    image: dict[str, Any], *, arrived_s: float, old: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One ``MODIFY`` stream record carrying ``image`` (a DynamoDB item) as its new image and
    ``old``, when given, as the one it replaced."""
    keys = {k: v for k, v in image.items() if k in ("record_id", "event_id")}
    return {
        "eventID": uuid.uuid4().hex,
        "eventName": "MODIFY",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "ApproximateCreationDateTime": int(arrived_s),
            "Keys": keys,
            "NewImage": image,
            **({"OldImage": old} if old is not None else {}),
            "SequenceNumber": str(int(arrived_s * 1000)),
            "SizeBytes": len(json.dumps(image)),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def object_created(
    *, bucket: str, key: str, version_id: str, at: datetime, region: str
) -> dict[str, Any]:
    """EventBridge's S3 ``Object Created`` for one object version."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Object Created",
        "source": "aws.s3",
        "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {"key": key, "version-id": version_id},
            "reason": "PutObject",
        },
    }


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
