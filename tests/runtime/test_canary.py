"""The canary end to end against moto: heartbeats written, ages and lags published with the
exact metric names and dimensions the stack's alarms watch."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from drkit_runtime import canary, lag, metrics
from drkit_runtime.deps import Deps
from tests.runtime.events import object_created_event, scheduled_event, stream_record
from tests.runtime.support import (
    AUDIT_TABLE,
    BUCKETS,
    LOCAL,
    NAMESPACE,
    OTHER,
    PATIENT_TABLE,
    FixedClock,
)

OTHER_KEY = f"drkit-canary/{OTHER}/latest.json"


def dims(store: str, source: str = OTHER, receiving: str = LOCAL) -> list[dict[str, str]]:
    return [
        {"Name": "Store", "Value": store},
        {"Name": "SourceRegion", "Value": source},
        {"Name": "ReceivingRegion", "Value": receiving},
    ]


def published(infra: SimpleNamespace, metric: str) -> list[list[dict[str, str]]]:
    """Dimension sets of every `metric` in the namespace, sorted by Store."""
    found = infra.cloudwatch.list_metrics(Namespace=NAMESPACE, MetricName=metric)["Metrics"]
    return sorted((m["Dimensions"] for m in found), key=lambda d: d[0]["Value"])


def maximum(infra: SimpleNamespace, clock: FixedClock, metric: str, store: str) -> list[float]:
    """Values of `metric` for `store` around the fixed clock (Maximum per minute)."""
    now = datetime.fromtimestamp(clock(), tz=UTC)
    result = infra.cloudwatch.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "m",
                "MetricStat": {
                    "Metric": {
                        "Namespace": NAMESPACE,
                        "MetricName": metric,
                        "Dimensions": dims(store),
                    },
                    "Period": 60,
                    "Stat": "Maximum",
                    "Unit": "Seconds",
                },
            }
        ],
        StartTime=now - timedelta(minutes=5),
        EndTime=now + timedelta(minutes=5),
    )
    return result["MetricDataResults"][0]["Values"]


def seed_other_region(infra: SimpleNamespace, written_at_ms: int) -> None:
    """What replication would have brought here from OTHER: two items and one object."""
    common = {"region": {"S": OTHER}, "written_at_ms": {"N": str(written_at_ms)}}
    record_id = {"S": f"__drkit_heartbeat__#{OTHER}"}
    infra.dynamodb.put_item(TableName=PATIENT_TABLE, Item={"record_id": record_id, **common})
    infra.dynamodb.put_item(
        TableName=AUDIT_TABLE,
        Item={"record_id": record_id, "event_id": {"S": "heartbeat"}, **common},
    )
    infra.s3.put_object(
        Bucket=BUCKETS[LOCAL],
        Key=OTHER_KEY,
        Body=json.dumps({"region": OTHER, "written_at_ms": written_at_ms}).encode(),
    )


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        (scheduled_event(), "schedule"),
        (
            {
                "Records": [
                    stream_record(
                        table=PATIENT_TABLE, source_region=OTHER, written_at_ms=0, arrived_s=0
                    )
                ]
            },
            "stream",
        ),
        (object_created_event(bucket="b", key="k", version_id=None, time="t"), "object"),
        ({"Records": [{"eventSource": "aws:sqs"}]}, "unknown"),
        ({"source": "aws.s3", "detail-type": "Object Deleted"}, "unknown"),
        ({"source": "aws.events", "detail-type": "Object Created"}, "unknown"),
        ({"source": "aws.s3", "detail-type": "Scheduled Event"}, "unknown"),
        ({}, "unknown"),
    ],
)
def test_classify_by_shape(event: dict[str, Any], kind: str) -> None:
    """Each event shape the canary receives is told apart; anything else is unknown."""
    assert canary.classify(event) == kind


def test_schedule_writes_heartbeats(deps: Deps, infra: SimpleNamespace, clock: FixedClock) -> None:
    """A scheduled run stamps this region's heartbeat in both tables and its bucket."""
    canary.handle(scheduled_event(), deps)
    now_ms = str(int(clock() * 1000))
    record_id = {"S": f"__drkit_heartbeat__#{LOCAL}"}
    patient = infra.dynamodb.get_item(TableName=PATIENT_TABLE, Key={"record_id": record_id})
    audit = infra.dynamodb.get_item(
        TableName=AUDIT_TABLE, Key={"record_id": record_id, "event_id": {"S": "heartbeat"}}
    )
    for item in (patient["Item"], audit["Item"]):
        assert (item["region"]["S"], item["written_at_ms"]["N"]) == (LOCAL, now_ms)
    body = infra.s3.get_object(Bucket=BUCKETS[LOCAL], Key=f"drkit-canary/{LOCAL}/latest.json")
    assert json.loads(body["Body"].read()) == {"region": LOCAL, "written_at_ms": int(now_ms)}


