"""The runtime reads the stack's environment variables and names any that is missing."""

from __future__ import annotations

import os

import pytest

from drkit_runtime import contract
from drkit_runtime.config import Config, ConfigError, parse_peer_endpoints
from tests.runtime.support import BUCKETS, ENV, LOCAL, OTHER


def test_reads_every_variable_and_defaults() -> None:
    """Every variable lands in its field; namespace and deadline fall back to defaults."""
    config = Config.from_environ()
    assert config.region == LOCAL
    assert config.role == "primary"
    assert config.regions == (LOCAL, OTHER)
    assert config.other_regions == (OTHER,)
    assert config.bucket_names == BUCKETS
    assert config.metric_namespace == "DrKit/Replication"
    assert config.health_deadline_ms == contract.HEALTH_DEADLINE_MS


def test_overrides_namespace_and_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """DRKIT_METRIC_NAMESPACE and DRKIT_HEALTH_DEADLINE_MS override their defaults."""
    monkeypatch.setenv("DRKIT_METRIC_NAMESPACE", "Custom/Ns")
    monkeypatch.setenv("DRKIT_HEALTH_DEADLINE_MS", "900")
    config = Config.from_environ()
    assert (config.metric_namespace, config.health_deadline_ms) == ("Custom/Ns", 900)


@pytest.mark.parametrize("name", sorted(ENV))
def test_missing_variable_is_named(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """A missing required variable fails with an error naming it."""
    monkeypatch.delenv(name)
    with pytest.raises(ConfigError, match=f"missing environment variable {name}$"):
        Config.from_environ()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DRKIT_ROLE", "tertiary", "DRKIT_ROLE is 'tertiary'; allowed: primary, secondary"),
        ("DRKIT_REGION", "eu-west-1", "not in DRKIT_REGIONS"),
        ("DRKIT_BUCKETS", "not json", "DRKIT_BUCKETS is not valid JSON"),
        ("DRKIT_BUCKETS", '["a"]', "DRKIT_BUCKETS must be a JSON object"),
        ("DRKIT_BUCKETS", '{"us-east-1": "x"}', "no bucket for region"),
        ("DRKIT_BUCKET", "other-bucket", "differs from DRKIT_BUCKETS"),
        ("DRKIT_HEALTH_DEADLINE_MS", "fast", "must be an integer"),
        ("DRKIT_HEALTH_DEADLINE_MS", "0", "must be a positive"),
    ],
)
def test_malformed_variable_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    """A malformed variable fails with an error naming it and what is wrong."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        Config.from_environ()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{", "the peer endpoints are not valid JSON"),
        ('{"us-west-2": ["x"]}', "must be a JSON object of region"),
        ('{"us-west-2": {"s3": "ftp://x"}}', "must be a JSON object"),
        (
            '{"us-west-2": {"s3": "https://s3.example"}}',
            r"no endpoint of \['dynamodb'\] for us-west-2",
        ),
        ("{}", r"no endpoint of \['dynamodb', 's3'\] for us-west-2"),
    ],
)
def test_malformed_peer_endpoints_are_refused(value: str, message: str) -> None:
    """The peer-endpoints parameter's value must name every peer service of every peer."""
    with pytest.raises(ConfigError, match=message):
        parse_peer_endpoints(value, ("us-west-2",))


def test_reads_an_explicit_mapping() -> None:
    """from_environ takes any mapping, not only os.environ."""
    env = {
        **{k: v for k, v in os.environ.items() if k.startswith("DRKIT_")},
        "DRKIT_ROLE": "secondary",
    }
    assert Config.from_environ(env).role == "secondary"


BUCKETS_RULE = (
    'DRKIT_BUCKETS must be a JSON object of region to bucket name, e.g. {"us-east-1": "bucket-a"}'
)
ENDPOINTS_RULE = (
    "the peer endpoints must be a JSON object of region to {service: URL}, e.g."
    ' {"us-west-2": {"dynamodb": "https://vpce-0a1b.dynamodb.us-west-2.vpce.amazonaws.com"}}'
)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DRKIT_BUCKETS", '{"us-east-1": 5}', BUCKETS_RULE),
        ("DRKIT_BUCKETS", '{"us-east-1": ""}', BUCKETS_RULE),
        ("DRKIT_REGIONS", " , ", "DRKIT_REGIONS lists no region"),
        (
            "DRKIT_HEALTH_DEADLINE_MS",
            "0",
            "DRKIT_HEALTH_DEADLINE_MS is 0; it must be a positive number of milliseconds",
        ),
    ],
)
def test_each_refusal_says_exactly_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    """The cold start's error names the variable, what it holds and what it must hold."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        Config.from_environ()
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{"us-west-2": 7}', ENDPOINTS_RULE),
        ("{}", "the peer endpoints have no endpoint of ['dynamodb', 's3'] for us-west-2"),
    ],
)
def test_each_peer_endpoints_refusal_says_exactly_what_is_wrong(value: str, message: str) -> None:
    """The peer-endpoints parameter's refusal says what it must hold, or what it lacks."""
    with pytest.raises(ConfigError) as refused:
        parse_peer_endpoints(value, ("us-west-2",))
    assert str(refused.value) == message


def test_a_deadline_of_one_millisecond_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The smallest positive deadline, 1 ms, is a deadline like any other."""
    monkeypatch.setenv("DRKIT_HEALTH_DEADLINE_MS", "1")
    assert Config.from_environ().health_deadline_ms == 1
