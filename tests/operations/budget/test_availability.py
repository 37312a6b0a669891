"""The availability section of ``drkit budget``: SLA rows with their pages, the layout with
failover, a verdict that says what misses, and JSON."""

from __future__ import annotations

from fractions import Fraction

import attrs
from hypothesis import given

from drkit.operations.budget.availability import AvailabilityReport
from drkit.regions.availability import REGION_SLAS, AvailabilityInputs, availability_budget
from drkit.regions.spec import DeploymentSpec
from tests.strategies import budget as s

SPEC = DeploymentSpec.default()
INPUTS = AvailabilityInputs.from_budget(
    SPEC.budget_inputs, [(r.region, r.weight) for r in SPEC.regions]
)
DEFAULT = AvailabilityReport(budget=availability_budget(INPUTS))


def _report(**changes: object) -> AvailabilityReport:
    return AvailabilityReport(budget=availability_budget(attrs.evolve(INPUTS, **changes)))


def _flat(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def test_the_default_section_shows_each_sla_and_the_layout():
    """Each service with its SLA, need and page; one region's product; the layout's rows."""
    flat = _flat(DEFAULT.render())
    for text in (
        "Availability: target 99.99 % (availability_target), at most 52.6 minutes down a year",
        "Amazon API Gateway 99.95 % request https://aws.amazon.com/api-gateway/sla/",
        "Amazon DynamoDB (Global Tables SLA) 99.999 % request https://aws.amazon.com/dynamodb/sla/",
        "AWS Systems Manager 99.9 % /health https://aws.amazon.com/systems-manager/sla/",
        "one region alone 99.6983 % their product (modelled: independent); 26.4 h down a year",
        "share of the traffic for 145 s (detection + DNS)",
        "us-east-1 70 % 101.5 s 28",
        "us-west-2 30 % 43.5 s 65",
        "every region down at once 287 s a year: independent failures at the SLA floors",
        "incidents a year within the target 19 in every region",
        "incidents a year assumed 12 in every region (modelled: one a month",
        "layout availability 99.9935 % 12 x 145 s + 287 s = 2027 s down a year (modelled)",
    ):
        assert text in flat, text
    assert all(sla.page in flat for sla in REGION_SLAS)
    assert DEFAULT.verdict() == (
        "Availability met: 99.9935 % >= 99.99 % with 12 incidents a year in every region "
        "(modelled; 19 fit)."
    )


def test_too_many_incidents_say_how_many_fit():
    """30 incidents a year in every region (a what-if) miss 99.99 %: the verdict names the 19
    that fit and what would make room."""
    report = attrs.evolve(_report(incidents_per_region=30), incidents_source="what-if")
    assert not report.meets_target
    assert report.verdict() == (
        "Availability NOT met: 99.9852 % < 99.99 %: 30 incidents a year in every region "
        "(what-if) exceed the 19 that fit; shorten detection and DNS (the RTO rows) or lower "
        "the target."
    )


def test_a_target_the_regions_cannot_meet_together_says_so():
    """99.9999 % allows 32 s a year, less than both regions being down at once: no incident
    count fits, and the section says none."""
    report = _report(target_percent=Fraction("99.9999"))
    assert "incidents a year within the target none in every region" in _flat(report.render())
    assert report.verdict().startswith(
        "Availability NOT met: 99.9935 % < 99.9999 %: every region down at once (287 s a year)"
    )


@given(s.availability_inputs())
def test_the_printed_availability_never_reads_higher_than_it_is(inputs):
    """The figure is cut, not rounded: a layout just under its target never prints as
    reaching it, and the verdict says met exactly when the model does."""
    report = AvailabilityReport(budget=availability_budget(inputs))
    printed = report.verdict().split(" % ", 1)[0].rsplit(" ", 1)[-1]
    assert Fraction(printed) <= report.budget.layout_uptime * 100
    assert report.verdict().startswith("Availability met") is report.meets_target


@given(s.availability_inputs())
def test_json_carries_every_service_region_and_figure(inputs):
    """--json's availability: each SLA with its page, each region in order, the figures."""
    report = AvailabilityReport(budget=availability_budget(inputs))
    doc = report.to_json()
    assert [x["source"] for x in doc["services"]] == [sla.page for sla in REGION_SLAS]
    assert [r["region"] for r in doc["regions"]] == [r for r, _ in inputs.weights]
    assert doc["incidents_within_target"] == report.budget.incidents_within_target
    assert doc["meets_target"] is report.meets_target
    assert doc["failover_seconds"] == inputs.failover_seconds
