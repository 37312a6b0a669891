"""What the canary tells an operator about each run: its summary, its error, and the log
lines (event, level, store, region, reason or error code) that alarms and searches key on."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError

from drkit_runtime import canary
from drkit_runtime.deps import Deps
from tests.runtime.events import object_created_event, scheduled_event, stream_record
from tests.runtime.support import (
    AUDIT_TABLE,
    BUCKETS,
    LOCAL,
    OTHER,
    PATIENT_TABLE,
    FixedClock,
    logged,
)

OTHER_KEY = f"drkit-canary/{OTHER}/latest.json"


def _missing(store: str, **error: str) -> dict[str, Any]:
    return {
        "level": "WARN",
        "event": "heartbeat_missing",
        "store": store,
        "source_region": OTHER,
        **error,
    }


def _summary(kind: str, count: int) -> dict[str, Any]:
    return {"level": "INFO", "event": "canary", "kind": kind, "region": LOCAL, "count": count}


#: The peer's own bucket does not exist in these tests: its SourceHeartbeatAge read fails.
PEER_BUCKET_MISSING = {
    "level": "ERROR",
    "event": "heartbeat_read_failed",
    "store": "objects",
    "source_region": OTHER,
    "error_type": "NoSuchBucket",
    "error_code": "NoSuchBucket",
}


def test_a_run_before_anything_replicated_logs_each_missing_heartbeat(
    deps: Deps, infra: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each heartbeat not here yet is a warning naming its store and region; the peer's
    unreadable bucket an error with its code; then the run's summary."""
    canary.handle(scheduled_event(), deps)
    assert logged(capsys) == [
        _missing("patient_records"),
        _missing("audit_logs"),
        _missing("objects", error_type="NoSuchKey", error_code="NoSuchKey"),
        PEER_BUCKET_MISSING,
        _summary("schedule", 0),
    ]


