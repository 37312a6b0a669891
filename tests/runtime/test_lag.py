"""Lag arithmetic with fixed clocks: stream records, S3 events and heartbeat ages."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given

from drkit_runtime import lag
from tests.runtime.events import stream_record
from tests.runtime.support import AUDIT_TABLE, LOCAL, OTHER, PATIENT_TABLE
from tests.strategies.runtime import clock_pairs, heartbeat_stream_records

STORES = {PATIENT_TABLE: "patient_records", AUDIT_TABLE: "audit_logs"}
REGIONS = (LOCAL, OTHER)
WRITTEN_MS = 1_700_000_000_250


def lag_of(record: dict[str, object]) -> lag.Observation:
    return lag.stream_replication_lag(
        record, stores_by_table=STORES, local_region=LOCAL, regions=REGIONS
    )


@given(pair=clock_pairs())
def test_lag_is_never_negative(pair: tuple[int, int]) -> None:
    """Whatever the two clocks say, the lag is at least 0."""
    written, observed = pair
    assert lag.lag_seconds(written_at_ms=written, observed_at_ms=observed) >= 0


@given(pair=clock_pairs())
def test_lag_is_the_difference_when_ordered(pair: tuple[int, int]) -> None:
    """When the observation is not before the write, the lag is their difference in seconds."""
    written, observed = sorted(pair)
    assert lag.lag_seconds(written_at_ms=written, observed_at_ms=observed) == pytest.approx(
        (observed - written) / 1000
    )


def test_stream_record_lag() -> None:
    """Arrival 1700000003 s minus a write at ...000.250 s is 2.75 s for patient_records."""
    observation = lag_of(
        stream_record(
            table=PATIENT_TABLE,
            source_region=OTHER,
            written_at_ms=WRITTEN_MS,
            arrived_s=1_700_000_003,
        )
    )
    assert observation == lag.Observation(
        metric="ReplicationLag",
        store="patient_records",
        source_region=OTHER,
        receiving_region=LOCAL,
        seconds=2.75,
    )


def test_stream_record_store_comes_from_the_table() -> None:
    """A record from the audit table's stream is measured as Store=audit_logs."""
    record = stream_record(
        table=AUDIT_TABLE,
        source_region=OTHER,
        written_at_ms=WRITTEN_MS,
        arrived_s=1_700_000_001,
        audit=True,
    )
    assert lag_of(record).store == "audit_logs"


def test_stream_lag_clamps_clock_skew() -> None:
    """An arrival stamped before the write (skewed clocks) counts as 0 lag, not negative."""
    record = stream_record(
        table=PATIENT_TABLE,
        source_region=OTHER,
        written_at_ms=WRITTEN_MS,
        arrived_s=1_699_999_990,
    )
    assert lag_of(record).seconds == 0


@given(
    sample=heartbeat_stream_records(
        table=PATIENT_TABLE, source_region=OTHER, receiving_region=LOCAL
    )
)
def test_stream_lag_matches_the_clocks(sample: tuple[dict[str, object], int, int]) -> None:
    """Any replicated heartbeat's lag is max(0, arrival - write), in seconds."""
    record, written, arrived_s = sample
    assert lag_of(record).seconds == pytest.approx(max(0, arrived_s * 1000 - written) / 1000)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"event_name": "REMOVE"}, "not an insert or modify"),
        ({"source_region": LOCAL}, "own heartbeat"),
        ({"source_region": "eu-west-1"}, "heartbeat of an unknown region"),
        ({"record_id": "__drkit_health__#us-west-2"}, "not a heartbeat"),
        ({"record_id": "patient-42"}, "not a heartbeat"),
        # A heartbeat key of one region with another region in the item: not a heartbeat.
        (
            {"record_id": "__drkit_heartbeat__#us-west-2", "source_region": "eu-west-1"},
            "not a heartbeat",
        ),
        ({"table": "someone-elses-table"}, "stream of an unknown table"),
    ],
)
def test_stream_records_without_lag_are_skipped(change: dict[str, str], reason: str) -> None:
    """Removals, own heartbeats, unknown regions/tables and other keys measure nothing; the
    reason (which the canary logs) says which."""
    fields: dict[str, object] = {
        "table": PATIENT_TABLE,
        "source_region": OTHER,
        "written_at_ms": WRITTEN_MS,
        "arrived_s": 1_700_000_003,
        **change,
    }
    with pytest.raises(lag.NotAnObservation) as skipped:
        lag_of(stream_record(**fields))  # type: ignore[arg-type]
    assert str(skipped.value) == reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"ApproximateCreationDateTime": None}, "no ApproximateCreationDateTime"),
        ({"ApproximateCreationDateTime": "later"}, "ApproximateCreationDateTime is not a number"),
        ({"written_at_ms": {"N": "soon"}}, "written_at_ms is not a number"),
        ({"written_at_ms": {"N": "-1"}}, "written_at_ms is not a finite, non-negative number"),
        (
            {"eventSourceARN": "arn:aws:dynamodb:us-east-1:1:stream/x"},
            "eventSourceARN names no table",
        ),
    ],
)
def test_stream_records_that_cannot_be_read_say_why(change: dict[str, object], reason: str) -> None:
    """A stream record missing its arrival time, with a bad one, with a bad heartbeat time or
    from an ARN that names no table measures nothing, saying which."""
    record = stream_record(
        table=PATIENT_TABLE, source_region=OTHER, written_at_ms=WRITTEN_MS, arrived_s=1
    )
    for key, value in change.items():
        if key == "eventSourceARN":
            record[key] = value
        elif key == "written_at_ms":
            record["dynamodb"]["NewImage"][key] = value
        elif value is None:
            del record["dynamodb"][key]
        else:
            record["dynamodb"][key] = value
    with pytest.raises(lag.NotAnObservation) as skipped:
        lag_of(record)
    assert str(skipped.value) == reason


