"""access.py against what the runtime was seen to call: a fast oracle for the declaration.

The stack grants each function exactly what drkit_runtime/access.py declares (tests/synth
checks that side). These tests check the other side without synthesizing anything: the
declaration is exactly the table of observed calls (tests/runtime/observed_calls.py), and a
tour of every handler's paths makes exactly the calls in that table.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import boto3
import pytest

from drkit_runtime import auditor, canary, health_api, replicated, watcher
from drkit_runtime.access import FUNCTIONS, own_services, peer_services
from drkit_runtime.aws import Clients
from drkit_runtime.deps import Deps
from tests.runtime.events import http_event, object_created_event, scheduled_event, stream_record
from tests.runtime.observed_calls import OBSERVED, Use, declared, translate
from tests.runtime.recorder import CallRecorder
from tests.runtime.support import (
    BUCKETS,
    LOCAL,
    OTHER,
    PARAMETERS,
    PATIENT_TABLE,
    TABLES,
    FixedClock,
    create_patient_table,
    get,
    put,
)


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_every_observed_call_is_declared(function: str) -> None:
    """Each call the function was seen to make is granted by access.py (none narrowed away)."""
    assert OBSERVED[function] - declared(function) == set()


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_every_declared_call_was_observed(function: str) -> None:
    """access.py grants the function nothing it was never seen to call (none widened)."""
    assert declared(function) - OBSERVED[function] == set()


def test_the_services_needing_an_endpoint_are_those_observed() -> None:
    """Each service some function was seen to call in its own region needs an endpoint there,
    and each it was seen to call in a peer one over peering; the watcher's public calls need
    none."""
    assert own_services() == ("dynamodb", "monitoring", "s3", "ssm")
    assert peer_services() == ("dynamodb", "s3")


def _seed_peer(infra: SimpleNamespace, clock: FixedClock) -> None:
    """The peer region as the reads need it: a record only it has, and its canary object."""
    peer_table = boto3.client("dynamodb", region_name=OTHER)
    create_patient_table(peer_table)
    peer_table.put_item(
        TableName=PATIENT_TABLE,
        Item={
            "record_id": {"S": "only-in-peer"},
            "patient_id": {"S": "p-2"},
            "record_type": {"S": "lab"},
            "payload": {"S": "{}"},
        },
    )
    key = f"drkit-canary/{OTHER}/latest.json"
    body = json.dumps({"region": OTHER, "written_at_ms": int(clock() * 1000) - 1_000}).encode()
    peer_bucket = boto3.client("s3", region_name=OTHER)
    peer_bucket.create_bucket(
        Bucket=BUCKETS[OTHER], CreateBucketConfiguration={"LocationConstraint": OTHER}
    )
    peer_bucket.put_object(Bucket=BUCKETS[OTHER], Key=key, Body=body)
    infra.s3.put_object(Bucket=BUCKETS[LOCAL], Key=key, Body=body)


def _container(deps: Deps) -> Deps:
    """The same wiring with clients of its own: each function runs in its own containers,
    so one function's cached reads (the peers' endpoints) never stand in for another's."""
    return Deps(config=deps.config, clients=Clients(deps.config), clock=deps.clock)


def _conflict(deps: Deps, infra: SimpleNamespace) -> None:
    """rec-1, as another region wrote it concurrently, arriving on the patient stream."""
    table = deps.config.patient_table_name
    ours = infra.dynamodb.get_item(TableName=table, Key={"record_id": {"S": "rec-1"}})["Item"]
    theirs = {**ours, "version": {"S": "v-peer"}, "updated_in_region": {"S": OTHER}}
    change = {"ApproximateCreationDateTime": 1, "OldImage": ours, "NewImage": theirs}
    batch = {"Records": [{"eventID": "e1", "eventName": "MODIFY", "dynamodb": change}]}
    assert replicated.handle_stream(batch, deps)["conflicts"] == 1


def _tour(deps: Deps, infra: SimpleNamespace, clock: FixedClock) -> None:
    """Every handler down every path that calls AWS differently, each in its own container."""
    health_api.handle(http_event("GET /health"), _container(deps))
    records = _container(deps)
    put(records, "rec-1", request_id="req-write")
    get(records, "rec-1", request_id="req-read")
    get(records, "only-in-peer", request_id="req-peer-read")
    deps = _container(deps)
    canary.handle(scheduled_event(), deps)
    key = f"drkit-canary/{OTHER}/latest.json"
    version = infra.s3.head_object(Bucket=BUCKETS[LOCAL], Key=key)["VersionId"]
    canary.handle(
        object_created_event(
            bucket=BUCKETS[LOCAL], key=key, version_id=version, time="2024-01-01T00:00:00Z"
        ),
        deps,
    )
    written = int(clock() * 1000)
    batch = stream_record(
        table=PATIENT_TABLE, source_region=OTHER, written_at_ms=written, arrived_s=clock()
    )
    canary.handle({"Records": [batch]}, deps)
    auditor.handle(_container(deps))
    _conflict(records, infra)


def test_a_tour_of_every_handler_makes_exactly_the_observed_calls(
    deps: Deps,
    infra: SimpleNamespace,
    clock: FixedClock,
    aws_calls: CallRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Health, records (written, read here, read from the peer), the canary's three events and
    the watcher, as their Lambda containers build them, call exactly the observed table."""
    _seed_peer(infra, clock)
    _tour(deps, infra, clock)
    monkeypatch.setenv("DRKIT_WATCH_TARGETS", json.dumps({OTHER: "https://peer/health"}))
    monkeypatch.setattr(watcher, "_deps", None)
    watcher.handle(*watcher._container_deps(), check=lambda url: True)
    seen: dict[str, set[Use]] = {function: set() for function in FUNCTIONS}
    for call in aws_calls:
        seen[call.function].update(
            translate(call, own_region=LOCAL, tables=TABLES, parameters=PARAMETERS)
        )
    assert seen == OBSERVED