def test_schedule_publishes_heartbeat_age_with_exact_dimensions(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """With the other region's heartbeats 42 s old, HeartbeatAge is 42 for every store."""
    seed_other_region(infra, written_at_ms=int(clock() * 1000) - 42_000)
    summary = canary.handle(scheduled_event(), deps)
    assert summary == {"kind": "schedule", "published": 3, "missing": []}
    assert published(infra, "HeartbeatAge") == [
        dims("audit_logs"),
        dims("objects"),
        dims("patient_records"),
    ]
    for store in ("patient_records", "audit_logs", "objects"):
        assert maximum(infra, clock, "HeartbeatAge", store) == [42.0]


def test_schedule_reads_the_peers_canary_object_at_its_source(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """SourceHeartbeatAge is the age of the peer's own canary object in the peer's bucket."""
    peer = boto3.client("s3", region_name=OTHER)
    peer.create_bucket(
        Bucket=BUCKETS[OTHER], CreateBucketConfiguration={"LocationConstraint": OTHER}
    )
    written = int(clock() * 1000) - 7_000
    peer.put_object(
        Bucket=BUCKETS[OTHER],
        Key=f"drkit-canary/{OTHER}/latest.json",
        Body=json.dumps({"region": OTHER, "written_at_ms": written}).encode(),
    )
    canary.handle(scheduled_event(), deps)
    assert published(infra, "SourceHeartbeatAge") == [dims("objects")]
    assert maximum(infra, clock, "SourceHeartbeatAge", "objects") == [7.0]


def test_schedule_goes_on_without_the_peers_bucket(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """A peer whose bucket does not answer costs its SourceHeartbeatAge point, nothing more."""
    seed_other_region(infra, written_at_ms=int(clock() * 1000) - 1_000)
    summary = canary.handle(scheduled_event(), deps)
    assert summary["published"] == 3 and published(infra, "SourceHeartbeatAge") == []


def test_schedule_never_reports_its_own_region(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """No data point has SourceRegion equal to the receiving region."""
    seed_other_region(infra, written_at_ms=int(clock() * 1000))
    canary.handle(scheduled_event(), deps)
    sources = {d[1]["Value"] for d in published(infra, "HeartbeatAge")}
    assert sources == {OTHER}


def test_schedule_with_nothing_replicated_yet(deps: Deps, infra: SimpleNamespace) -> None:
    """Before anything has replicated, the run succeeds, reports what is missing, publishes 0."""
    summary = canary.handle(scheduled_event(), deps)
    assert summary["published"] == 0
    assert sorted(summary["missing"]) == [
        f"audit_logs/{OTHER}",
        f"objects/{OTHER}",
        f"patient_records/{OTHER}",
    ]
    assert published(infra, "HeartbeatAge") == []


def test_schedule_fails_when_its_own_write_fails(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """If this region cannot write a heartbeat, the run raises (so Lambda counts an error),
    after still publishing the ages it could measure."""
    seed_other_region(infra, written_at_ms=int(clock() * 1000) - 1_000)
    infra.dynamodb.delete_table(TableName=AUDIT_TABLE)
    with pytest.raises(canary.CanaryError, match="audit_logs"):
        canary.handle(scheduled_event(), deps)
    assert published(infra, "HeartbeatAge") == [dims("objects"), dims("patient_records")]


def test_schedule_does_not_move_a_heartbeat_back(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """A run stamped earlier than the stored heartbeat (a late retry) leaves it alone."""
    canary.handle(scheduled_event(), deps)
    first = str(int(clock() * 1000))
    clock.epoch_s -= 30
    canary.handle(scheduled_event(), deps)
    item = infra.dynamodb.get_item(
        TableName=PATIENT_TABLE, Key={"record_id": {"S": f"__drkit_heartbeat__#{LOCAL}"}}
    )["Item"]
    assert item["written_at_ms"]["N"] == first


def test_stream_batch_publishes_replication_lag(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """Replicated heartbeats in a stream batch become ReplicationLag per table; others are
    skipped, and the handler answers in the partial-batch shape."""
    written = int(clock() * 1000) - 3_500
    arrived = int(clock())
    batch = {
        "Records": [
            stream_record(
                table=PATIENT_TABLE, source_region=OTHER, written_at_ms=written, arrived_s=arrived
            ),
            stream_record(
                table=AUDIT_TABLE,
                source_region=OTHER,
                written_at_ms=written,
                arrived_s=arrived - 1,
                audit=True,
            ),
            stream_record(
                table=PATIENT_TABLE, source_region=LOCAL, written_at_ms=written, arrived_s=arrived
            ),
        ]
    }
    assert canary.handle(batch, deps) == {"kind": "stream", "published": 2, "skipped": 1}
    assert published(infra, "ReplicationLag") == [dims("audit_logs"), dims("patient_records")]
    assert maximum(infra, clock, "ReplicationLag", "patient_records") == [3.5]
    assert maximum(infra, clock, "ReplicationLag", "audit_logs") == [2.5]
    assert published(infra, "HeartbeatArrivals") == [dims("audit_logs"), dims("patient_records")]


def test_stream_handler_answers_partial_batch_shape(
    infra: SimpleNamespace, clock: FixedClock
) -> None:
    """The Lambda entry point answers a stream batch with an empty batchItemFailures."""
    batch = {
        "Records": [
            stream_record(
                table=PATIENT_TABLE,
                source_region=OTHER,
                written_at_ms=int(clock() * 1000),
                arrived_s=clock(),
            )
        ]
    }
    assert canary.handler(batch, None) == {"batchItemFailures": []}
    assert published(infra, "ReplicationLag") == [dims("patient_records")]


def test_object_event_publishes_lag_of_that_version(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """An "Object Created" for another region's canary object measures the version it names:
    event time minus that version's written_at_ms."""
    now_ms = int(clock() * 1000)
    event_written = now_ms - 7_000
    version = infra.s3.put_object(
        Bucket=BUCKETS[LOCAL],
        Key=OTHER_KEY,
        Body=json.dumps({"region": OTHER, "written_at_ms": event_written}).encode(),
    )["VersionId"]
    infra.s3.put_object(  # a newer version that must not be the one measured
        Bucket=BUCKETS[LOCAL],
        Key=OTHER_KEY,
        Body=json.dumps({"region": OTHER, "written_at_ms": now_ms}).encode(),
    )
    event_time = datetime.fromtimestamp(clock(), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    event = object_created_event(
        bucket=BUCKETS[LOCAL], key=OTHER_KEY, version_id=version, time=event_time
    )
    assert canary.handle(event, deps) == {"kind": "object", "published": 1, "skipped": 0}
    assert published(infra, "ReplicationLag") == [dims("objects")]
    assert maximum(infra, clock, "ReplicationLag", "objects") == [7.0]
    assert published(infra, "HeartbeatArrivals") == [dims("objects")]


@pytest.mark.parametrize(
    ("bucket", "key"),
    [
        (BUCKETS[LOCAL], f"drkit-canary/{LOCAL}/latest.json"),
        (BUCKETS[LOCAL], "patients/scan.dcm"),
        (BUCKETS[LOCAL], "drkit-canary/eu-west-1/latest.json"),
        (BUCKETS[OTHER], OTHER_KEY),
    ],
)
def test_object_events_without_lag_are_skipped(
    deps: Deps, infra: SimpleNamespace, bucket: str, key: str
) -> None:
    """Own canary objects, customer objects, unknown regions and other buckets measure nothing
    (and the customer's object is never read)."""
    event = object_created_event(
        bucket=bucket, key=key, version_id=None, time="2024-01-01T00:00:00Z"
    )
    assert canary.handle(event, deps)["published"] == 0
    assert published(infra, "ReplicationLag") == []


def test_unknown_event_is_ignored(deps: Deps, infra: SimpleNamespace) -> None:
    """An event of an unknown shape is logged and ignored, not failed (so not retried)."""
    assert canary.handle({"hello": "world"}, deps) == {"kind": "unknown", "published": 0}


class RecordingCloudWatch:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def put_metric_data(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


def test_metrics_are_sent_in_batches() -> None:
    """45 observations go out in 3 PutMetricData calls of at most 20 data points each."""
    client = RecordingCloudWatch()
    observations = [
        lag.heartbeat_age(
            store="objects", source_region=OTHER, receiving_region=LOCAL, written_at_ms=0, now_ms=i
        )
        for i in range(45)
    ]
    calls = metrics.publish(client, namespace=NAMESPACE, observations=observations, at_epoch_s=0)
    assert calls == 3
    assert [len(c["MetricData"]) for c in client.calls] == [20, 20, 5]
    assert {d["Unit"] for c in client.calls for d in c["MetricData"]} == {"Seconds"}


def test_every_measured_lag_is_counted_as_an_arrival_at_one_second_resolution() -> None:
    """Each ReplicationLag point comes with a HeartbeatArrivals point (1, Count, resolution
    1 s, same dimensions); ages are not arrivals."""
    client = RecordingCloudWatch()
    arrived = lag.Observation(
        metric="ReplicationLag",
        store="objects",
        source_region=OTHER,
        receiving_region=LOCAL,
        seconds=2.0,
    )
    age = lag.heartbeat_age(
        store="objects", source_region=OTHER, receiving_region=LOCAL, written_at_ms=0, now_ms=9
    )
    metrics.publish(client, namespace=NAMESPACE, observations=[arrived, age], at_epoch_s=0)
    (call,) = client.calls
    counted = [d for d in call["MetricData"] if d["MetricName"] == "HeartbeatArrivals"]
    assert counted == [
        {
            "MetricName": "HeartbeatArrivals",
            "Dimensions": arrived.dimensions(),
            "Timestamp": call["MetricData"][0]["Timestamp"],
            "Value": 1,
            "Unit": "Count",
            "StorageResolution": 1,
        }
    ]
    assert len(call["MetricData"]) == 3


def test_metric_points_are_stamped_in_utc() -> None:
    """Each point carries the run's time as an aware UTC datetime, in seconds."""
    observation = lag.heartbeat_age(
        store="objects", source_region=OTHER, receiving_region=LOCAL, written_at_ms=0, now_ms=1
    )
    [point] = metrics.metric_data([observation], at_epoch_s=0)
    assert point == {
        "MetricName": "HeartbeatAge",
        "Dimensions": observation.dimensions(),
        "Timestamp": datetime(1970, 1, 1, tzinfo=UTC),
        "Value": 0.001,
        "Unit": "Seconds",
    }
