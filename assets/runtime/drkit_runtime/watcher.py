"""The watcher: this region's view of every other region's /health, published here.

Route 53's health metrics exist only in us-east-1, so a us-east-1 outage would silence
the alarms on them. The watcher runs in every region, outside the VPC (the functions'
private subnets have no path to a peer's public name), probes each peer's /health on
the URL that peer's Route 53 health check requests, and publishes ``PeerHealthy`` in
its own region, where the alarms on it live. It has no data permissions: it reads no
table, bucket or parameter, only the environment the stack gives it.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3

from drkit_runtime import contract

#: Route 53 gives an HTTPS endpoint 4 s to accept the connection and 2 s more to answer
#: with 2xx or 3xx (dns-failover-determining-health-of-endpoints.html); each blocking step
#: of the watcher's request gets the longer of the two, so it is never stricter.
PROBE_TIMEOUT_SECONDS = 4.0

Probe = Callable[[str], bool]


class WatchConfigError(RuntimeError):
    """A variable the stack should have set for the watcher is missing or malformed."""


@dataclass(frozen=True, kw_only=True)
class WatchConfig:
    """Where the watcher runs and what it probes.

    Attributes:
        region: Its own region (DRKIT_REGION), where it publishes.
        targets: Peer region -> the HTTPS URL its health check requests (DRKIT_WATCH_TARGETS).
    """

    region: str
    targets: Mapping[str, str]

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> WatchConfig:
        env = os.environ if environ is None else environ
        region = env.get(contract.ENV_REGION, "").strip()
        if not region:
            raise WatchConfigError(f"missing environment variable {contract.ENV_REGION}")
        raw = env.get(contract.ENV_WATCH_TARGETS, "")
        try:
            targets = json.loads(raw)
        except ValueError as exc:
            raise WatchConfigError(f"{contract.ENV_WATCH_TARGETS} is not JSON: {exc}") from None
        if (
            not isinstance(targets, dict)
            or not targets
            or region in targets
            or not all(isinstance(u, str) and u.startswith("https://") for u in targets.values())
        ):
            raise WatchConfigError(
                f"{contract.ENV_WATCH_TARGETS} must map every other region to an https:// URL,"
                f' e.g. {{"us-west-2": "https://api-usw2.example.com/health"}}; got {raw!r}'
            )
        return cls(region=region, targets=targets)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Route 53 does not follow a redirect; it judges the 3xx itself."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects())


def probe(url: str, *, timeout: float = PROBE_TIMEOUT_SECONDS) -> bool:
    """GET ``url`` as Route 53 would: healthy on 2xx or 3xx within the timeout."""
    request = urllib.request.Request(url, headers={"User-Agent": "drkit-watcher"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return 200 <= response.status < 400
    except urllib.error.HTTPError as exc:
        return 300 <= exc.code < 400
    except (OSError, ValueError):
        return False


def handle(
    config: WatchConfig,
    cloudwatch: Any,
    *,
    check: Probe = probe,
    clock: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """Probe every peer at once and publish one PeerHealthy point per peer."""
    peers = sorted(config.targets)
    with ThreadPoolExecutor(max_workers=max(len(peers), 1)) as pool:
        healthy = dict(zip(peers, pool.map(check, (config.targets[p] for p in peers)), strict=True))
    timestamp = datetime.fromtimestamp(clock(), tz=UTC)
    cloudwatch.put_metric_data(
        Namespace=contract.WATCH_NAMESPACE,
        MetricData=[
            {
                "MetricName": contract.PEER_HEALTHY,
                "Dimensions": [
                    {"Name": name, "Value": value}
                    for name, value in zip(
                        contract.WATCH_DIMENSIONS, (peer, config.region), strict=True
                    )
                ],
                "Timestamp": timestamp,
                "Value": 1.0 if healthy[peer] else 0.0,
                "Unit": "None",
            }
            for peer in peers
        ],
    )
    return {"kind": "watch", "region": config.region, "healthy": healthy}


_deps: tuple[WatchConfig, Any] | None = None


def _container_deps() -> tuple[WatchConfig, Any]:
    global _deps
    if _deps is None:
        config = WatchConfig.from_environ()
        _deps = (config, boto3.client("cloudwatch", region_name=config.region))
    return _deps


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point: drkit_runtime.watcher.handler (every minute, by schedule)."""
    config, cloudwatch = _container_deps()
    return handle(config, cloudwatch)
