"""boto3 clients, created once per container and shared by every invocation.

Two profiles: "health" clients give up quickly (one attempt, timeouts inside the health
deadline) because Route 53 retries on its own schedule and a late answer is a wrong answer;
"default" clients use the standard retry mode for the records API and the canary. Clients of
another region go to that region's interface endpoint (read once from this region's
peer-endpoints parameter, which the peering stack writes) and give up after one short
attempt: a peer that does not answer must not hold a request hostage.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError

from drkit_runtime.config import Config, ConfigError, parse_peer_endpoints

Profile = Literal["health", "default"]


def health_client_config(deadline_ms: int) -> BotoConfig:
    """Client settings whose single attempt cannot outlive the health deadline by much."""
    deadline_seconds = deadline_ms / 1000
    return BotoConfig(
        connect_timeout=min(1.0, deadline_seconds),
        read_timeout=deadline_seconds,
        retries={"total_max_attempts": 1, "mode": "standard"},
        tcp_keepalive=True,
    )


DEFAULT_CLIENT_CONFIG = BotoConfig(
    connect_timeout=2,
    read_timeout=5,
    retries={"total_max_attempts": 3, "mode": "standard"},
    tcp_keepalive=True,
)


#: A peer region is reached over VPC peering; one quick attempt, then the caller moves on.
PEER_CLIENT_CONFIG = BotoConfig(
    connect_timeout=1,
    read_timeout=2,
    retries={"total_max_attempts": 1, "mode": "standard"},
    tcp_keepalive=True,
)


class PeerEndpointsUnknown(BotoCoreError):
    """This region does not know a peer's endpoints yet (the peering stack writes them).

    A ``BotoCoreError``: to every caller it is a peer that cannot be reached, like a timeout.
    """

    fmt = "no endpoints known for {region}: {reason}"


class Clients:
    """Lazily created, cached boto3 clients for one region.

    Client creation goes through one lock because boto3 sessions are not thread-safe, while
    the clients themselves are and are shared freely between the health check threads.
    """

    def __init__(self, config: Config, session: boto3.session.Session | None = None) -> None:
        self._region = config.region
        self._config = config
        self._peer_endpoints: dict[str, dict[str, str]] | None = None
        self._session = session or boto3.session.Session()
        self._profiles = {
            "health": health_client_config(config.health_deadline_ms),
            "default": DEFAULT_CLIENT_CONFIG,
        }
        self._cache: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def get(self, service: str, profile: Profile = "default") -> Any:
        """The cached client for `service` in this region with the given profile."""
        key = (service, profile)
        with self._lock:
            client = self._cache.get(key)
            if client is None:
                # The service name is only known at run time, so no typed overload applies.
                service_name: Any = service
                client = self._session.client(
                    service_name, region_name=self._region, config=self._profiles[profile]
                )
                self._cache[key] = client
            return client

    def peer(self, service: str, region: str) -> Any:
        """The cached client for `service` of another `region`, through its interface endpoint.

        Raises:
            PeerEndpointsUnknown: The peer-endpoints parameter is unreadable or malformed.
        """
        key = (service, f"peer:{region}")
        with self._lock:
            client = self._cache.get(key)
        if client is not None:
            return client
        url = self._peer_endpoint(service, region)
        with self._lock:
            client = self._cache.get(key)
            if client is None:
                service_name: Any = service
                client = self._session.client(
                    service_name,
                    region_name=region,
                    endpoint_url=url,
                    config=PEER_CLIENT_CONFIG,
                )
                self._cache[key] = client
            return client

    def _peer_endpoint(self, service: str, region: str) -> str:
        """The URL of ``service`` in ``region``, from the parameter read once per container.

        A failed read is not remembered: the next call reads again.
        """
        if self._peer_endpoints is None:
            answer = self.get("ssm").get_parameter(
                Name=self._config.peer_endpoints_parameter_name, WithDecryption=True
            )
            try:
                self._peer_endpoints = parse_peer_endpoints(
                    answer["Parameter"]["Value"], self._config.other_regions
                )
            except ConfigError as exc:
                raise PeerEndpointsUnknown(region=region, reason=str(exc)) from None
        return self._peer_endpoints[region][service]
