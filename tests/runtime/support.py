"""Constants and helpers shared by the runtime tests (the fixtures live in conftest.py)."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace
from typing import Any

from drkit_runtime import api
from drkit_runtime.access import Kind
from drkit_runtime.config import Config
from drkit_runtime.contract import AUDIT_LOGS, PATIENT_RECORDS
from drkit_runtime.deps import Deps
from tests.runtime.events import http_event

LOCAL = "us-east-1"
OTHER = "us-west-2"
PATIENT_TABLE = "drkit-patient-records"
AUDIT_TABLE = "drkit-audit-logs"
BUCKETS = {LOCAL: "drkit-data-us-east-1-test", OTHER: "drkit-data-us-west-2-test"}
DRAIN_PARAMETER = "/drkit/us-east-1/drain"
PEER_ENDPOINTS_PARAMETER = "/drkit/us-east-1/peerendpoints"
NAMESPACE = "DrKit/Replication"
#: Physical table name -> logical (contract) name.
TABLES = {PATIENT_TABLE: PATIENT_RECORDS, AUDIT_TABLE: AUDIT_LOGS}
#: SSM parameter name -> what it is (access.py's kind).
PARAMETERS = {DRAIN_PARAMETER: Kind.DRAIN_SWITCH, PEER_ENDPOINTS_PARAMETER: Kind.PEER_ENDPOINTS}

ENV = {
    "DRKIT_REGION": LOCAL,
    "DRKIT_ROLE": "primary",
    "DRKIT_REGIONS": f"{LOCAL},{OTHER}",
    "DRKIT_PATIENT_TABLE": PATIENT_TABLE,
    "DRKIT_AUDIT_TABLE": AUDIT_TABLE,
    "DRKIT_BUCKET": BUCKETS[LOCAL],
    "DRKIT_BUCKETS": json.dumps(BUCKETS),
    "DRKIT_DRAIN_PARAMETER": DRAIN_PARAMETER,
    "DRKIT_PEER_ENDPOINTS_PARAMETER": PEER_ENDPOINTS_PARAMETER,
}
#: The peer's public endpoints stand in for its interface endpoints: moto answers them.
PEER_ENDPOINTS = {
    OTHER: {
        "dynamodb": f"https://dynamodb.{OTHER}.amazonaws.com",
        "s3": f"https://s3.{OTHER}.amazonaws.com",
    }
}


class FixedClock:
    """A wall clock that stands still until a test moves it."""

    def __init__(self, epoch_s: float) -> None:
        self.epoch_s = epoch_s

    def __call__(self) -> float:
        return self.epoch_s


def create_patient_table(dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName=PATIENT_TABLE,
        KeySchema=[{"AttributeName": "record_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "record_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )


def create_audit_table(dynamodb: Any, name: str = AUDIT_TABLE) -> None:
    """The audit table's key schema (record id, event id), as the stack makes it."""
    dynamodb.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "record_id", "KeyType": "HASH"},
            {"AttributeName": "event_id", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "record_id", "AttributeType": "S"},
            {"AttributeName": "event_id", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )


#: The health deadline of tests that are not about it: in-process moto on a loaded 2-core
#: machine can take longer than the production deadline for a first call.
ROOMY_DEADLINE_MS = 10_000


def roomy_config() -> Config:
    """The stack's settings from the environment, with the roomy test deadline."""
    return dataclasses.replace(Config.from_environ(), health_deadline_ms=ROOMY_DEADLINE_MS)


# --- the records API ------------------------------------------------------------------

GOOD_BODY = {"patient_id": "p-1", "record_type": "encounter", "payload": {"bp": "120/80"}}


def call(deps: Deps, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = api.handle(event, deps)
    assert response["headers"]["content-type"] == "application/json"
    return response["statusCode"], json.loads(response["body"])


def put(deps: Deps, record_id: str, body: Any = GOOD_BODY, **kw: Any) -> tuple[int, dict[str, Any]]:
    return call(deps, http_event("PUT /records/{id}", record_id=record_id, body=body, **kw))


def get(deps: Deps, record_id: str, **kw: Any) -> tuple[int, dict[str, Any]]:
    return call(deps, http_event("GET /records/{id}", record_id=record_id, **kw))


def audit_entries(infra: SimpleNamespace, record_id: str) -> list[dict[str, Any]]:
    return infra.dynamodb.query(
        TableName=AUDIT_TABLE,
        KeyConditionExpression="record_id = :r",
        ExpressionAttributeValues={":r": {"S": record_id}},
    )["Items"]


def stored(infra: SimpleNamespace, record_id: str) -> dict[str, Any] | None:
    return infra.dynamodb.get_item(
        TableName=PATIENT_TABLE, Key={"record_id": {"S": record_id}}
    ).get("Item")


def logged(capsys: Any) -> list[dict[str, Any]]:
    """The log lines written so far (and not yet read), parsed, without their timestamps."""
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return [{k: v for k, v in line.items() if k != "ts"} for line in lines]
