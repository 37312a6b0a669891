"""A flood of anonymous GET /health cannot amplify into SSM or DynamoDB calls, and a drain
still shows within the cache interval.

Parameter Store's default throughput is 40 transactions per second per account and Region,
shared by GetParameter, GetParameters and GetParametersByPath
(https://docs.aws.amazon.com/general/latest/gr/ssm.html); the stage admits 1,000 requests per
second. These tests count the AWS calls a container makes while the handler serves a burst.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from drkit_runtime import health_api
from drkit_runtime.aws import Clients
from drkit_runtime.contract import HEALTH_CACHE_SECONDS
from drkit_runtime.deps import Deps
from tests.runtime.events import http_event
from tests.runtime.support import DRAIN_PARAMETER, PATIENT_TABLE, FixedClock, roomy_config

BURST = 1000
#: Every call GET /health may make, and how many of it one refresh of every check makes: the
#: drain switch read, the patient replica's read, and one write to each replica.
HEALTH_CALLS = {"ssm.GetParameter": 1, "dynamodb.GetItem": 1, "dynamodb.PutItem": 2}


class CallCounter:
    """Counts every AWS call made by clients of one boto3 session, by ``service.Operation``."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, event_name: str, **_: Any) -> None:
        with self._lock:
            self.calls[event_name.removeprefix("before-call.")] += 1


@pytest.fixture
def counter() -> CallCounter:
    return CallCounter()


@pytest.fixture
def container(
    infra: SimpleNamespace,
    clock: FixedClock,
    counter: CallCounter,
    monkeypatch: pytest.MonkeyPatch,
) -> Deps:
    """The handler's per-container wiring, on the fixed clock, with every call counted."""
    session = boto3.session.Session()
    session.events.register("before-call.*.*", counter)
    config = roomy_config()
    deps = Deps(config=config, clients=Clients(config, session=session), clock=clock)
    monkeypatch.setattr(health_api, "_deps", deps)
    return deps


def probe() -> tuple[int, dict[str, Any]]:
    """One GET /health through the Lambda entry point, as API Gateway delivers it."""
    response = health_api.handler(http_event("GET /health"), None)
    return response["statusCode"], json.loads(response["body"])


def test_burst_makes_each_call_once(container: Deps, counter: CallCounter) -> None:
    """1,000 probes at one instant make one SSM read and one write per replica, not 1,000."""
    statuses = Counter(probe()[0] for _ in range(BURST))
    assert statuses == {200: BURST}
    assert counter.calls == HEALTH_CALLS


def test_sustained_flood_makes_each_call_once_per_interval(
    container: Deps, clock: FixedClock, counter: CallCounter
) -> None:
    """1,000 probes over 50 s (20 per second) make each call once per cache interval."""
    start, seconds = clock.epoch_s, 50
    for i in range(BURST):
        clock.epoch_s = start + i * seconds / BURST
        assert probe()[0] == 200
    refreshes = seconds // HEALTH_CACHE_SECONDS
    assert counter.calls == {call: n * refreshes for call, n in HEALTH_CALLS.items()}


def test_failing_table_is_not_hammered(
    container: Deps, infra: SimpleNamespace, counter: CallCounter
) -> None:
    """While the table fails, a burst still makes each call once: failures are reused."""
    infra.dynamodb.delete_table(TableName=PATIENT_TABLE)
    results = [probe() for _ in range(BURST)]
    assert {status for status, _ in results} == {503}
    assert all(
        body["failed"] == ["patient_table_read", "patient_table_write"] for _, body in results
    )
    assert counter.calls == HEALTH_CALLS


def test_drained_region_answers_503_within_the_interval(
    container: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """A drain set while the container holds a healthy outcome shows within one interval.

    Until then the old outcome is reused (marked ``cached``); that lag is the price of the
    cache and is part of the drain's documented delay.
    """
    drained_at = clock.epoch_s
    assert probe()[0] == 200
    infra.ssm.put_parameter(
        Name=DRAIN_PARAMETER, Value="drained", Type="SecureString", Overwrite=True
    )
    status, body = probe()
    assert status == 200
    assert next(c for c in body["checks"] if c["name"] == "drain")["cached"] is True
    clock.epoch_s = drained_at + HEALTH_CACHE_SECONDS
    for _ in range(BURST // 10):
        status, body = probe()
        assert (status, body["failed"]) == (503, ["drain"])
