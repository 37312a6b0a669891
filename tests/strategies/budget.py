"""Strategies for the failover budget: numbers inside each spec field's allowed range."""

from __future__ import annotations

from hypothesis import strategies as st

from drkit.regions import budget
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
    )


@st.composite
def capacity_inputs(
    draw: st.DrawFn, *, min_regions: int = 2, max_regions: int = 5, peak: bool | None = None
) -> CapacityInputs:
    """A layout's weights (0-100, summing to 100) and reservation, as the spec allows them.

    ``peak`` True draws a given peak, False leaves it modelled, None either.
    """
    count = draw(st.integers(min_regions, max_regions))
    regions = draw(st.lists(st.sampled_from(REGIONS), min_size=count, max_size=count, unique=True))
    given_peak = draw(st.booleans()) if peak is None else peak
    return CapacityInputs(
        weights=tuple(zip(regions, draw(weights(count)), strict=True)),
        reserved_concurrency=draw(st.integers(1, 900)),
        peak_concurrency=draw(st.integers(1, 5000)) if given_peak else None,
    )
