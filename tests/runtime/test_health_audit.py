"""/health appends to the audit replica as the records API does, and fails when it cannot.

Every records call writes an audit entry in its region (a write in one transaction with the
record, a read before its answer), so a region whose audit replica refuses writes can serve no
record: /health must say so. moto models neither IAM nor KMS on DynamoDB, so a replica that
refuses writes is made at the client: botocore's ``before-call`` hook (the mechanism of its own
Stubber) answers every write that touches the audit table with the error AWS would send. Only
the region's AWS is faked this way; the handlers run unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from drkit_runtime import health_api
from drkit_runtime.aws import Clients
from drkit_runtime.deps import Deps
from tests.runtime.events import http_event
from tests.runtime.support import (
    AUDIT_TABLE,
    LOCAL,
    FixedClock,
    audit_entries,
    put,
    roomy_config,
)

HEALTH_RECORD_ID = f"__drkit_health__#{LOCAL}"
WRITES = ("PutItem", "TransactWriteItems")


def get_health(deps: Deps) -> tuple[int, dict[str, Any]]:
    response = health_api.handle(http_event("GET /health"), deps)
    return response["statusCode"], json.loads(response["body"])


def _touches_audit_table(body: dict[str, Any]) -> bool:
    tables = [body.get("TableName")]
    tables += [next(iter(i.values())).get("TableName") for i in body.get("TransactItems", [])]
    return AUDIT_TABLE in tables


def refusing_audit_writes(code: str) -> Callable[..., Any]:
    """A ``before-call`` handler answering ``code`` to any write that touches the audit table."""

    def refuse(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not _touches_audit_table(json.loads(params["body"])):
            return None
        error = {"Error": {"Code": code, "Message": "refused"}, "ResponseMetadata": {}}
        return AWSResponse("https://dynamodb", 400, {}, None), error

    return refuse


@pytest.fixture
def refusing(infra: SimpleNamespace, clock: FixedClock) -> Callable[[str], Deps]:
    """Handler wiring whose audit replica answers every write with the given error code."""

    def wiring(code: str) -> Deps:
        session = boto3.session.Session()
        for operation in WRITES:
            session.events.register(
                f"before-call.dynamodb.{operation}", refusing_audit_writes(code)
            )
        config = roomy_config()
        return Deps(config=config, clients=Clients(config, session=session), clock=clock)

    return wiring


def test_health_appends_its_own_audit_entry(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """The append is an audit entry as the API writes one, under drkit's reserved id."""
    assert get_health(deps)[0] == 200
    (entry,) = audit_entries(infra, HEALTH_RECORD_ID)
    assert entry["event_id"]["S"] == "health"
    assert entry["at_ms"]["N"] == str(int(clock() * 1000))
    assert {"action", "outcome", "region", "request_id"} <= entry.keys()


def test_the_audit_entry_is_rewritten_in_place(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """Probes in later intervals keep one entry per region: the trail does not grow."""
    for seconds in (0, 10, 20):
        clock.epoch_s += seconds
        assert get_health(deps)[0] == 200
    (entry,) = audit_entries(infra, HEALTH_RECORD_ID)
    assert entry["at_ms"]["N"] == str(int(clock() * 1000))


@pytest.mark.parametrize(
    "code", ["AccessDeniedException", "ProvisionedThroughputExceededException"]
)
def test_an_audit_replica_that_refuses_writes_answers_503(
    refusing: Callable[[str], Deps], code: str
) -> None:
    """The records API cannot write there, and /health says so: 503, failing that check alone."""
    deps = refusing(code)
    assert put(deps, "r-1")[0] in (500, 503)
    status, body = get_health(deps)
    assert (status, body["failed"]) == (503, ["audit_table_write"])
    audit = next(c for c in body["checks"] if c["name"] == "audit_table_write")
    assert audit["reason"] == code


def test_a_missing_audit_replica_answers_503(deps: Deps, infra: SimpleNamespace) -> None:
    """Without the audit replica (moto's own answer), the append fails and so does /health."""
    infra.dynamodb.delete_table(TableName=AUDIT_TABLE)
    status, body = get_health(deps)
    assert (status, body["failed"]) == (503, ["audit_table_write"])
    audit = next(c for c in body["checks"] if c["name"] == "audit_table_write")
    assert audit["reason"] == "ResourceNotFoundException"
