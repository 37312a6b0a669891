"""HttpApi and its ACM certificate: TLS 1.2 custom domain, signed record routes, access logs."""

from __future__ import annotations

import pytest

from drkit.services.acm import Certificate, CertificateProps
from drkit.services.apigateway import HttpApi, HttpApiProps
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
