"""The preflight's report: no credentials stops it, the verdict, JSON."""

from __future__ import annotations

from drkit.operations.preflight import Level, run_preflight
from tests.operations.preflight.support import FailingSts, lookup_of


def test_without_credentials_nothing_else_is_checked(aws, spec):
    """STS refuses the credentials: one refusal, no Lambda or zone findings, exit verdict."""

    def clients(service, region):
        return FailingSts() if service == "sts" else aws.client(service, region)

    report = run_preflight(spec, clients, lookup=lookup_of({}))
    (refusal,) = report.findings
    assert refusal.check == "credentials" and "InvalidClientTokenId" in refusal.message
    assert report.account is None and not report.passed
    text = report.render()
    assert text.startswith("drkit preflight of account (unknown account) for eu-west-3")
    assert text.endswith("Change what each REFUSED line names, then run drkit preflight again.")


def test_a_passing_report_counts_its_warnings(aws, spec):
    """A fresh account and a zone to create: passed, with the zone's one warning."""
    report = run_preflight(spec, aws.client, lookup=lookup_of({}), source="test layout")
    assert report.passed
    text = report.render()
    assert "(test layout)" in text.splitlines()[1]
    assert text.endswith("Preflight passed with 1 warning(s): read them before deploying.")
    doc = report.to_json()
    assert doc["passed"] is True and doc["account"] == "123456789012"
    assert [f["level"] for f in doc["findings"]].count("warning") == 1
    assert {f.level for f in report.findings} == {Level.OK, Level.WARNING}
