"""The availability budget (drkit.regions.availability): one region from AWS's SLAs, the
layout with weighted routing and failover, and the incidents a year its target allows."""

from __future__ import annotations

import re
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drkit.errors import SpecError
from drkit.regions.availability import (
    REGION_SLAS,
    YEAR_SECONDS,
    AvailabilityInputs,
    Need,
    allowed_downtime_seconds,
    availability_budget,
    region_uptime,
)
from drkit.regions.budget import rto_budget
from drkit.regions.spec import DeploymentSpec
from drkit_runtime.health import HEALTH_SERVICES
from tests.strategies import budget as s

DEFAULT_SPEC = DeploymentSpec.default()
DEFAULT = AvailabilityInputs.from_budget(
    DEFAULT_SPEC.budget_inputs, [(r.region, r.weight) for r in DEFAULT_SPEC.regions]
)
SLA_PAGE = re.compile(r"https://aws\.amazon\.com/[a-z0-9-]+/sla/")


def test_the_default_layout_meets_its_target_with_room():
    """70/30, 145 s of detection and DNS, 12 incidents a year in each region: 99.9935 %,
    and up to 19 incidents a year in each region would still meet 99.99 %."""
    budget = availability_budget(DEFAULT)
    assert DEFAULT.failover_seconds == 145 and DEFAULT.target_percent == Fraction("99.99")
    assert round(float(budget.region_uptime) * 100, 4) == 99.6983
    assert budget.allowed_seconds == Fraction(31536, 10)  # 52.56 minutes
    assert round(float(budget.all_down_seconds)) == 287
    assert [(r.region, r.cost_seconds, r.alone_within_target) for r in budget.regions] == [
        ("us-east-1", Fraction(203, 2), 28),
        ("us-west-2", Fraction(87, 2), 65),
    ]
    assert budget.incidents_within_target == 19 and budget.meets_target
    assert round(float(budget.layout_uptime) * 100, 4) == 99.9936


def test_every_sla_cites_its_page_and_is_a_published_figure():
    """Each row names an aws.amazon.com SLA page, and its figure is one AWS publishes."""
    for sla in REGION_SLAS:
        assert SLA_PAGE.fullmatch(sla.page), sla.page
        assert sla.uptime_percent in {Fraction(100), *map(Fraction, ("99.999", "99.95", "99.9"))}
    assert len({sla.key for sla in REGION_SLAS}) == len(REGION_SLAS)


def test_every_service_health_calls_is_counted():
    """What /health calls (drkit_runtime.health) has a row, and SSM's interface endpoint too:
    a dependency /health gains without a row would be missing from the region's figure."""
    keys = {sla.key for sla in REGION_SLAS}
    assert set(HEALTH_SERVICES) <= keys
    health_only = {sla.key for sla in REGION_SLAS if sla.need is Need.HEALTH}
    assert health_only <= {*HEALTH_SERVICES, "privatelink"}
    assert ("ssm" in HEALTH_SERVICES) == ("privatelink" in keys)


def test_an_sla_outside_0_to_100_is_refused_naming_the_field():
    """A mistyped SLA (999.9) is a SpecError naming uptime_percent."""
    with pytest.raises(SpecError) as caught:
        attrs.evolve(REGION_SLAS[0], uptime_percent=Fraction("999.9"))
    assert caught.value.field == "uptime_percent"


@given(st.lists(st.sampled_from(REGION_SLAS), min_size=1))
def test_a_region_is_never_more_available_than_its_weakest_service(services):
    """Depending on more services can only lower one region's figure (a series system)."""
    uptime = region_uptime(services)
    assert 0 < uptime <= min(s.uptime_percent for s in services) / 100


@given(s.availability_inputs())
def test_one_incident_in_every_region_costs_one_failover(inputs):
    """Weighted routing shares the traffic out in full, so an incident in each region costs,
    together, exactly one failover time of a full outage."""
    budget = availability_budget(inputs)
    assert sum(r.cost_seconds for r in budget.regions) == inputs.failover_seconds


@given(s.availability_inputs())
def test_the_target_holds_exactly_up_to_the_incidents_within_it(inputs):
    """At the incidents within the target it is met; one more a year in every region and it
    is not (None: not even without incidents)."""
    within = availability_budget(inputs).incidents_within_target
    if within is None:
        assert not availability_budget(attrs.evolve(inputs, incidents_per_region=0)).meets_target
        return
    assert availability_budget(attrs.evolve(inputs, incidents_per_region=within)).meets_target
    above = attrs.evolve(inputs, incidents_per_region=within + 1)
    assert not availability_budget(above).meets_target


@given(s.availability_inputs())
def test_incidents_all_in_one_region_fit_exactly_as_many_as_its_share_allows(inputs):
    """All incidents in one region: the figure is the most whose cost, with every region down
    at once, stays within the target's downtime (a region without traffic costs nothing)."""
    budget = availability_budget(inputs)
    left = budget.allowed_seconds - budget.all_down_seconds
    for r in budget.regions:
        if r.share == 0:
            assert r.alone_within_target is None
        elif left >= 0:
            n = r.alone_within_target
            assert n * r.cost_seconds <= left < (n + 1) * r.cost_seconds
        else:
            assert r.alone_within_target == 0


@given(s.availability_inputs(), st.integers(1, 300))
def test_a_slower_failover_never_raises_availability(inputs, extra):
    """Longer detection or DNS caching never makes the layout more available."""
    slower = attrs.evolve(inputs, failover_seconds=inputs.failover_seconds + extra)
    assert availability_budget(slower).layout_uptime <= availability_budget(inputs).layout_uptime


@given(s.availability_inputs(max_regions=4))
def test_another_region_never_makes_every_region_down_more_likely(inputs):
    """One more region (a standby of weight 0) makes every region being down at once rarer."""
    more = attrs.evolve(inputs, weights=(*inputs.weights, ("standby-region", 0)))
    assert availability_budget(more).all_down_seconds < availability_budget(inputs).all_down_seconds


@given(s.budget_inputs())
def test_the_failover_time_is_detection_plus_dns_and_the_target_as_written(inputs):
    """From the spec's numbers: failover is the RTO rows' detection and DNS, the target is the
    decimal the user wrote (99.99 exactly, not the float nearest to it)."""
    built = AvailabilityInputs.from_budget(inputs, [("us-east-1", 70), ("us-west-2", 30)])
    rto = rto_budget(inputs)
    assert built.failover_seconds == rto.detection_seconds + rto.dns_seconds
    assert float(built.target_percent) == inputs.availability_target
    assert allowed_downtime_seconds(built.target_percent) == (
        (100 - built.target_percent) * YEAR_SECONDS / 100
    )


def test_downtime_exactly_at_the_allowance_meets_the_target():
    """A target whose allowed downtime is exactly what the layout loses (the regions down
    together, plus its incidents of 100 s a year at 50/50) is met; a hair stricter is not.
    The boundary a `<=` turned `<` would move (issue 26, class 4)."""
    weights = (("us-east-1", 50), ("us-west-2", 50))
    loose = availability_budget(
        AvailabilityInputs(weights=weights, failover_seconds=100, target_percent=Fraction(99))
    )
    lost = loose.unavailable_seconds
    at = Fraction(100) - lost * 100 / YEAR_SECONDS
    exact = availability_budget(
        AvailabilityInputs(weights=weights, failover_seconds=100, target_percent=at)
    )
    assert exact.allowed_seconds == exact.unavailable_seconds
    assert exact.meets_target
    stricter = attrs.evolve(exact.inputs, target_percent=at + Fraction(1, 10**12))
    assert not availability_budget(stricter).meets_target
