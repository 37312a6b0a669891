"""The records API's writes and reads: each audited in the same transaction, reads served
from the peer's replica when this one lacks the record, and nothing returned unaudited."""

from __future__ import annotations

import itertools
import json
import re
from types import SimpleNamespace
from typing import Any

import boto3
from hypothesis import given, settings
from moto import mock_aws

from drkit_runtime import records
from drkit_runtime.aws import Clients
from drkit_runtime.config import Config
from drkit_runtime.deps import Deps
from tests.runtime.events import ACTOR
from tests.runtime.support import (
    AUDIT_TABLE,
    GOOD_BODY,
    LOCAL,
    OTHER,
    PATIENT_TABLE,
    PEER_ENDPOINTS,
    PEER_ENDPOINTS_PARAMETER,
    FixedClock,
    audit_entries,
    create_audit_table,
    create_patient_table,
    get,
    put,
    stored,
)
from tests.strategies.runtime import json_objects, valid_record_ids

# --- writes and their audit -----------------------------------------------------------


def test_put_stores_record_and_audit_entry(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """A PUT stores the record and one audit entry that names who, what, where and when."""
    status, body = put(deps, "rec-1", request_id="req-42")
    assert status == 200 and body["record_id"] == "rec-1"
    item = stored(infra, "rec-1")
    assert item is not None
    assert json.loads(item["payload"]["S"]) == GOOD_BODY["payload"]
    [entry] = audit_entries(infra, "rec-1")
    assert entry["action"]["S"] == "record.write"
    assert entry["region"]["S"] == LOCAL
    assert entry["actor"]["S"] == ACTOR
    assert entry["request_id"]["S"] == "req-42"
    assert entry["event_id"]["S"] == f"{records.iso_timestamp(int(clock() * 1000))}#req-42"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z#req-42", entry["event_id"]["S"])


def test_audit_entry_holds_no_record_data(deps: Deps, infra: SimpleNamespace) -> None:
    """The audit entry carries neither the payload nor the patient id."""
    put(deps, "rec-1")
    [entry] = audit_entries(infra, "rec-1")
    assert not {"payload", "patient_id", "record_type"} & set(entry)
    assert "120/80" not in json.dumps(entry) and "p-1" not in json.dumps(entry)


def test_audit_without_authorizer_has_no_actor(deps: Deps, infra: SimpleNamespace) -> None:
    """Without an IAM authorizer context the entry has no actor rather than a made-up one."""
    put(deps, "rec-1", actor=None)
    [entry] = audit_entries(infra, "rec-1")
    assert "actor" not in entry


def test_audit_collision_cancels_the_record_write(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """If the audit entry cannot be appended, the record is not written either (409)."""
    event_id = f"{records.iso_timestamp(int(clock() * 1000))}#req-7"
    infra.dynamodb.put_item(
        TableName=AUDIT_TABLE, Item={"record_id": {"S": "rec-1"}, "event_id": {"S": event_id}}
    )
    assert put(deps, "rec-1", request_id="req-7")[0] == 409
    assert stored(infra, "rec-1") is None


def test_missing_audit_table_cancels_the_record_write(deps: Deps, infra: SimpleNamespace) -> None:
    """With the audit table gone, a PUT fails with 500 and stores nothing."""
    infra.dynamodb.delete_table(TableName=AUDIT_TABLE)
    status, body = put(deps, "rec-1")
    assert (status, body) == (500, {"error": "storage error"})
    assert stored(infra, "rec-1") is None


def test_older_write_does_not_replace_newer(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """A PUT stamped before the stored version is refused with 409 and changes nothing."""
    put(deps, "rec-1")
    clock.epoch_s -= 5
    status, _ = put(deps, "rec-1", {**GOOD_BODY, "record_type": "older"}, request_id="req-2")
    assert status == 409
    assert stored(infra, "rec-1")["record_type"]["S"] == "encounter"  # type: ignore[index]
    assert len(audit_entries(infra, "rec-1")) == 1


# --- reads and their audit ------------------------------------------------------------


def test_get_returns_record_and_audits_the_read(deps: Deps, infra: SimpleNamespace) -> None:
    """A GET returns the stored record and appends a "found" read entry to the audit trail."""
    put(deps, "rec-1", request_id="req-w")
    status, body = get(deps, "rec-1", request_id="req-r")
    assert status == 200
    assert {k: body[k] for k in GOOD_BODY} == GOOD_BODY
    reads = [e for e in audit_entries(infra, "rec-1") if e["action"]["S"] == "record.read"]
    assert [(e["request_id"]["S"], e["outcome"]["S"]) for e in reads] == [("req-r", "found")]


def test_get_missing_is_404_and_audited(deps: Deps, infra: SimpleNamespace) -> None:
    """A GET of an unknown id answers 404 and still leaves a "not_found" audit entry."""
    status, _ = get(deps, "nobody")
    [entry] = audit_entries(infra, "nobody")
    assert (status, entry["outcome"]["S"]) == (404, "not_found")


def test_get_reads_a_record_not_replicated_here_from_the_peer(
    deps: Deps, infra: SimpleNamespace
) -> None:
    """A record only the peer's replica has yet is served from it, said so, and audited so."""
    peer = boto3.client("dynamodb", region_name=OTHER)
    create_patient_table(peer)
    item = {
        "record_id": {"S": "late"},
        "patient_id": {"S": "p-9"},
        "record_type": {"S": "lab"},
        "payload": {"S": '{"k":1}'},
        "updated_in_region": {"S": OTHER},
    }
    peer.put_item(TableName=PATIENT_TABLE, Item=item)
    status, body = get(deps, "late", request_id="req-p")
    assert (status, body["read_from"], body["payload"]) == (200, OTHER, {"k": 1})
    [entry] = audit_entries(infra, "late")
    assert (entry["outcome"]["S"], entry["region"]["S"]) == (f"found_in_peer:{OTHER}", LOCAL)


def test_get_names_the_peers_it_could_not_ask(deps: Deps, infra: SimpleNamespace) -> None:
    """A record missing here while a peer does not answer is a 404 naming that peer."""
    status, body = get(deps, "nobody")
    assert (status, body.get("unreachable_regions")) == (404, [OTHER])


def test_peer_clients_use_the_endpoint_the_peering_stack_wrote(deps: Deps) -> None:
    """Peer clients go to the URL in this region's peer-endpoints parameter, in the peer's
    region."""
    client = deps.clients.peer("dynamodb", OTHER)
    expected = PEER_ENDPOINTS[OTHER]["dynamodb"]
    assert (client.meta.endpoint_url, client.meta.region_name) == (expected, OTHER)


def test_unknown_peer_endpoints_make_the_peer_unreachable(
    deps: Deps, infra: SimpleNamespace
) -> None:
    """Before the peering stack wrote the parameter, a peer read is a peer that cannot be
    reached (a 404 naming it), not a crash; once written, the next request uses it."""
    infra.ssm.delete_parameter(Name=PEER_ENDPOINTS_PARAMETER)
    status, body = get(deps, "nobody")
    assert (status, body.get("unreachable_regions")) == (404, [OTHER])
    infra.ssm.put_parameter(
        Name=PEER_ENDPOINTS_PARAMETER, Value=json.dumps(PEER_ENDPOINTS), Type="SecureString"
    )
    assert (
        deps.clients.peer("dynamodb", OTHER).meta.endpoint_url == PEER_ENDPOINTS[OTHER]["dynamodb"]
    )


def test_get_without_audit_returns_no_data(deps: Deps, infra: SimpleNamespace) -> None:
    """If the read cannot be audited, the caller gets 500 and none of the record."""
    put(deps, "rec-1")
    infra.dynamodb.delete_table(TableName=AUDIT_TABLE)
    status, body = get(deps, "rec-1")
    assert (status, body) == (500, {"error": "storage error"})


def test_payload_round_trips() -> None:
    """Whatever JSON object is PUT comes back unchanged from GET."""
    # One account for all examples; each request has its own id, so audit entries never collide.
    requests = itertools.count()
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=LOCAL)
        create_patient_table(dynamodb)
        create_audit_table(dynamodb)
        config = Config.from_environ()
        deps = Deps(config=config, clients=Clients(config), clock=FixedClock(1_700_000_000.0))

        @settings(max_examples=25, deadline=None)
        @given(record_id=valid_record_ids(), payload=json_objects())
        def round_trip(record_id: str, payload: dict[str, Any]) -> None:
            n = next(requests)
            body = {**GOOD_BODY, "payload": payload}
            assert put(deps, record_id, body, request_id=f"req-write-{n}")[0] == 200
            status, answer = get(deps, record_id, request_id=f"req-read-{n}")
            assert (status, answer["payload"]) == (200, payload)

        round_trip()
