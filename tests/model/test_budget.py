"""The failover budget's arithmetic (drkit.regions.budget), and the spec's use of it."""

from __future__ import annotations

import itertools
import math

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from drkit.errors import SpecError
from drkit.regions import budget
from drkit.regions.budget import BudgetInputs, rpo_budget, rto_budget
from drkit.regions.spec import DeploymentSpec
from drkit_runtime.contract import HEALTH_CACHE_SECONDS
from tests import boundaries as b
from tests.strategies import budget as s


def _worst_case_rto(i: BudgetInputs) -> int:
    """The budget's formula, restated from its documented parts (docs/budget.md)."""
    detection = (
        HEALTH_CACHE_SECONDS
        + i.health_check_interval_seconds
        * (i.health_check_failure_threshold + budget.CHECKER_SPREAD_INTERVALS)
        + budget.STATUS_PROPAGATION_SECONDS
    )
    return (
        detection
        + budget.ALIAS_TTL_SECONDS
        + i.client_dns_cache_seconds
        + budget.COLD_START_SECONDS
    )


def _spec(i: BudgetInputs) -> DeploymentSpec:
    return DeploymentSpec.default(**attrs.asdict(i))


def test_the_default_spec_budget():
    """The default spec: 155 s worst case against 300 s, judged unhealthy within 45 s."""
    inputs = DeploymentSpec.default().budget_inputs
    rto = rto_budget(inputs)
    assert (rto.detection_seconds, rto.dns_seconds, rto.cold_start_seconds) == (55, 90, 10)
    assert (rto.total_seconds, rto.margin_seconds) == (155, 145)
    assert budget.judged_unhealthy_seconds(inputs) == 45
    assert budget.requests_stop_seconds(inputs) == 115
    assert rpo_budget(inputs).source_heartbeat_threshold_seconds == 120
    assert rpo_budget(inputs).stall_alarmed_seconds == 110


@given(s.budget_inputs())
def test_rto_never_falls_as_the_interval_grows(inputs):
    """The worst-case RTO with a 30 s interval is at least the one with a 10 s interval."""
    fast = rto_budget(attrs.evolve(inputs, health_check_interval_seconds=10))
    slow = rto_budget(attrs.evolve(inputs, health_check_interval_seconds=30))
    assert fast.total_seconds <= slow.total_seconds


@given(s.budget_inputs(), st.integers(1, 10), st.integers(1, 10))
def test_rto_never_falls_as_the_threshold_grows(inputs, a, b):
    """A higher failure threshold never gives a smaller worst-case RTO."""
    low, high = sorted((a, b))
    assert (
        rto_budget(attrs.evolve(inputs, health_check_failure_threshold=low)).total_seconds
        <= rto_budget(attrs.evolve(inputs, health_check_failure_threshold=high)).total_seconds
    )


@given(s.budget_inputs(), st.integers(0, 300), st.integers(0, 300))
def test_rto_never_falls_as_client_caching_grows(inputs, a, b):
    """More client DNS caching never gives a smaller worst-case RTO."""
    low, high = sorted((a, b))
    assert (
        rto_budget(attrs.evolve(inputs, client_dns_cache_seconds=low)).total_seconds
        <= rto_budget(attrs.evolve(inputs, client_dns_cache_seconds=high)).total_seconds
    )


@given(s.budget_inputs(lag_below_rpo=None))
def test_the_worst_case_is_its_documented_parts(inputs):
    """total_seconds equals the restated formula, and the margin is target minus it."""
    rto = rto_budget(inputs)
    assert rto.total_seconds == _worst_case_rto(inputs)
    assert rto.margin_seconds == inputs.rto_target_seconds - _worst_case_rto(inputs)


@given(s.budget_inputs(lag_below_rpo=None))
def test_detection_is_judged_unhealthy_plus_propagation(inputs):
    """Detection = /health's reused outcome + failing checks + checker spread + propagation;
    the drill's budgets derive from it (judged unhealthy without propagation, requests stop
    with the alias TTL)."""
    judged = budget.judged_unhealthy_seconds(inputs)
    assert judged == (
        HEALTH_CACHE_SECONDS
        + budget.failing_checks_seconds(inputs)
        + budget.checker_spread_seconds(inputs)
    )
    detection = rto_budget(inputs).detection_seconds
    assert detection == judged + budget.STATUS_PROPAGATION_SECONDS
    assert budget.requests_stop_seconds(inputs) == detection + budget.ALIAS_TTL_SECONDS


@given(s.budget_inputs())
@example(b.RTO_AT_TARGET)
@example(b.RTO_ONE_PAST)
def test_budget_fails_exactly_the_inputs_past_the_rto_target(inputs):
    """meets_target is False exactly when the restated worst case exceeds the RTO target."""
    assert rto_budget(inputs).meets_target is (_worst_case_rto(inputs) <= inputs.rto_target_seconds)


