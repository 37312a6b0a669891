"""Health checks probe the names clients' traffic goes through; validation records exist once.

Read from the synthesized JSON alone, for the default and the three-region stacks: each
region's check probes that region's own name, which is an alias to a custom domain of that
region's API on the certificate that also covers the shared name; the certificates'
validation records are one per name, outside every footprint, and each certificate waits
for exactly the records of its names.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.helpers import checked_regions, ref, region_of, resources

pytestmark = pytest.mark.synth

STACKS = [("default_stack", "default_spec"), ("three_region_stack", "three_region_spec")]


@pytest.fixture(params=STACKS, ids=[s for s, _ in STACKS])
def case(request) -> tuple[dict[str, Any], Any]:
    stack_name, spec_name = request.param
    return request.getfixturevalue(stack_name), request.getfixturevalue(spec_name)


def _domain_of_alias(stack: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    kind, name, _ = ref(record["alias"]["name"]) or ("", "", "")
    assert kind == "aws_apigatewayv2_domain_name", record["alias"]
    return resources(stack, kind)[name]


def test_each_check_probes_its_regions_own_name(case):
    """Every region's check probes ``<record>-<short>.<zone>`` with SNI, nothing else."""
    stack, spec = case
    every = resources(stack, "aws_route53_health_check")
    checks = {region: every[name] for region, name in checked_regions(stack).items()}
    assert {r: c["fqdn"] for r, c in checks.items()} == {
        r.region: spec.regional_api_domain_name(r.region) for r in spec.regions
    }
    assert all(c["enable_sni"] and c["type"] == "HTTPS" for c in checks.values())


def test_regional_name_is_served_by_its_regions_api_and_certificate(case):
    """The probed name aliases a custom domain in the same region, mapped to that region's
    API, on the certificate that covers the shared name too."""
    stack, spec = case
    regional = {
        r["name"]: r
        for r in resources(stack, "aws_route53_record").values()
        if "alias" in r and "weighted_routing_policy" not in r
    }
    certificates = resources(stack, "aws_acm_certificate")
    validations = resources(stack, "aws_acm_certificate_validation")
    for r in spec.regions:
        name = spec.regional_api_domain_name(r.region)
        domain = _domain_of_alias(stack, regional[name])
        assert domain["domain_name"] == name and region_of(stack, domain) == r.region
        _, validation, _ = ref(domain["domain_name_configuration"]["certificate_arn"])
        _, certificate, _ = ref(validations[validation]["certificate_arn"])
        covered = certificates[certificate]
        assert region_of(stack, covered) == r.region
        assert (covered["domain_name"], covered["subject_alternative_names"]) == (
            spec.api_domain_name,
            [name],
        )


def test_validation_records_exist_once_outside_the_footprints(case):
    """One validation record per name (shared + one per region), none in a region's stack,
    all taken from one us-east-1 certificate that covers every name; the regions'
    certificates wait only for ACM to see them (they name no record: Route 53 is not theirs)."""
    stack, spec = case
    records = {
        n: r
        for n, r in resources(stack, "aws_route53_record").items()
        if "domain_validation_options" in r["name"]
    }
    assert len(records) == 1 + len(spec.regions)
    assert {r["//stack"] for r in records.values()} == {"drkit-zone"}
    named = {re.search(r'\["([^"]+)"\]', r["name"]).group(1): n for n, r in records.items()}
    every = {spec.api_domain_name} | {spec.regional_api_domain_name(r.region) for r in spec.regions}
    assert set(named) == every
    waits = {
        v["//stack"]: v.get("validation_record_fqdns")
        for v in resources(stack, "aws_acm_certificate_validation").values()
    }
    assert sorted(waits["drkit-zone"]) == sorted(
        f"${{aws_route53_record.{n}.fqdn}}" for n in named.values()
    )
    regional = {k: v for k, v in waits.items() if k != "drkit-zone"}
    assert len(regional) == len(spec.regions) and not any(regional.values())
