"""Inputs that sit exactly on a boundary a target is compared against (issue 26, class 4).

A comparison flipped from ``<=`` to ``<`` (or ``>=`` to ``>``) changes the answer only where
both sides are equal, and random draws rarely land there: the tests use these as
``@example``s and in example tests, so each boundary is checked on every run.
"""

from __future__ import annotations

import attrs

from drkit.regions.budget import BudgetInputs, CapacityInputs

#: The default spec's timings: worst-case RTO 155 s (docs/budget.md), RPO 60 s, lag alarm 30 s.
DEFAULT_TIMINGS = BudgetInputs(
    health_check_interval_seconds=10,
    health_check_failure_threshold=3,
    client_dns_cache_seconds=30,
    replication_lag_threshold_seconds=30,
    replication_alarm_evaluation_periods=1,
    rto_target_seconds=300,
    rpo_target_seconds=60,
    availability_target=99.99,
)
#: Worst case 155 s against a 155 s target: met, with a margin of 0.
RTO_AT_TARGET = attrs.evolve(DEFAULT_TIMINGS, rto_target_seconds=155)
#: Worst case 155 s against 154 s: missed by one second.
RTO_ONE_PAST = attrs.evolve(DEFAULT_TIMINGS, rto_target_seconds=154)
#: 145 s more client caching: worst case 300 s, the largest target the spec allows.
RTO_AT_LIMIT = attrs.evolve(DEFAULT_TIMINGS, client_dns_cache_seconds=175)
#: One second more: 301 s, past the 300 s limit.
RTO_PAST_LIMIT = attrs.evolve(DEFAULT_TIMINGS, client_dns_cache_seconds=176)
#: No client caching: even the largest threshold the spec takes, 10, fits (worst case 195 s).
EVERY_THRESHOLD_FITS = attrs.evolve(DEFAULT_TIMINGS, client_dns_cache_seconds=0)
#: The DynamoDB lag alarm at the RPO: it would fire only once the loss reached the RPO.
LAG_AT_RPO = attrs.evolve(DEFAULT_TIMINGS, replication_lag_threshold_seconds=60)
#: One second below the RPO: the largest lag alarm the RPO allows.
LAG_BELOW_RPO = attrs.evolve(DEFAULT_TIMINGS, replication_lag_threshold_seconds=59)

#: Two regions of 50 at 100 reserved and a peak of 100: a survivor takes everything, so each
#: needs exactly the 100 it reserves; 100 is also the largest peak every failover absorbs.
EVEN = CapacityInputs(
    weights=(("us-east-1", 50), ("us-west-2", 50)),
    reserved_concurrency=100,
    peak_concurrency=100,
    peak_read_units_per_second=1600,
)
#: A peak at which a survivor needs exactly the 100 it reserves.
NEEDS_THE_RESERVATION = EVEN
#: One more: it needs 101 of its 100.
NEEDS_ONE_MORE = attrs.evolve(EVEN, peak_concurrency=101)
#: 50/25/25 at 40,000 read units a second: when us-east-1 fails, us-west-2 and eu-west-1 go
#: from 10,000 to 20,000, exactly DynamoDB on-demand's 2x (above a new table's 12,000, so the
#: 2x is the limit that binds).
RAMP_AT_TWICE = CapacityInputs(
    weights=(("us-east-1", 50), ("us-west-2", 25), ("eu-west-1", 25)),
    reserved_concurrency=100,
    peak_concurrency=10,
    peak_read_units_per_second=40_000,
)
#: 60/20/20: from 8,000 to 20,000, 2.5x (and past 12,000).
RAMP_PAST_TWICE = attrs.evolve(
    RAMP_AT_TWICE, weights=(("us-east-1", 60), ("us-west-2", 20), ("eu-west-1", 20))
)
#: 60/20/20 at 24,000 read units: us-west-2 goes from 4,800 to exactly the 12,000 a new table
#: serves at once (2.5x, but the floor is the limit that binds).
RAMP_AT_NEW_TABLE = attrs.evolve(RAMP_PAST_TWICE, peak_read_units_per_second=24_000)
#: One more read unit: 12,000.5 after, past both limits.
RAMP_PAST_NEW_TABLE = attrs.evolve(RAMP_PAST_TWICE, peak_read_units_per_second=24_001)
#: 60/20/20 at 100 reserved: when us-west-2 fails, us-east-1 takes three quarters, so every
#: failover is absorbed up to a peak of 133 (133.3 rounded down), the peak given here; at 134,
#: us-east-1 needs 100.5, that is 101 executions.
UNEVEN = attrs.evolve(RAMP_PAST_TWICE, peak_concurrency=133, peak_read_units_per_second=1600)
