"""GET /health answers 200 only when what a records request needs in this region says so: the
drain switch, the patient-record replica (read and write) and the audit replica (an append)."""

from __future__ import annotations

import importlib
import itertools
import json
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit_runtime import health, health_api
from drkit_runtime.aws import Clients
from drkit_runtime.config import Config
from drkit_runtime.deps import Deps
from tests.runtime.events import http_event
from tests.runtime.support import (
    BUCKETS,
    DRAIN_PARAMETER,
    LOCAL,
    PATIENT_TABLE,
    FixedClock,
    call,
)

CHECKS = ["drain", "patient_table_read", "patient_table_write", "audit_table_write"]
HEALTH_KEY = {"record_id": {"S": f"__drkit_health__#{LOCAL}"}}
AUDIT_KEY = {**HEALTH_KEY, "event_id": {"S": "health"}}


def get_health(deps: Deps) -> tuple[int, dict[str, Any]]:
    response = health_api.handle(http_event("GET /health"), deps)
    assert response["headers"]["content-type"] == "application/json"
    return response["statusCode"], json.loads(response["body"])


def test_healthy_region_answers_200(deps: Deps) -> None:
    """With both replicas and an "active" switch, every check passes and the answer is 200."""
    status, body = get_health(deps)
    assert status == 200
    assert body["status"] == "healthy"
    assert (body["region"], body["role"]) == (LOCAL, "primary")
    assert [c["name"] for c in body["checks"]] == CHECKS
    assert all(c["ok"] and isinstance(c["latency_ms"], float) for c in body["checks"])
    assert "failed" not in body


