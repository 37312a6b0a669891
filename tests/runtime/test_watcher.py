"""The watcher: probes each peer's /health as Route 53 would and publishes what it saw here."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

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


def test_the_environment_the_stack_writes_is_read():
    """A well-formed environment gives the region and the targets back."""
    config = WatchConfig.from_environ(
        {"DRKIT_REGION": "us-east-1", "DRKIT_WATCH_TARGETS": '{"us-west-2": "https://a/health"}'}
    )
    assert (config.region, dict(config.targets)) == ("us-east-1", {"us-west-2": "https://a/health"})


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
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
    ("code", "healthy"), [(200, True), (302, True), (503, False), (404, False)]
)
def test_probe_judges_like_route_53(server, code, healthy):
    """2xx and 3xx (not followed) are healthy; 4xx and 5xx are not."""
    assert probe(f"{server}/{code}") is healthy


def test_probe_of_nothing_listening_is_unhealthy():
    """A refused connection is a failed probe, not an exception."""
    assert probe("http://127.0.0.1:9/health", timeout=1) is False