@given(s.budget_inputs())
def test_max_failure_threshold_is_the_largest_that_fits(inputs):
    """The threshold max_failure_threshold returns meets the target, and one more does not."""
    best = budget.max_failure_threshold(inputs)
    if best:
        fits = attrs.evolve(inputs, health_check_failure_threshold=best)
        assert rto_budget(fits).meets_target
    if best < 10:
        over = attrs.evolve(inputs, health_check_failure_threshold=best + 1)
        assert not rto_budget(over).meets_target


@given(s.budget_inputs())
@example(b.RTO_AT_TARGET)
@example(b.RTO_ONE_PAST)
@example(b.RTO_AT_LIMIT)
@example(b.RTO_PAST_LIMIT)
def test_spec_rejects_exactly_the_specs_past_the_rto_target(inputs):
    """A spec past the RTO target raises SpecError naming health_check_failure_threshold;
    others build."""
    if _worst_case_rto(inputs) > inputs.rto_target_seconds:
        with pytest.raises(SpecError) as caught:
            _spec(inputs)
        assert caught.value.field == "health_check_failure_threshold"
    else:
        assert _spec(inputs).budget_inputs == inputs


@given(s.budget_inputs(meets_rto=True, lag_below_rpo=None))
@example(b.LAG_AT_RPO)
@example(b.LAG_BELOW_RPO)
def test_rpo_check_fails_exactly_lag_alarms_at_or_above_the_rpo(inputs):
    """The RPO check fails exactly when the DynamoDB lag alarm threshold is not below the RPO."""
    lag, rpo = inputs.replication_lag_threshold_seconds, inputs.rpo_target_seconds
    assert rpo_budget(inputs).meets_target is (lag < rpo)


@given(s.budget_inputs(meets_rto=True, lag_below_rpo=False))
@example(b.LAG_AT_RPO)
def test_spec_rejects_every_lag_alarm_at_or_above_the_rpo(inputs):
    """A spec whose lag alarm threshold is at or above its RPO raises SpecError naming that
    field."""
    with pytest.raises(SpecError) as caught:
        _spec(inputs)
    assert caught.value.field == "replication_lag_threshold_seconds"


@given(s.budget_inputs(meets_rto=True, lag_below_rpo=True))
@example(b.LAG_BELOW_RPO)
def test_spec_accepts_every_lag_alarm_below_the_rpo(inputs):
    """A spec within the RTO target whose lag alarm is below its RPO builds."""
    assert _spec(inputs).budget_inputs == inputs


# ----- the stall alarm: a simulation of CloudWatch's evaluation, not the formula restated ----


def _fires_at(arrivals: list[float], *, after: float, phase: float, until: float) -> float | None:
    """When an alarm on arrivals (Sum < 1 over STALL_SILENT_PERIODS periods, missing data
    breaching) first fires after ``after``: CloudWatch evaluates it every
    HIGH_RESOLUTION_EVALUATION_SECONDS (at ``phase`` past a multiple), on the periods that
    ended by then. None: not by ``until``."""
    period, silent = budget.STALL_PERIOD_SECONDS, budget.STALL_SILENT_PERIODS
    step = budget.HIGH_RESOLUTION_EVALUATION_SECONDS
    tick = math.ceil((after - phase) / step) * step + phase
    while tick <= until:
        last_complete = math.floor(tick / period)  # periods [k*period, (k+1)*period) < tick
        window = range(last_complete - silent, last_complete)
        if all(not any(k * period <= a < (k + 1) * period for a in arrivals) for k in window):
            return tick
        tick += budget.HIGH_RESOLUTION_EVALUATION_SECONDS
    return None


@given(
    st.floats(0, 600, allow_nan=False),
    st.floats(0, budget.HIGH_RESOLUTION_EVALUATION_SECONDS, exclude_max=True),
)
def test_a_stall_is_alarmed_within_its_budget_of_the_last_arrival(last, phase):
    """Wherever the last arrival falls in its period and whenever CloudWatch evaluates, the
    alarm fires within stall_alarmed_seconds (110 s) of it: inside the 120 s target."""
    arrivals = [last - 60 * i for i in range(5)]
    fired = _fires_at(arrivals, after=last, phase=phase, until=last + 600)
    assert fired is not None and last < fired <= last + budget.stall_alarmed_seconds()
    assert budget.stall_alarmed_seconds() <= budget.STALL_TARGET_SECONDS


