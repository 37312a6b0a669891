"""HttpApi and its ACM certificate: TLS 1.2 custom domain, signed record routes, access logs."""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.services.acm import Certificate, CertificateProps
from drkit.services.apigateway import (
    HEALTH_BURST_LIMIT,
    HEALTH_RATE_LIMIT,
    HEALTH_ROUTE,
    ROUTE53_CHECKER_PEAK_RPS,
    HttpApi,
    HttpApiProps,
)
from drkit.services.route53 import HostedZone, HostedZoneProps
from tests.helpers import only, resources

pytestmark = pytest.mark.synth


def test_api_uses_tls12_custom_domain_and_signed_records_routes(h):
    """/health is open, record routes need SigV4, the domain needs TLS 1.2, access is logged."""
    zone = HostedZone(
        h.stack, "z", props=HostedZoneProps(placement=h["us-east-1"], zone_name="dr.example.com")
    )
    cert = Certificate(
        h.stack,
        "c",
        props=CertificateProps(
            placement=h["us-east-1"], domain_name="api.dr.example.com", zone=zone
        ),
    )
    fn = h.function()
    HttpApi(
        h.stack,
        "api",
        props=HttpApiProps(
            placement=h["us-east-1"],
            function=fn,
            domain_name="api.dr.example.com",
            certificate=cert,
            key=h.key(),
        ),
    )
    out = h.synth()
    domain = only(out, "aws_apigatewayv2_domain_name")
    assert domain["domain_name_configuration"]["security_policy"] == "TLS_1_2"
    routes = {
        r["route_key"]: r["authorization_type"]
        for r in resources(out, "aws_apigatewayv2_route").values()
    }
    assert routes == {
        "GET /health": "NONE",
        "GET /records/{id}": "AWS_IAM",
        "PUT /records/{id}": "AWS_IAM",
    }
    assert "access_log_settings" in only(out, "aws_apigatewayv2_stage")


def _api_props(h):
    """Makes HttpApiProps in us-east-1 with the given overrides (shared zone and certificate)."""
    zone = HostedZone(
        h.stack, "z", props=HostedZoneProps(placement=h["us-east-1"], zone_name="dr.example.com")
    )
    cert = Certificate(
        h.stack,
        "c",
        props=CertificateProps(
            placement=h["us-east-1"], domain_name="api.dr.example.com", zone=zone
        ),
    )
    base = {
        "placement": h["us-east-1"],
        "function": h.function(),
        "domain_name": "api.dr.example.com",
        "certificate": cert,
        "key": h.key(),
    }
    return lambda **overrides: HttpApiProps(**base, **overrides)


def test_health_route_has_its_own_throttle(h):
    """GET /health alone is throttled, below the stage, after its route exists."""
    HttpApi(h.stack, "api", props=_api_props(h)())
    out = h.synth()
    stage = only(out, "aws_apigatewayv2_stage")
    (health,) = stage["route_settings"]
    assert health["route_key"] == HEALTH_ROUTE
    assert (health["throttling_rate_limit"], health["throttling_burst_limit"]) == (
        HEALTH_RATE_LIMIT,
        HEALTH_BURST_LIMIT,
    )
    assert (
        health["throttling_rate_limit"] < stage["default_route_settings"]["throttling_rate_limit"]
    )
    routes = {f"aws_apigatewayv2_route.{name}" for name in resources(out, "aws_apigatewayv2_route")}
    assert routes <= set(stage["depends_on"])


def test_health_throttle_leaves_room_for_route53(h):
    """The /health limit stays at least ten times Route 53's checkers, and within the stage."""
    props = _api_props(h)
    with pytest.raises(SpecError, match="health_rate_limit"):
        props(health_rate_limit=10 * ROUTE53_CHECKER_PEAK_RPS - 1)
    with pytest.raises(SpecError, match="health_rate_limit"):
        props(health_rate_limit=2000)
    with pytest.raises(SpecError, match="health_burst_limit"):
        props(health_burst_limit=1)
    assert props(health_rate_limit=500).health_rate_limit == 500
