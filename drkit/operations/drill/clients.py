"""AWS clients for a drill: one boto3 client per (service, region), reused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

#: ``(service, region) -> boto3 client``; tests hand in clients of an in-process moto.
ClientFactory = Callable[[str, str], Any]

#: Standard retries and short timeouts: a drill must not hang while a region is drained.
_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=10
)


def boto3_clients(*, endpoint_url: str | None = None) -> ClientFactory:
    """Clients from the default credential chain; ``endpoint_url`` sends them to an emulator."""
    session = boto3.session.Session()
    cache: dict[tuple[str, str], Any] = {}

    def client(service: str, region: str) -> Any:
        if (service, region) not in cache:
            cache[service, region] = session.client(
                service, region_name=region, endpoint_url=endpoint_url, config=_CONFIG
            )
        return cache[service, region]

    return client