def test_the_budget_is_reached_for_the_worst_placed_arrival():
    """An arrival at the very start of a period, evaluated just after the window closes,
    takes the whole 110 s (the bound is tight, not loose)."""
    history = [-240.0, -180.0, -120.0, -60.0, 0.0]
    phases = (0.0, 0.001, 5.0, 9.999)
    worst = max(_fires_at(history, after=0.0, phase=p, until=600) or 0.0 for p in phases)
    assert worst == pytest.approx(budget.stall_alarmed_seconds(), abs=0.01)


@given(
    st.lists(st.floats(1, budget.STALL_SILENT_PERIODS * budget.STALL_PERIOD_SECONDS), min_size=1),
    st.floats(0, budget.HIGH_RESOLUTION_EVALUATION_SECONDS, exclude_max=True),
)
def test_arrivals_at_most_90_s_apart_never_fire_it(gaps, phase):
    """While no two heartbeats arrive more than the silent window (90 s) apart, the alarm
    does not fire: written every 60 s, a run may arrive up to 30 s later than the one before
    it did without a false alarm."""
    arrivals = list(itertools.accumulate(gaps, initial=100.0))
    # From once the first window is full of heartbeats to the last one.
    assert _fires_at(arrivals, after=arrivals[0] + 100, phase=phase, until=arrivals[-1]) is None


def test_a_gap_just_over_the_window_can_fire_it():
    """91 s between two arrivals can leave nine whole periods silent (the test above can fail)."""
    assert _fires_at([79.9, 170.9], after=100, phase=0.0, until=170.9) == 170.0


# ----- the boundaries, as examples ------------------------------------------------------


def test_a_worst_case_equal_to_the_target_meets_it():
    """155 s against a 155 s target is met with a margin of 0; 154 s is missed by 1 s."""
    at, past = rto_budget(b.RTO_AT_TARGET), rto_budget(b.RTO_ONE_PAST)
    assert (at.total_seconds, at.margin_seconds, at.meets_target) == (155, 0, True)
    assert (past.margin_seconds, past.meets_target) == (-1, False)


def test_the_largest_threshold_may_reach_the_target_exactly():
    """With the target at 155 s, three failures (worst case 155 s) still fit; at 154 s, two."""
    assert budget.max_failure_threshold(b.RTO_AT_TARGET) == 3
    assert budget.max_failure_threshold(b.RTO_ONE_PAST) == 2


def test_a_single_failure_can_be_the_only_threshold_that_fits():
    """30 s checks and 150 s of client caching: one failure (worst case 295 s) fits a 300 s
    target, two (325 s) do not."""
    inputs = attrs.evolve(
        b.DEFAULT_TIMINGS, health_check_interval_seconds=30, client_dns_cache_seconds=150
    )
    assert budget.max_failure_threshold(inputs) == 1


def test_the_largest_threshold_the_spec_takes_can_be_the_answer():
    """Without client caching, ten failures (worst case 195 s) fit a 300 s target: 10."""
    assert budget.max_failure_threshold(b.EVERY_THRESHOLD_FITS) == 10


def test_a_spec_whose_worst_case_is_the_300_s_limit_builds():
    """175 s of client caching makes the worst case exactly 300 s: built; 176 s is refused."""
    assert rto_budget(b.RTO_AT_LIMIT).total_seconds == budget.RTO_LIMIT_SECONDS
    assert _spec(b.RTO_AT_LIMIT).client_dns_cache_seconds == 175
    with pytest.raises(SpecError) as caught:
        _spec(b.RTO_PAST_LIMIT)
    assert caught.value.field == "health_check_failure_threshold"


def test_a_lag_alarm_one_second_below_the_rpo_meets_it_and_at_the_rpo_does_not():
    """59 s against a 60 s RPO is met and builds; 60 s is not met and is refused."""
    assert rpo_budget(b.LAG_BELOW_RPO).meets_target
    assert _spec(b.LAG_BELOW_RPO).replication_lag_threshold_seconds == 59
    assert not rpo_budget(b.LAG_AT_RPO).meets_target
    with pytest.raises(SpecError) as caught:
        _spec(b.LAG_AT_RPO)
    assert caught.value.field == "replication_lag_threshold_seconds"


@pytest.mark.parametrize(
    "field, top",
    [
        ("rto_target_seconds", budget.RTO_LIMIT_SECONDS),
        ("rpo_target_seconds", budget.RPO_LIMIT_SECONDS),
    ],
)
def test_the_targets_may_be_set_to_their_limit_and_not_past_it(field, top):
    """rto_target_seconds up to 300 and rpo_target_seconds up to 60 (the mission's limits)."""
    assert getattr(DeploymentSpec.default(**{field: top}), field) == top
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.default(**{field: top + 1})
    assert caught.value.field == field
