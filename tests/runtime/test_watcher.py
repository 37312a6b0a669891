"""The watcher: probes each peer's /health as Route 53 would and publishes what it saw here."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import ClassVar

import pytest

from drkit_runtime import contract
from drkit_runtime.watcher import WatchConfig, WatchConfigError, handle, probe

TARGETS = {"us-west-2": "https://api-usw2.example.com/health", "eu-west-1": "https://e/health"}


class FakeCloudWatch:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def put_metric_data(self, **kwargs) -> None:
        self.calls.append(kwargs)


def test_every_peer_gets_one_point_in_the_watchers_region():
    """One PeerHealthy point per peer, 1 for healthy and 0 for not, named watched and watcher."""
    cloudwatch = FakeCloudWatch()
    config = WatchConfig(region="us-east-1", targets=TARGETS)
    result = handle(config, cloudwatch, check=lambda url: "usw2" in url, clock=lambda: 0.0)
    assert result["healthy"] == {"us-west-2": True, "eu-west-1": False}
    (call,) = cloudwatch.calls
    assert call["Namespace"] == contract.WATCH_NAMESPACE
    points = {tuple(d["Value"] for d in p["Dimensions"]): p["Value"] for p in call["MetricData"]}
    assert points == {("us-west-2", "us-east-1"): 1.0, ("eu-west-1", "us-east-1"): 0.0}
    assert all(p["MetricName"] == contract.PEER_HEALTHY for p in call["MetricData"])
    assert [d["Name"] for d in call["MetricData"][0]["Dimensions"]] == list(
        contract.WATCH_DIMENSIONS
    )
    assert {(p["Unit"], p["Timestamp"]) for p in call["MetricData"]} == {
        ("None", dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    }
    assert result == {
        "kind": "watch",
        "region": "us-east-1",
        "healthy": {"us-west-2": True, "eu-west-1": False},
    }


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"DRKIT_REGION": "us-east-1"},
        {"DRKIT_REGION": "us-east-1", "DRKIT_WATCH_TARGETS": "not json"},
        {"DRKIT_REGION": "us-east-1", "DRKIT_WATCH_TARGETS": "{}"},
        {"DRKIT_REGION": "us-east-1", "DRKIT_WATCH_TARGETS": '{"us-west-2": "http://plain"}'},
        {"DRKIT_REGION": "us-east-1", "DRKIT_WATCH_TARGETS": '{"us-east-1": "https://self"}'},
    ],
)
def test_a_bad_environment_fails_the_cold_start_naming_it(environ):
    """Missing region, non-JSON, empty, plain-HTTP or self-watching targets are refused."""
    with pytest.raises(WatchConfigError, match="DRKIT_"):
        WatchConfig.from_environ(environ)


def test_a_missing_region_is_named_before_anything_else():
    """With nothing set, the error is the missing DRKIT_REGION."""
    with pytest.raises(WatchConfigError) as refused:
        WatchConfig.from_environ({})
    assert str(refused.value) == "missing environment variable DRKIT_REGION"


def test_the_environment_the_stack_writes_is_read():
    """A well-formed environment gives the region and the targets back."""
    config = WatchConfig.from_environ(
        {"DRKIT_REGION": "us-east-1", "DRKIT_WATCH_TARGETS": '{"us-west-2": "https://a/health"}'}
    )
    assert (config.region, dict(config.targets)) == ("us-east-1", {"us-west-2": "https://a/health"})


class _Handler(http.server.BaseHTTPRequestHandler):
    agents: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.agents.append(self.headers.get("User-Agent", ""))
        if self.path.endswith("/silent"):
            time.sleep(2)  # accepted, never answered in time
            return
        code = int(self.path.rsplit("/", 1)[-1])
        self.send_response(code)
        if 300 <= code < 400:
            self.send_header("Location", "/200")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize(
    ("code", "healthy"),
    [
        *((code, True) for code in (200, 204, 300, 302, 399)),
        *((code, False) for code in (400, 404, 503)),
    ],
)
def test_probe_judges_like_route_53(server, code, healthy):
    """2xx and 3xx (not followed) are healthy; 4xx and 5xx are not."""
    assert probe(f"{server}/{code}") is healthy


def test_probe_of_nothing_listening_is_unhealthy():
    """A refused connection is a failed probe, not an exception."""
    assert probe("http://127.0.0.1:9/health", timeout=1) is False


def test_probe_says_who_it_is(server):
    """Each probe names itself as drkit-watcher, so a peer's access logs tell it apart."""
    _Handler.agents.clear()
    probe(f"{server}/200")
    assert _Handler.agents == ["drkit-watcher"]


def test_probe_gives_up_at_its_timeout(server):
    """A peer that accepts and never answers is unhealthy once the timeout has passed."""
    started = time.monotonic()
    assert probe(f"{server}/silent", timeout=0.2) is False
    assert time.monotonic() - started < 1.5


def test_the_handler_publishes_in_its_own_region(aws, monkeypatch):
    """The Lambda entry point reads its environment, probes every peer and publishes there."""
    import boto3

    from drkit_runtime import watcher

    monkeypatch.setenv("DRKIT_REGION", "eu-west-1")
    monkeypatch.setenv("DRKIT_WATCH_TARGETS", json.dumps({"us-west-2": "https://127.0.0.1:9/h"}))
    monkeypatch.setattr(watcher, "_deps", None)
    assert watcher.handler({}, None) == {
        "kind": "watch",
        "region": "eu-west-1",
        "healthy": {"us-west-2": False},
    }
    metrics = boto3.client("cloudwatch", region_name="eu-west-1").list_metrics(
        Namespace=contract.WATCH_NAMESPACE
    )["Metrics"]
    assert [m["MetricName"] for m in metrics] == [contract.PEER_HEALTHY]
