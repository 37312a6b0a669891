"""The budget's scope and capacity: Route 53's weighted shares, fail-open, and each region's
load when its largest peer fails (drkit.regions.budget)."""

from __future__ import annotations

from fractions import Fraction

import attrs
from hypothesis import example, given
from hypothesis import strategies as st

from drkit.regions import budget
from drkit.regions.budget import (
    CapacityInputs,
    failover_capacity,
    largest_peer,
    survivable_peak,
    traffic_shares,
)
from tests import boundaries as b
from tests.strategies import budget as s

DEFAULT = CapacityInputs(
    weights=(("us-east-1", 70), ("us-west-2", 30)),
    reserved_concurrency=100,
    peak_concurrency=80,
    peak_read_units_per_second=1600,
)


@given(s.capacity_inputs(), st.data())
def test_shares_of_any_healthy_subset_add_up_to_one(inputs, data):
    """Whichever regions are healthy, Route 53's answers are shared out in full."""
    weights = dict(inputs.weights)
    healthy = data.draw(st.sets(st.sampled_from(sorted(weights))))
    assert sum(traffic_shares(weights, healthy).values()) == 1


@given(s.capacity_inputs(), st.data())
def test_a_failed_region_gets_nothing_while_another_is_healthy(inputs, data):
    """An unhealthy region is answered only when no region is healthy."""
    weights = dict(inputs.weights)
    healthy = data.draw(st.sets(st.sampled_from(sorted(weights)), min_size=1))
    shares = traffic_shares(weights, healthy)
    assert all(shares[r] == 0 for r in weights if r not in healthy)


@given(s.capacity_inputs())
def test_no_healthy_region_fails_open_to_the_full_layout(inputs):
    """Every health check failing: Route 53 answers as if every region were healthy."""
    weights = dict(inputs.weights)
    assert traffic_shares(weights, set()) == traffic_shares(weights, set(weights))


def test_weight_zero_serves_only_when_every_weighted_region_is_out():
    """A weight-0 standby gets nothing while a weighted region is healthy, then takes all."""
    weights = {"us-east-1": 100, "us-west-2": 0, "eu-west-1": 0}
    assert traffic_shares(weights, set(weights))["us-west-2"] == 0
    shares = traffic_shares(weights, {"us-west-2", "eu-west-1"})
    assert shares == {"us-east-1": 0, "us-west-2": Fraction(1, 2), "eu-west-1": Fraction(1, 2)}


def test_a_weight_of_one_takes_its_share_with_every_region_up():
    """Weight 1 is the smallest weight that is answered while the others are healthy (1 %);
    only a weight of 0 waits for every weighted region to be out."""
    weights = {"us-east-1": 99, "us-west-2": 1}
    assert traffic_shares(weights, set(weights)) == {
        "us-east-1": Fraction(99, 100),
        "us-west-2": Fraction(1, 100),
    }


def test_a_region_that_sets_its_own_reservation_is_counted_with_it():
    """A region's own reservation ([[regions]] lambda_reserved_concurrency) is what its row
    reserves; the other regions reserve the deployment's."""
    inputs = attrs.evolve(DEFAULT, reservations=(("us-west-2", 150),))
    assert (inputs.reserved("us-east-1"), inputs.reserved("us-west-2")) == (100, 150)
    rows = {row.region: row.reserved_concurrency for row in failover_capacity(inputs)}
    assert rows == {"us-east-1": 100, "us-west-2": 150}


def test_the_default_layout_absorbs_either_failure():
    """70/30, a stated peak of 80 and 100 reserved: a lone survivor needs 80 and has 100, and
    us-west-2's replicas, 3.33x their reads, stay under what a new on-demand table serves."""
    rows = {row.region: row for row in failover_capacity(DEFAULT)}
    assert survivable_peak(DEFAULT) == 100
    assert rows["us-west-2"].failed == "us-east-1" and rows["us-east-1"].failed == "us-west-2"
    assert [r.needed_concurrency for r in rows.values()] == [80, 80]
    assert all(r.absorbs for r in rows.values())
    west = rows["us-west-2"]
    assert west.read_ramp == Fraction(10, 3) and west.reads_after == 1600
    assert west.instant_read_units == budget.ON_DEMAND_NEW_TABLE_READ_UNITS
    assert all(r.within_on_demand_ramp for r in rows.values())


def test_the_2x_ramp_binds_only_above_a_new_tables_reads():
    """At a peak of 20,000 read units us-west-2 jumps from 6,000 to 20,000: past both 2x its
    previous peak and the 12,000 a new table serves; us-east-1 (14,000 -> 20,000) is not."""
    rows = {
        row.region: row
        for row in failover_capacity(attrs.evolve(DEFAULT, peak_read_units_per_second=20_000))
    }
    assert not rows["us-west-2"].within_on_demand_ramp
    assert rows["us-east-1"].within_on_demand_ramp


@given(s.capacity_inputs())
@example(b.RAMP_AT_TWICE)
@example(b.RAMP_AT_NEW_TABLE)
@example(b.RAMP_PAST_NEW_TABLE)
def test_a_replica_is_past_on_demand_exactly_when_above_both_limits(inputs):
    """A replica is warned about exactly when its reads after the failure exceed twice its
    reads before and a new table's 12,000 read units a second (documented)."""
    for row in failover_capacity(inputs):
        over = row.reads_after > max(2 * row.reads_before, budget.ON_DEMAND_NEW_TABLE_READ_UNITS)
        assert row.within_on_demand_ramp is not over


