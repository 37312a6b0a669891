"""drkit_runtime.versions: every write a version that stays readable, If-Match refusing a
stale one, and a concurrent write in another region detected from the stream, recorded once in
the audit trail with both versions and regions, counted, and told by GET until resolved."""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

from drkit_runtime import replicated, versions
from drkit_runtime.contract import AUDIT_NAMESPACE, WRITE_CONFLICTS
from drkit_runtime.deps import Deps
from tests.runtime.events import http_event
from tests.runtime.support import (
    GOOD_BODY,
    LOCAL,
    OTHER,
    FixedClock,
    audit_entries,
    call,
    get,
    put,
    stored,
)


def _put(deps: Deps, record_id: str, *, if_match: str | None = None, **kw: Any) -> Any:
    event = http_event("PUT /records/{id}", record_id=record_id, body=GOOD_BODY, **kw)
    if if_match is not None:
        event["headers"]["if-match"] = if_match
    return call(deps, event)


_requests = itertools.count()


def _get_version(deps: Deps, record_id: str, version: str) -> Any:
    """GET ?version= (each its own request: an audit entry is keyed by time and request)."""
    event = http_event("GET /records/{id}", record_id=record_id, request_id=f"v{next(_requests)}")
    event["queryStringParameters"] = {"version": version}
    return call(deps, event)


def test_every_write_is_a_version_that_stays_readable(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """Each PUT names its version and the one it replaces; both stay readable by version."""
    _, first = put(deps, "rec-1", request_id="w1")
    clock.epoch_s += 1
    _, second = put(deps, "rec-1", request_id="w2")
    assert first["replaces"] == "" and second["replaces"] == first["version"]
    assert get(deps, "rec-1", request_id="r1")[1]["version"] == second["version"]
    for written in (first, second):
        status, body = _get_version(deps, "rec-1", written["version"])
        assert (status, body["version"], body["record_id"]) == (200, written["version"], "rec-1")
    assert _get_version(deps, "rec-1", "0-nowhere-x")[0] == 404


def test_a_stale_if_match_is_refused_with_the_current_version(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """If-Match naming a version the record is no longer at: 409 and the current one; the
    current one: written."""
    _, first = put(deps, "rec-1", request_id="w1")
    clock.epoch_s += 1
    _, second = put(deps, "rec-1", request_id="w2")
    status, body = _put(deps, "rec-1", if_match=f'"{first["version"]}"', request_id="w3")
    assert (status, body["current_version"]) == (409, second["version"])
    assert _put(deps, "rec-1", if_match=second["version"], request_id="w4")[0] == 200


def _replicated(old: dict[str, Any] | None, new: dict[str, Any], event_id: str = "e1") -> dict:
    """The MODIFY stream record of ``new`` replacing ``old`` in this region's replica."""
    return {
        "eventID": event_id,
        "eventName": "MODIFY",
        "dynamodb": {
            "ApproximateCreationDateTime": 1_700_000_000,
            "NewImage": new,
            **({"OldImage": old} if old else {}),
        },
    }


def _item(version: str, replaces: str, region: str) -> dict[str, Any]:
    return {
        "record_id": {"S": "rec-1"},
        "version": {"S": version},
        "replaces": {"S": replaces},
        "updated_in_region": {"S": region},
    }


def test_a_replicated_write_based_on_another_version_is_a_conflict() -> None:
    """Only a write from another region that replaced what it was not based on conflicts."""
    ours, theirs = _item("v1", "v0", LOCAL), _item("v2", "v0", OTHER)
    conflict = versions.detect(_replicated(ours, theirs), LOCAL)
    assert conflict is not None
    assert (conflict.replaced, conflict.replaced_region) == ("v1", LOCAL)
    assert (conflict.kept, conflict.kept_region, conflict.based_on) == ("v2", OTHER, "v0")
    assert versions.detect(_replicated(_item("v0", "", OTHER), theirs), LOCAL) is None
    assert versions.detect(_replicated(theirs, theirs), LOCAL) is None  # delivered again
    assert versions.detect(_replicated(theirs, ours), LOCAL) is None  # our own write
    reserved = {**theirs, "record_id": {"S": "__drkit_heartbeat__#x"}}
    assert versions.detect(_replicated(ours, reserved), LOCAL) is None


def test_a_conflict_is_recorded_once_counted_and_told_by_get(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """The stream's conflict becomes one audit entry naming both versions and regions (again
    delivered: still one), a WriteConflicts point, and GET's ``conflict`` until a write
    based on the kept version resolves it."""
    _, mine = put(deps, "rec-1", request_id="w1")
    theirs = {**stored(infra, "rec-1"), "version": {"S": "v-theirs"}, "replaces": {"S": ""}}
    theirs["updated_in_region"] = {"S": OTHER}
    infra.dynamodb.put_item(TableName=deps.config.patient_table_name, Item=theirs)
    batch = {"Records": [_replicated(_item(mine["version"], "", LOCAL), theirs)]}
    assert replicated.handle_stream(batch, deps)["conflicts"] == 1
    assert replicated.handle_stream(batch, deps)["conflicts"] == 0
    [entry] = [e for e in audit_entries(infra, "rec-1") if e["action"]["S"] == "record.conflict"]
    assert [v["S"] for v in entry["versions"]["L"]] == [mine["version"], "v-theirs"]
    assert [r["S"] for r in entry["regions"]["L"]] == [LOCAL, OTHER]
    body = get(deps, "rec-1", request_id="r1")[1]
    assert body["conflict"] == {
        "versions": [mine["version"], "v-theirs"],
        "regions": [LOCAL, OTHER],
        "detected_in": LOCAL,
    }
    assert _get_version(deps, "rec-1", mine["version"])[0] == 200  # the replaced version
    stats = infra.cloudwatch.get_metric_statistics(
        Namespace=AUDIT_NAMESPACE,
        MetricName=WRITE_CONFLICTS,
        Dimensions=[{"Name": "Region", "Value": LOCAL}],
        StartTime=clock.epoch_s - 600,
        EndTime=clock.epoch_s + 60,
        Period=60,
        Statistics=["Sum"],
    )
    assert [p["Sum"] for p in stats["Datapoints"]] == [1.0]
    clock.epoch_s += 1
    assert _put(deps, "rec-1", if_match="v-theirs", request_id="w-resolve")[0] == 200
    assert "conflict" not in get(deps, "rec-1", request_id="r2")[1]
