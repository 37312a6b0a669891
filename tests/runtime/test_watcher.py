"""The watcher: probes each peer's /health as Route 53 would and publishes what it saw here."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import json
import ssl
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

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
        ("None", datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC))
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


def _serving(httpd: http.server.ThreadingHTTPServer) -> threading.Thread:
    # serve_forever polls for shutdown() every half second by default: a test's teardown.
    return threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One server for the module: it answers each path's status, holding no state."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = _serving(httpd)
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


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no CA signed, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api-usw2.example.com")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def untrusted_https(tmp_path: Path) -> Iterator[str]:
    """An HTTPS server answering like the others, with a certificate no CA signed."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = _serving(httpd)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_broken_certificate_is_unhealthy_to_the_watcher_alone(untrusted_https):
    """Route 53's HTTPS checks do not validate certificates (an invalid one still passes if
    /health answers 2xx); the watcher does, so a region with a broken certificate is alarmed
    by its peers' watchers while Route 53 keeps it in (docs/architecture.md)."""
    unverified = ssl._create_unverified_context()  # what Route 53's checkers accept
    with urllib.request.urlopen(f"{untrusted_https}/200", context=unverified, timeout=4) as r:
        assert r.status == 200
    assert probe(f"{untrusted_https}/200") is False


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
