"""The runtime's boto3 clients: one per service and profile, in the right region, with the
timeouts and retries each caller can afford."""

from __future__ import annotations

import json

import boto3
import pytest

from drkit_runtime.aws import Clients, health_client_config
from drkit_runtime.config import Config
from tests.runtime.support import BUCKETS, ENV, LOCAL, OTHER


@pytest.fixture
def secondary() -> Config:
    """The secondary region's settings: its region is not the default one of the tests."""
    return Config.from_environ(
        {**ENV, "DRKIT_REGION": OTHER, "DRKIT_ROLE": "secondary", "DRKIT_BUCKET": BUCKETS[OTHER]}
    )


def _settings(client) -> tuple:
    c = client.meta.config
    return (c.connect_timeout, c.read_timeout, c.retries["total_max_attempts"], c.tcp_keepalive)


def test_health_clients_give_up_within_the_deadline() -> None:
    """A 1.5 s deadline: connect within 1 s, read within 1.5 s, one attempt, keep-alive."""
    config = health_client_config(1500)
    assert (config.connect_timeout, config.read_timeout) == (1.0, 1.5)
    assert (config.retries["total_max_attempts"], config.tcp_keepalive) == (1, True)


def test_each_profile_has_its_settings_in_this_region(secondary: Config) -> None:
    """Health clients make one quick attempt, the others three; all in the function's region."""
    clients = Clients(secondary)
    health, default = clients.get("dynamodb", "health"), clients.get("dynamodb")
    assert _settings(health) == (1.0, 1.0, 1, True)
    assert _settings(default) == (2, 5, 3, True)
    assert {health.meta.region_name, default.meta.region_name} == {OTHER}


def test_a_peer_client_makes_one_short_attempt_at_the_peer_s_endpoint(
    aws: None, secondary: Config
) -> None:
    """A peer region's client goes to its endpoint, in its region, once, briefly; and is made
    once per container."""
    peers = {LOCAL: {"dynamodb": "https://ddb.example", "s3": "https://s3.example"}}
    boto3.client("ssm", region_name=OTHER).put_parameter(
        Name=secondary.peer_endpoints_parameter_name, Value=json.dumps(peers), Type="SecureString"
    )
    clients = Clients(secondary)
    peer = clients.peer("dynamodb", "us-east-1")
    assert (peer.meta.endpoint_url, peer.meta.region_name) == ("https://ddb.example", "us-east-1")
    assert _settings(peer) == (1, 2, 1, True)
    assert clients.peer("dynamodb", "us-east-1") is peer
    assert clients.peer("s3", "us-east-1") is not peer


def test_a_client_is_made_once_per_service_and_profile(secondary: Config) -> None:
    """The same service and profile give the same client; another profile another one."""
    clients = Clients(secondary)
    assert clients.get("s3") is clients.get("s3")
    assert clients.get("s3", "health") is not clients.get("s3")