@pytest.mark.parametrize(
    ("value", "ms"), [("0", 0), (0, 0), ("1700000000250", WRITTEN_MS), ("2.9", 2)]
)
def test_an_epoch_of_zero_or_more_is_read(value: object, ms: int) -> None:
    """Epoch milliseconds from a number string or a number, 0 included, whole milliseconds."""
    assert lag.parse_epoch_ms(value) == ms


NOT_A_NUMBER = "written_at_ms is not a number"
NOT_A_TIME = "written_at_ms is not a finite, non-negative number"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("-1", NOT_A_TIME),
        ("-0.5", NOT_A_TIME),
        ("NaN", NOT_A_TIME),
        ("Infinity", NOT_A_TIME),
        (True, NOT_A_NUMBER),
        (None, NOT_A_NUMBER),
        ("x", NOT_A_NUMBER),
    ],
)
def test_an_epoch_that_is_no_time_is_refused(value: object, reason: str) -> None:
    """Negative, infinite and not-a-number values are no time; booleans, nothing and text
    are no number."""
    with pytest.raises(lag.NotAnObservation) as refused:
        lag.parse_epoch_ms(value)
    assert str(refused.value) == reason


def test_a_time_without_an_offset_is_utc_whatever_the_local_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """EventBridge times are UTC: one written without an offset is read as UTC, not local."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert lag.parse_event_time("2023-11-14T22:13:20") == 1_700_000_000_000
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def canary_body(region: str = OTHER, written_at_ms: int = WRITTEN_MS) -> bytes:
    return json.dumps({"region": region, "written_at_ms": written_at_ms}).encode()


@pytest.mark.parametrize(
    ("event_time", "seconds"),
    [
        ("2023-11-14T22:13:25Z", 4.75),
        ("2023-11-14T22:13:25+00:00", 4.75),
        ("2023-11-14T23:13:25+01:00", 4.75),
        ("2023-11-14T22:13:25", 4.75),
        ("2023-11-14T22:13:19Z", 0),
    ],
)
def test_object_lag_from_event_time(event_time: str, seconds: float) -> None:
    """Event time minus the body's written_at_ms (1700000000.250 s), clamped at 0."""
    observation = lag.object_replication_lag(
        body=canary_body(), key_region=OTHER, event_time=event_time, local_region=LOCAL
    )
    assert (observation.store, observation.source_region, observation.seconds) == (
        "objects",
        OTHER,
        seconds,
    )


@pytest.mark.parametrize(
    ("body", "event_time", "reason"),
    [
        (b"not json", "2023-11-14T22:13:25Z", "canary object is not JSON"),
        (b"[1]", "2023-11-14T22:13:25Z", "canary object has no region"),
        (b'{"region": 7}', "2023-11-14T22:13:25Z", "canary object has no region"),
        (
            canary_body(region="eu-west-1"),
            "2023-11-14T22:13:25Z",
            "canary object body and key disagree on the region",
        ),
        (
            json.dumps({"region": OTHER, "written_at_ms": "soon"}).encode(),
            "2023-11-14T22:13:25Z",
            "written_at_ms is not a number",
        ),
        (canary_body(), "yesterday", "event time is not ISO-8601"),
        (canary_body(), None, "event time is missing"),
    ],
)
def test_malformed_object_event_is_skipped(body: bytes, event_time: object, reason: str) -> None:
    """A canary object or event that cannot be read measures nothing, saying why."""
    with pytest.raises(lag.NotAnObservation) as skipped:
        lag.object_replication_lag(
            body=body, key_region=OTHER, event_time=event_time, local_region=LOCAL
        )
    assert str(skipped.value) == reason


def test_heartbeat_age_with_fixed_clock() -> None:
    """A heartbeat written at ...000.250 s is 59.75 s old at ...060.000 s."""
    observation = lag.heartbeat_age(
        store="audit_logs",
        source_region=OTHER,
        receiving_region=LOCAL,
        written_at_ms=WRITTEN_MS,
        now_ms=1_700_000_060_000,
    )
    assert (observation.metric, observation.seconds) == ("HeartbeatAge", 59.75)


def test_heartbeat_from_the_future_is_zero_old() -> None:
    """A heartbeat stamped after now (skewed clocks) is 0 s old."""
    observation = lag.heartbeat_age(
        store="objects",
        source_region=OTHER,
        receiving_region=LOCAL,
        written_at_ms=WRITTEN_MS + 5_000,
        now_ms=WRITTEN_MS,
    )
    assert observation.seconds == 0


def test_dimensions_are_exactly_the_alarm_dimensions() -> None:
    """Every observation carries Store, SourceRegion and ReceivingRegion, nothing else."""
    observation = lag.heartbeat_age(
        store="objects",
        source_region=OTHER,
        receiving_region=LOCAL,
        written_at_ms=0,
        now_ms=0,
    )
    assert observation.dimensions() == [
        {"Name": "Store", "Value": "objects"},
        {"Name": "SourceRegion", "Value": OTHER},
        {"Name": "ReceivingRegion", "Value": LOCAL},
    ]


def test_table_name_from_stream_arn() -> None:
    """The table name is read from a stream ARN and from a table ARN alike."""
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/drkit-audit-logs/stream/2024-01-01T00"
    assert lag.table_name_from_arn(arn) == "drkit-audit-logs"
    assert lag.table_name_from_arn(arn.split("/stream/")[0]) == "drkit-audit-logs"