def test_heartbeats_it_cannot_read_are_logged_with_the_reason(
    deps: Deps, infra: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    """A heartbeat whose time is not a number, and a canary object whose body names another
    region, are errors naming the store, the region and why."""
    record_id = {"S": f"__drkit_heartbeat__#{OTHER}"}
    infra.dynamodb.put_item(
        TableName=PATIENT_TABLE,
        Item={"record_id": record_id, "region": {"S": OTHER}, "written_at_ms": {"S": "soon"}},
    )
    body = json.dumps({"region": "eu-west-1", "written_at_ms": 1}).encode()
    infra.s3.put_object(Bucket=BUCKETS[LOCAL], Key=OTHER_KEY, Body=body)
    canary.handle(scheduled_event(), deps)
    lines = logged(capsys)
    assert lines[0] == {
        "level": "ERROR",
        "event": "heartbeat_read_failed",
        "store": "patient_records",
        "source_region": OTHER,
        "error_type": "NotAnObservation",
    }
    assert lines[2] == {
        "level": "ERROR",
        "event": "heartbeat_read_failed",
        "store": "objects",
        "source_region": OTHER,
        "reason": "canary object body and key disagree on the region",
    }


def test_heartbeats_it_cannot_write_fail_the_run_naming_them(
    deps: Deps, infra: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without its audit table and its bucket, the run logs each failed write with its code,
    then fails naming both stores; the handler logs the failure with the error's type."""
    infra.dynamodb.delete_table(TableName=AUDIT_TABLE)
    infra.s3.delete_bucket(Bucket=BUCKETS[LOCAL])
    with pytest.raises(canary.CanaryError) as failed:
        canary.handle(scheduled_event(), deps)
    assert str(failed.value) == "could not write heartbeat(s) to audit_logs, objects"
    lines = logged(capsys)
    assert lines[:2] == [
        {
            "level": "ERROR",
            "event": "heartbeat_write_failed",
            "store": "audit_logs",
            "error_type": "ResourceNotFoundException",
            "error_code": "ResourceNotFoundException",
        },
        {
            "level": "ERROR",
            "event": "heartbeat_write_failed",
            "store": "objects",
            "error_type": "NoSuchBucket",
            "error_code": "NoSuchBucket",
        },
    ]
    assert lines[3] == {
        "level": "ERROR",
        "event": "heartbeat_read_failed",
        "store": "audit_logs",
        "source_region": OTHER,
        "error_type": "ResourceNotFoundException",
        "error_code": "ResourceNotFoundException",
    }
    assert lines[-1] == {
        "level": "ERROR",
        "event": "canary_failed",
        "kind": "schedule",
        "region": LOCAL,
        "error_type": "CanaryError",
    }


def test_the_canary_object_is_json(deps: Deps, infra: SimpleNamespace) -> None:
    """The heartbeat object is stored as application/json, as S3 serves it back."""
    canary.handle(scheduled_event(), deps)
    head = infra.s3.head_object(Bucket=BUCKETS[LOCAL], Key=f"drkit-canary/{LOCAL}/latest.json")
    assert head["ContentType"] == "application/json"


def test_stream_records_without_lag_are_counted_by_reason(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Skipped stream records are logged once per reason with how many, then the summary."""
    now_ms = int(clock() * 1000)
    own = [
        stream_record(table=PATIENT_TABLE, source_region=LOCAL, written_at_ms=now_ms, arrived_s=1)
        for _ in range(2)
    ]
    customer = stream_record(
        table=PATIENT_TABLE, source_region=OTHER, written_at_ms=now_ms, arrived_s=1, record_id="r"
    )
    assert canary.handle({"Records": [*own, customer]}, deps) == {
        "kind": "stream",
        "published": 0,
        "skipped": 3,
    }
    assert logged(capsys) == [
        {
            "level": "INFO",
            "event": "stream_records_skipped",
            "reason": "not a heartbeat",
            "count": 1,
        },
        {"level": "INFO", "event": "stream_records_skipped", "reason": "own heartbeat", "count": 2},
        _summary("stream", 0),
    ]


@pytest.mark.parametrize(
    ("bucket", "key", "reason"),
    [
        (BUCKETS[OTHER], OTHER_KEY, "event for another bucket"),
        (BUCKETS[LOCAL], "patients/scan.dcm", "not a canary object"),
        (BUCKETS[LOCAL], f"drkit-canary/{LOCAL}/latest.json", "own heartbeat"),
        (BUCKETS[LOCAL], "drkit-canary/eu-west-1/latest.json", "heartbeat of an unknown region"),
    ],
)
def test_object_events_without_lag_say_why(
    deps: Deps, bucket: str, key: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each object event that measures nothing is counted as skipped and logged with why."""
    event = object_created_event(bucket=bucket, key=key, version_id=None, time="t")
    assert canary.handle(event, deps) == {"kind": "object", "published": 0, "skipped": 1}
    assert logged(capsys) == [
        {"level": "INFO", "event": "object_event_skipped", "reason": reason},
        _summary("object", 0),
    ]


def test_an_object_event_whose_object_measures_nothing_is_a_warning(
    deps: Deps, infra: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    """A canary object that is not JSON is skipped with a warning naming why and its region."""
    infra.s3.put_object(Bucket=BUCKETS[LOCAL], Key=OTHER_KEY, Body=b"not json")
    event = object_created_event(bucket=BUCKETS[LOCAL], key=OTHER_KEY, version_id=None, time="t")
    assert canary.handle(event, deps) == {"kind": "object", "published": 0, "skipped": 1}
    assert logged(capsys)[0] == {
        "level": "WARN",
        "event": "object_event_skipped",
        "reason": "canary object is not JSON",
        "source_region": OTHER,
    }


def test_an_event_of_no_known_shape_is_a_warning(
    deps: Deps, capsys: pytest.CaptureFixture[str]
) -> None:
    """An event the canary does not handle is logged as ignored, with this region."""
    canary.handle({"source": "aws.events", "detail-type": "Some Other Event"}, deps)
    assert logged(capsys) == [
        {"level": "WARN", "event": "event_ignored", "kind": "unknown", "region": LOCAL}
    ]


def test_a_peer_that_cannot_be_reached_costs_its_point_not_the_run(
    deps: Deps, infra: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    """No connection to the peer's bucket: an error naming the store, the region and the
    error's type; the run still finishes."""

    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://s3.us-west-2.vpce")

    deps.clients.peer("s3", OTHER).meta.events.register("before-call.s3.GetObject", unreachable)
    assert canary.handle(scheduled_event(), deps)["kind"] == "schedule"
    assert logged(capsys)[3] == {
        "level": "ERROR",
        "event": "heartbeat_read_failed",
        "store": "objects",
        "source_region": OTHER,
        "error_type": "EndpointConnectionError",
    }
