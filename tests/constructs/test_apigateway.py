"""HttpApi and its ACM certificate: TLS 1.2 custom domains, signed record routes, access logs,
the /health route's own function and throttle, and validation records made once per name."""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.regions.names import FUNCTION_ALIAS
from drkit.regions.quotas import ROUTE53_CHECKER_PEAK_RPS
from drkit.services.acm import (
    Certificate,
    CertificateProps,
    DomainValidation,
    DomainValidationProps,
)
from drkit.services.apigateway import (
    HEALTH_BURST_LIMIT,
    HEALTH_RATE_LIMIT,
    HEALTH_ROUTE,
    HttpApi,
    HttpApiProps,
)
from drkit.services.route53 import HostedZone, HostedZoneProps
from tests.helpers import only, ref, resources
from tests.synth.stack_json import referenced

pytestmark = pytest.mark.synth

SHARED = "api.dr.example.com"
REGIONAL = {"us-east-1": "api-use1.dr.example.com", "us-west-2": "api-usw2.dr.example.com"}


def _validation(h) -> DomainValidation:
    zone = HostedZone(
        h.stack, "z", props=HostedZoneProps(placement=h["us-east-1"], zone_name="dr.example.com")
    )
    return DomainValidation(
        h.stack, "v", props=DomainValidationProps(placement=h["us-east-1"], zone=zone)
    )


def _certificate(h, validation: DomainValidation, region: str = "us-east-1") -> Certificate:
    return Certificate(
        h.stack,
        f"c-{region}",
        props=CertificateProps(
            placement=h[region],
            domain_name=SHARED,
            subject_alternative_names=(REGIONAL[region],),
            validation=validation,
        ),
    )


def _api_props(h):
    """Makes HttpApiProps in us-east-1 with the given overrides (shared zone and certificate)."""
    cert = _certificate(h, _validation(h))
    base = {
        "placement": h["us-east-1"],
        "function": h.function(),
        "health_function": h.function(purpose="health"),
        "domain_name": SHARED,
        "regional_domain_name": REGIONAL["us-east-1"],
        "certificate": cert,
        "key": h.key(),
    }
    return lambda **overrides: HttpApiProps(**{**base, **overrides})


def test_api_uses_tls12_custom_domains_and_signed_records_routes(h):
    """/health is open, record routes need SigV4, both names need TLS 1.2, access is logged."""
    HttpApi(h.stack, "api", props=_api_props(h)())
    out = h.synth()
    domains = resources(out, "aws_apigatewayv2_domain_name").values()
    assert {d["domain_name"] for d in domains} == {SHARED, REGIONAL["us-east-1"]}
    assert {d["domain_name_configuration"]["security_policy"] for d in domains} == {"TLS_1_2"}
    assert len(resources(out, "aws_apigatewayv2_api_mapping")) == 2
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


def test_health_route_runs_its_own_function(h):
    """GET /health integrates the health function; the records routes the records function;
    API Gateway may invoke each."""
    props = _api_props(h)()
    HttpApi(h.stack, "api", props=props)
    out = h.synth()
    integrations = {
        f"integrations/${{aws_apigatewayv2_integration.{name}.id}}": body["integration_uri"]
        for name, body in resources(out, "aws_apigatewayv2_integration").items()
    }
    served_by = {
        r["route_key"]: integrations[r["target"]]
        for r in resources(out, "aws_apigatewayv2_route").values()
    }
    names = {
        route: resources(out, "aws_lambda_function")[referenced(uri, "aws_lambda_function", out)][
            "function_name"
        ]
        for route, uri in served_by.items()
    }
    # Each route runs the function's alias, and only the alias may be invoked.
    assert {ref(uri)[0] for uri in served_by.values()} == {"aws_lambda_alias"}
    permissions = resources(out, "aws_lambda_permission").values()
    assert {p["qualifier"] for p in permissions} == {FUNCTION_ALIAS}
    records, health = props.function.function_name, props.health_function.function_name
    assert records != health
    assert names == {
        HEALTH_ROUTE: health,
        "GET /records/{id}": records,
        "PUT /records/{id}": records,
    }
    invokable = {p["function_name"] for p in resources(out, "aws_lambda_permission").values()}
    assert invokable == {props.function.function_name, props.health_function.function_name}


def test_api_refuses_health_on_the_records_function(h):
    """The same function for both is refused: /health would share the records' concurrency."""
    props = _api_props(h)
    records = props().function
    with pytest.raises(SpecError, match="health_function"):
        props(health_function=records)


def test_api_refuses_a_certificate_without_its_names(h):
    """A regional name the certificate does not cover is refused, naming the certificate."""
    props = _api_props(h)
    with pytest.raises(SpecError, match="certificate"):
        props(regional_domain_name="api-euw1.dr.example.com")


def test_validation_records_are_made_once_per_name(h):
    """Two regions' certificates share the shared name's record; each has its own regional one.

    ACM's record belongs to the account and the name, valid for any region, so one record
    serves both certificates, and none of them is a child of a certificate (a footprint).
    """
    validation = _validation(h)
    east, west = (_certificate(h, validation, r) for r in ("us-east-1", "us-west-2"))
    out = h.synth()
    records = resources(out, "aws_route53_record")
    assert len(records) == 3 and validation.domain_names == (SHARED, *REGIONAL.values())
    assert all("for_each" not in r for r in records.values())
    assert all(name.startswith("v_") for name in records), sorted(records)
    by_label = {
        label: next(n for n in records if n.startswith(f"v_record-{label}_"))
        for label in ("api", "api-use1", "api-usw2")
    }
    fqdn = {label: f"${{aws_route53_record.{name}.fqdn}}" for label, name in by_label.items()}
    waits = sorted(
        tuple(v["validation_record_fqdns"])
        for v in resources(out, "aws_acm_certificate_validation").values()
    )
    assert waits == sorted([(fqdn["api"], fqdn["api-use1"]), (fqdn["api"], fqdn["api-usw2"])])
    # The shared record reads its value from the first certificate that asked for it.
    shared = records[by_label["api"]]
    assert east.resource.friendly_unique_id in shared["name"]
    assert west.resource.friendly_unique_id not in shared["name"]


def test_certificate_names_must_be_in_the_zone(h):
    """A name outside the validation zone is refused before any record is made."""
    validation = _validation(h)
    with pytest.raises(SpecError, match="domain_name"):
        Certificate(
            h.stack,
            "c",
            props=CertificateProps(
                placement=h["us-east-1"], domain_name="api.other.org", validation=validation
            ),
        )


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
