"""Health checks and weighted aliases: HTTPS checks, each record tied to its region's check."""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.regions.spec import HEALTH_CHECK_INTERVALS
from drkit.services.route53 import (
    HealthCheck,
    HealthCheckProps,
    HostedZone,
    HostedZoneProps,
    RegionalAlias,
    RegionalAliasProps,
    WeightedAlias,
    WeightedAliasProps,
)
from drkit_runtime import contract
from drkit_runtime.aws import health_client_config
from tests.helpers import only

pytestmark = pytest.mark.synth


def test_health_check_is_https_and_validated(h):
    """A 20 s interval and a zero threshold are refused; the default check is HTTPS on 443."""
    with pytest.raises(SpecError, match="interval_seconds"):
        HealthCheckProps(
            placement=h["us-east-1"], region="us-east-1", fqdn="x", interval_seconds=20
        )
    with pytest.raises(SpecError, match="failure_threshold"):
        HealthCheckProps(
            placement=h["us-east-1"], region="us-east-1", fqdn="x", failure_threshold=0
        )
    HealthCheck(
        h.stack,
        "hc",
        props=HealthCheckProps(placement=h["us-east-1"], region="us-east-1", fqdn="a.example.com"),
    )
    out = only(h.synth(), "aws_route53_health_check")
    assert (out["type"], out["port"], out["request_interval"], out["failure_threshold"]) == (
        "HTTPS",
        443,
        10,
        3,
    )


def test_weighted_alias_needs_its_regions_check(h):
    """A check of another region or a weight over 100 is refused; the record carries its weight."""
    zone = HostedZone(
        h.stack, "z", props=HostedZoneProps(placement=h["us-east-1"], zone_name="dr.example.com")
    )
    check = HealthCheck(
        h.stack,
        "hc",
        props=HealthCheckProps(placement=h["us-east-1"], region="us-east-1", fqdn="a.example.com"),
    )
    base = {
        "zone": zone,
        "record_name": "api.dr.example.com",
        "health_check": check,
        "target_domain_name": "d",
        "target_zone_id": "Z1",
    }
    with pytest.raises(SpecError, match="health_check"):
        WeightedAliasProps(placement=h["us-east-1"], region="us-west-2", weight=30, **base)
    with pytest.raises(SpecError, match="weight"):
        WeightedAliasProps(placement=h["us-east-1"], region="us-east-1", weight=101, **base)
    WeightedAlias(
        h.stack,
        "r",
        props=WeightedAliasProps(placement=h["us-east-1"], region="us-east-1", weight=70, **base),
    )
    record = only(h.synth(), "aws_route53_record")
    assert (
        record["weighted_routing_policy"] == {"weight": 70}
        and record["set_identifier"] == "us-east-1"
    )


def test_health_deadline_is_well_inside_route53s_timeout():
    """/health answers (or gives up) within half the 2 s Route 53 waits after connecting."""
    assert contract.HEALTH_DEADLINE_MS * 2 <= HealthCheck.RESPONSE_TIMEOUT_SECONDS * 1000
    config = health_client_config(contract.HEALTH_DEADLINE_MS)
    assert config.read_timeout <= contract.HEALTH_DEADLINE_MS / 1000
    assert config.connect_timeout <= contract.HEALTH_DEADLINE_MS / 1000
    # The cache adds at most one interval to a drain; keep it under one checker interval.
    assert min(HEALTH_CHECK_INTERVALS) > contract.HEALTH_CACHE_SECONDS


def test_regional_alias_names_one_region(h):
    """A region's own name is a plain alias (no weight, no check) inside the zone."""
    zone = HostedZone(
        h.stack, "z", props=HostedZoneProps(placement=h["us-east-1"], zone_name="dr.example.com")
    )
    base = {"zone": zone, "target_domain_name": "d-1.execute-api", "target_zone_id": "Z1"}
    with pytest.raises(SpecError, match="record_name"):
        RegionalAliasProps(
            placement=h["us-east-1"], region="us-east-1", record_name="api-use1.other.org", **base
        )
    alias = RegionalAlias(
        h.stack,
        "a",
        props=RegionalAliasProps(
            placement=h["us-east-1"],
            region="us-east-1",
            record_name="api-use1.dr.example.com",
            **base,
        ),
    )
    record = only(h.synth(), "aws_route53_record")
    assert (record["name"], record["type"]) == ("api-use1.dr.example.com", "A")
    assert record["alias"]["name"] == "d-1.execute-api"
    assert "weighted_routing_policy" not in record and "health_check_id" not in record
    assert alias.region == "us-east-1"


def test_health_check_exposes_the_name_it_probes(h):
    """``fqdn`` is the host the check resolves and presents as SNI."""
    check = HealthCheck(
        h.stack,
        "hc",
        props=HealthCheckProps(
            placement=h["us-east-1"], region="us-east-1", fqdn="api-use1.dr.example.com"
        ),
    )
    out = only(h.synth(), "aws_route53_health_check")
    assert check.fqdn == out["fqdn"] == "api-use1.dr.example.com"
    assert out["enable_sni"] is True
