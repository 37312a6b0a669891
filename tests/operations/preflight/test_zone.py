"""The zone checks where DNS, not Route 53, decides: no answer, and a zone drkit creates."""

from __future__ import annotations

from drkit.operations.preflight import Level, run_preflight
from tests.operations.preflight.support import lookup_of, unknown_lookup


def test_a_created_zone_is_a_warning_that_says_what_to_do_during_the_deploy(aws, spec):
    """No zone of the name in the account: drkit creates one; the warning names the step."""
    report = run_preflight(spec, aws.client, lookup=lookup_of({}))
    (last,) = [f for f in report.findings if f.subject == spec.dns_zone_name]
    assert last.level is Level.WARNING and report.passed
    assert "it is not delegated yet" in last.message
    assert f"list-hosted-zones-by-name --dns-name {spec.dns_zone_name}" in last.message


def test_unknown_dns_is_a_warning_not_a_refusal(aws, spec):
    """When DNS cannot answer, the created-zone warning says the delegation is unknown."""
    report = run_preflight(spec, aws.client, lookup=unknown_lookup)
    (last,) = [f for f in report.findings if f.subject == spec.dns_zone_name]
    assert last.level is Level.WARNING and "delegation unknown" in last.message
    assert report.passed