def test_health_writes_its_heartbeat_item(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """The write check leaves this region's heartbeat item stamped with the clock."""
    get_health(deps)
    item = infra.dynamodb.get_item(TableName=PATIENT_TABLE, Key=HEALTH_KEY)["Item"]
    assert item["written_at_ms"]["N"] == str(int(clock() * 1000))
    assert item["region"]["S"] == LOCAL


def test_older_health_write_keeps_newer_item(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """A check stamped earlier than the stored heartbeat leaves it alone and still passes."""
    newer_ms = int(clock() * 1000) + 60_000
    infra.dynamodb.put_item(
        TableName=PATIENT_TABLE,
        Item={**HEALTH_KEY, "region": {"S": LOCAL}, "written_at_ms": {"N": str(newer_ms)}},
    )
    status, _ = get_health(deps)
    item = infra.dynamodb.get_item(TableName=PATIENT_TABLE, Key=HEALTH_KEY)["Item"]
    assert (status, item["written_at_ms"]["N"]) == (200, str(newer_ms))


def test_missing_table_fails_both_table_checks(deps: Deps, infra: SimpleNamespace) -> None:
    """Without the patient table replica, both table checks fail and the answer is 503."""
    infra.dynamodb.delete_table(TableName=PATIENT_TABLE)
    status, body = get_health(deps)
    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["failed"] == ["patient_table_read", "patient_table_write"]
    reasons = {c["name"]: c.get("reason") for c in body["checks"]}
    assert reasons["patient_table_read"] == "ResourceNotFoundException"


DEADLINE_MS = 200
STALL_SECONDS = 5


@pytest.fixture
def quick_deps(infra: SimpleNamespace, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Deps:
    """Wiring whose health deadline is DEADLINE_MS."""
    monkeypatch.setenv("DRKIT_HEALTH_DEADLINE_MS", str(DEADLINE_MS))
    config = Config.from_environ()
    quick = Deps(config=config, clients=Clients(config), clock=clock)
    health.warm_clients(quick)  # as the handler does at container start
    return quick


@pytest.fixture
def stalled_get_item(quick_deps: Deps) -> Iterator[None]:
    """Make the health client's GetItem hang well past the deadline, then fail offline."""
    release = threading.Event()

    def stall(**_: Any) -> None:
        release.wait(STALL_SECONDS)
        raise ConnectionError("injected stall")  # the call never reaches the network

    events = quick_deps.clients.get("dynamodb", "health").meta.events
    events.register("before-call.dynamodb.GetItem", stall)
    yield
    release.set()
    events.unregister("before-call.dynamodb.GetItem", stall)


def test_slow_table_fails_as_timeout(quick_deps: Deps, stalled_get_item: None) -> None:
    """A read that outlives the deadline fails with reason "timeout" and the answer is 503."""
    status, body = get_health(quick_deps)
    assert status == 503
    # Only membership: on a loaded machine the other in-process checks may also run late.
    assert "patient_table_read" in body["failed"]
    read = next(c for c in body["checks"] if c["name"] == "patient_table_read")
    assert read["reason"] == "timeout"


def test_timeout_answers_within_the_deadline(quick_deps: Deps, stalled_get_item: None) -> None:
    """A hung check does not hold the answer: it comes long before the stalled call would end.

    The bound is half the stall, not the deadline plus a slack: on a loaded
    2-core machine scheduling alone can add hundreds of milliseconds.
    """
    started = time.monotonic()
    get_health(quick_deps)
    elapsed_ms = (time.monotonic() - started) * 1000
    assert elapsed_ms < STALL_SECONDS * 1000 / 2


def test_the_data_bucket_is_not_a_dependency(deps: Deps, infra: SimpleNamespace) -> None:
    """Records requests never touch the data bucket, so its loss does not fail the region out
    (its replication alarms say so instead)."""
    infra.s3.delete_bucket(Bucket=BUCKETS[LOCAL])
    assert get_health(deps)[0] == 200


@pytest.mark.parametrize("value", ["drained", "DRAINED", " drained\n"])
def test_drained_region_answers_503(deps: Deps, infra: SimpleNamespace, value: str) -> None:
    """The switch at "drained" (any case, any surrounding blanks) fails the drain check."""
    infra.ssm.put_parameter(Name=DRAIN_PARAMETER, Value=value, Type="SecureString", Overwrite=True)
    status, body = get_health(deps)
    assert (status, body["failed"]) == (503, ["drain"])
    drain = next(c for c in body["checks"] if c["name"] == "drain")
    assert drain["reason"] == "drained"


@pytest.mark.parametrize("value", ["active", "undrained", "maintenance"])
def test_other_switch_values_are_normal(deps: Deps, infra: SimpleNamespace, value: str) -> None:
    """Any switch value other than "drained" leaves the region healthy."""
    infra.ssm.put_parameter(Name=DRAIN_PARAMETER, Value=value, Type="SecureString", Overwrite=True)
    assert get_health(deps)[0] == 200


def test_missing_drain_parameter_fails_closed(deps: Deps, infra: SimpleNamespace) -> None:
    """If the switch cannot be read, the region reports unhealthy rather than guess."""
    infra.ssm.delete_parameter(Name=DRAIN_PARAMETER)
    status, body = get_health(deps)
    assert (status, body["failed"]) == (503, ["drain"])
    drain = next(c for c in body["checks"] if c["name"] == "drain")
    assert drain["reason"] == "ParameterNotFound"


def test_handler_builds_clients_once_per_container(infra: SimpleNamespace) -> None:
    """Two invocations of the handler share one set of wiring and boto3 clients."""
    first = health_api.handler(http_event("GET /health"), None)
    wiring = health_api._deps
    client = wiring.clients.get("dynamodb", "health") if wiring else None
    second = health_api.handler(http_event("GET /health"), None)
    assert (first["statusCode"], second["statusCode"]) == (200, 200)
    assert health_api._deps is wiring and wiring.clients.get("dynamodb", "health") is client


def test_health_clients_make_a_single_attempt(deps: Deps) -> None:
    """Health clients never retry and time out within the deadline."""
    config = deps.clients.get("dynamodb", "health").meta.config
    assert config.retries["total_max_attempts"] == 1
    assert config.read_timeout <= deps.config.health_deadline_ms / 1000
    assert config.connect_timeout <= deps.config.health_deadline_ms / 1000


def test_lambda_init_builds_the_wiring(
    infra: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Imported inside Lambda, the health module builds config and its clients at init."""
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "drkit-health")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # keep the asset folder clean
    reloaded = importlib.reload(health_api)
    try:
        assert reloaded._deps is not None
        assert set(reloaded._deps.clients._cache) == {("dynamodb", "health"), ("ssm", "health")}
    finally:
        monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME")
        importlib.reload(health_api)


def test_the_records_function_does_not_serve_health(deps: Deps) -> None:
    """/health is the health function's alone: the records function answers it 404."""
    assert call(deps, http_event("GET /health")) == (404, {"error": "no such route"})


def test_the_health_function_serves_nothing_else(deps: Deps) -> None:
    """A records request that reaches the health function is not served by it."""
    response = health_api.handle(http_event("GET /records/{id}", record_id="r-1"), deps)
    assert response["statusCode"] == 404


# ----- what /health reports of each check ----------------------------------------------------
class ThreadClocks:
    """time.monotonic for the health module: the request's thread reads 100.0 then
    100.25634, each check's thread 10.0 then 10.01234: every check takes 12.34 ms (reported
    as 12.3), the wait 256.34 ms (256.3)."""

    def __init__(self) -> None:
        self._main = threading.get_ident()
        self._readings = threading.local()

    def monotonic(self) -> float:
        if not hasattr(self._readings, "left"):
            start = 100.0 if threading.get_ident() == self._main else 10.0
            step = 0.25634 if start == 100.0 else 0.01234
            # A pool thread may run several checks one after the other: start, end, start...
            self._readings.left = itertools.cycle([start, start + step])
        return next(self._readings.left)


def test_each_check_reports_how_long_it_took(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each fetched check reports its own time in ms (one decimal) and that it was not reused."""
    monkeypatch.setattr(health, "time", ThreadClocks())
    status, body = get_health(deps)
    assert status == 200
    assert body["checks"] == [
        {"name": name, "ok": True, "latency_ms": 12.3, "cached": False} for name in CHECKS
    ]


def test_a_timed_out_check_reports_the_time_waited(
    quick_deps: Deps, stalled_get_item: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check that missed the deadline reports the whole wait as its latency."""
    monkeypatch.setattr(health, "time", ThreadClocks())
    _, body = get_health(quick_deps)
    read = next(c for c in body["checks"] if c["name"] == "patient_table_read")
    assert read == {
        "name": "patient_table_read",
        "ok": False,
        "latency_ms": 256.3,
        "cached": False,
        "reason": "timeout",
    }


def test_a_reused_outcome_is_reported_as_reused_with_its_reason(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within the interval, a second request reuses each outcome, failures with their reason,
    in no time (without running the check again)."""
    monkeypatch.setattr(health, "time", ThreadClocks())
    infra.ssm.put_parameter(
        Name=DRAIN_PARAMETER, Value="drained", Type="SecureString", Overwrite=True
    )
    get_health(deps)
    clock.epoch_s += 1
    status, body = get_health(deps)
    assert status == 503
    assert body["checks"][0] == {
        "name": "drain",
        "ok": False,
        "latency_ms": 0.0,
        "cached": True,
        "reason": "drained",
    }
    assert all(c["cached"] and c["latency_ms"] == 0.0 for c in body["checks"])


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ClientError({"Error": {"Code": "AccessDenied"}}, "GetParameter"), "AccessDenied"),
        (ClientError({"Error": {}}, "PutItem"), "ClientError"),
        (ClientError({}, "PutItem"), "ClientError"),
        (health.CheckFailed("drained"), "drained"),
        (TimeoutError("read timed out"), "TimeoutError"),
    ],
)
def test_a_failed_check_s_reason_is_its_code_or_its_type(error: Exception, reason: str) -> None:
    """An AWS error is reported by its code (ClientError without one), a check's own failure
    by what it says, anything else by its type."""

    def check() -> None:
        raise error

    assert health.outcome_of(check) == reason


def test_the_checks_use_the_single_attempt_clients(deps: Deps) -> None:
    """Every call /health makes goes through the health profile's clients."""
    get_health(deps)
    assert set(deps.clients._cache) == {("dynamodb", "health"), ("ssm", "health")}


def test_a_request_during_a_check_in_flight_shares_its_outcome(deps: Deps) -> None:
    """A request arriving while another's drain read is in flight waits for that read and
    reports its outcome as reused: one read, two answers."""
    started, release, reads = threading.Event(), threading.Event(), []

    def slow_read(**_: Any) -> None:
        reads.append(1)
        started.set()
        release.wait(5)

    deps.clients.get("ssm", "health").meta.events.register(
        "before-call.ssm.GetParameter", slow_read
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(get_health, deps)
        started.wait(5)
        second = pool.submit(get_health, deps)
        time.sleep(0.5)  # let the second request reach the drain check's memo
        release.set()
        drains = [f.result(timeout=10)[1]["checks"][0] for f in (first, second)]
    assert [(d["name"], d["ok"], d["cached"]) for d in drains] == [
        ("drain", True, False),
        ("drain", True, True),
    ]
    assert len(reads) == 1
