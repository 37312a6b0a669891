"""Strategies for the failover budget: numbers inside each spec field's allowed range."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from drkit.regions import budget
from drkit.regions.availability import AvailabilityInputs
from drkit.regions.budget import BudgetInputs, CapacityInputs
from drkit.regions.spec import HEALTH_CHECK_INTERVALS
from drkit_runtime.contract import HEALTH_CACHE_SECONDS
from tests.strategies.spec import REGIONS, weights


@st.composite
def budget_inputs(
    draw: st.DrawFn, *, meets_rto: bool | None = None, lag_below_rpo: bool | None = True
) -> BudgetInputs:
    """Budget numbers, each inside the range its DeploymentSpec field allows.

    ``meets_rto`` True draws timings whose worst-case RTO fits a 300 s target
    (derived from the budget's constants, not from its functions); None leaves
    the RTO side free, so targets from 1 to 300 s are both met and missed.
    ``lag_below_rpo`` True draws a DynamoDB lag alarm below the RPO target,
    False one at or above it, None either.
    """
    interval = draw(st.sampled_from(HEALTH_CHECK_INTERVALS))
    if meets_rto:
        cache = draw(st.integers(0, 60))
        fixed = (
            HEALTH_CACHE_SECONDS
            + budget.STATUS_PROPAGATION_SECONDS
            + budget.ALIAS_TTL_SECONDS
            + budget.COLD_START_SECONDS
        )
        top = min(10, (300 - fixed - cache) // interval - budget.CHECKER_SPREAD_INTERVALS)
        threshold, target = draw(st.integers(1, top)), 300
    else:
        cache = draw(st.integers(0, 300))
        threshold = draw(st.integers(1, 10))
        target = draw(st.one_of(st.just(300), st.integers(1, 300)))
    rpo = draw(st.integers(2 if lag_below_rpo else 1, 60))
    if lag_below_rpo is None:
        lag = draw(st.integers(1, 2 * rpo))
    else:
        lag = draw(st.integers(1, rpo - 1) if lag_below_rpo else st.integers(rpo, 3600))
    return BudgetInputs(
        health_check_interval_seconds=interval,
        health_check_failure_threshold=threshold,
        client_dns_cache_seconds=cache,
        replication_lag_threshold_seconds=lag,
        replication_alarm_evaluation_periods=draw(st.integers(1, 3)),
        rto_target_seconds=target,
        rpo_target_seconds=rpo,
        availability_target=draw(availability_targets()),
    )


def availability_targets() -> st.SearchStrategy[float]:
    """Targets the spec accepts: the usual nines, and any float from 90 up to 100."""
    nines = st.sampled_from([99.0, 99.9, 99.95, 99.99, 99.995, 99.999, 99.9999])
    return nines | st.floats(min_value=90, max_value=100, exclude_max=True)


@st.composite
def capacity_inputs(
    draw: st.DrawFn,
    *,
    min_regions: int = 2,
    max_regions: int = 5,
    reads: st.SearchStrategy[int] | None = None,
) -> CapacityInputs:
    """A layout's weights (0-100, summing to 100), reservation and peaks, as the spec allows.

    ``reads`` draws the peak read units a second (default: 1 to 100,000, around on-demand's
    12,000 instant reads a second).
    """
    count = draw(st.integers(min_regions, max_regions))
    regions = draw(st.lists(st.sampled_from(REGIONS), min_size=count, max_size=count, unique=True))
    return CapacityInputs(
        weights=tuple(zip(regions, draw(weights(count)), strict=True)),
        reserved_concurrency=draw(st.integers(1, 900)),
        peak_concurrency=draw(st.integers(1, 5000)),
        peak_read_units_per_second=draw(st.integers(1, 100_000) if reads is None else reads),
    )


@st.composite
def availability_inputs(
    draw: st.DrawFn, *, min_regions: int = 2, max_regions: int = 5
) -> AvailabilityInputs:
    """A layout's weights, a failover time the RTO rows allow, a target and an incident rate."""
    count = draw(st.integers(min_regions, max_regions))
    regions = draw(st.lists(st.sampled_from(REGIONS), min_size=count, max_size=count, unique=True))
    return AvailabilityInputs(
        weights=tuple(zip(regions, draw(weights(count)), strict=True)),
        failover_seconds=draw(st.integers(HEALTH_CACHE_SECONDS, 300)),
        target_percent=Fraction(str(draw(availability_targets()))),
        incidents_per_region=draw(st.integers(0, 200)),
    )