@given(s.capacity_inputs(reads=st.integers(1, budget.ON_DEMAND_NEW_TABLE_READ_UNITS)))
def test_a_peak_a_new_table_serves_never_warns(inputs):
    """A deployment whose whole peak of reads fits a new table's is never past on-demand."""
    assert all(row.within_on_demand_ramp for row in failover_capacity(inputs))


@given(s.capacity_inputs())
def test_a_failure_never_lowers_a_survivors_share(inputs):
    """Each survivor's share after its largest peer fails is at least what it had."""
    for row in failover_capacity(inputs):
        assert row.share_after >= row.share_before


@given(s.capacity_inputs())
def test_the_failed_peer_is_the_heaviest_other_region(inputs):
    """No other region outweighs the peer each row fails."""
    weights = dict(inputs.weights)
    for row in failover_capacity(inputs):
        assert row.failed != row.region
        assert weights[row.failed] == max(w for r, w in weights.items() if r != row.region)
        assert largest_peer(weights, row.region) == row.failed


@given(s.capacity_inputs())
@example(b.EVEN)
@example(b.UNEVEN)
def test_survivable_peak_is_exactly_where_absorbing_stops(inputs):
    """At the survivable peak every region absorbs its largest peer; one more and one does not."""
    top = survivable_peak(inputs)
    at = attrs.evolve(inputs, peak_concurrency=top)
    above = attrs.evolve(inputs, peak_concurrency=top + 1)
    assert all(row.absorbs for row in failover_capacity(at))
    assert not all(row.absorbs for row in failover_capacity(above))


def test_on_demand_ramp_is_twice_the_previous_peak():
    """DynamoDB documents 2x the previous peak at once; the limit of the ramp check."""
    assert budget.ON_DEMAND_INSTANT_RAMP == 2


# ----- the boundaries, as examples ------------------------------------------------------


def test_a_survivor_absorbs_a_need_equal_to_its_reservation():
    """50/50 at a peak of 100: each survivor needs exactly its 100 and absorbs; at 101 it
    needs 101 and does not."""
    at = failover_capacity(b.NEEDS_THE_RESERVATION)
    assert [(r.needed_concurrency, r.reserved_concurrency, r.absorbs) for r in at] == [
        (100, 100, True),
        (100, 100, True),
    ]
    assert not any(r.absorbs for r in failover_capacity(b.NEEDS_ONE_MORE))


def test_the_survivable_peak_of_an_even_layout_is_the_reservation():
    """50/50 at 100 reserved: every failover absorbs up to a peak of exactly 100, the peak
    EVEN states, where each survivor's need equals its reservation."""
    assert survivable_peak(b.EVEN) == b.EVEN.peak_concurrency == 100


def test_the_survivable_peak_rounds_down_to_whole_executions():
    """60/20/20 at 100 reserved: us-east-1 takes 3/4 when us-west-2 fails, so up to 133 is
    absorbed (it needs 99.75, so 100); at 134 it needs 100.5, so 101."""
    assert survivable_peak(b.UNEVEN) == 133
    at, above = (attrs.evolve(b.UNEVEN, peak_concurrency=peak) for peak in (133, 134))
    assert failover_capacity(at)[0].needed_concurrency == 100  # us-east-1's row
    assert failover_capacity(above)[0].needed_concurrency == 101


def test_a_read_ramp_of_exactly_twice_is_within_on_demand():
    """50/25/25: a quarter of the reads becoming half is 2x, what on-demand serves at once;
    a fifth becoming half (60/20/20) is 2.5x, over it."""
    at = {r.region: r for r in failover_capacity(b.RAMP_AT_TWICE)}
    assert at["us-west-2"].read_ramp == 2 == budget.ON_DEMAND_INSTANT_RAMP
    assert at["us-west-2"].within_on_demand_ramp and at["eu-west-1"].within_on_demand_ramp
    assert at["us-west-2"].reads_after == at["us-west-2"].instant_read_units == 20_000
    past = {r.region: r for r in failover_capacity(b.RAMP_PAST_TWICE)}
    assert past["us-west-2"].read_ramp == Fraction(5, 2)
    assert not past["us-west-2"].within_on_demand_ramp


def test_reads_of_exactly_a_new_tables_are_within_on_demand():
    """60/20/20 at 24,000 read units: us-west-2 goes from 4,800 to exactly the 12,000 a new
    table serves (2.5x its previous peak, yet within); at 24,001, to 12,000.5, over it."""
    at = {r.region: r for r in failover_capacity(b.RAMP_AT_NEW_TABLE)}
    west = at["us-west-2"]
    assert west.reads_after == west.instant_read_units == budget.ON_DEMAND_NEW_TABLE_READ_UNITS
    assert west.read_ramp == Fraction(5, 2) and west.within_on_demand_ramp
    past = {r.region: r for r in failover_capacity(b.RAMP_PAST_NEW_TABLE)}
    assert past["us-west-2"].reads_after == Fraction(24_001, 2)
    assert not past["us-west-2"].within_on_demand_ramp
