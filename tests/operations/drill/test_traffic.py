"""Traffic statistics: how many misses prove a region is out, and when it went."""

from __future__ import annotations

from drkit.operations.drill.traffic import TRAFFIC_CONFIDENCE, TrafficWatch, required_misses

PRIMARY, SECONDARY = "us-east-1", "us-west-2"


def test_traffic_is_inconclusive_until_the_region_answered_once():
    """Misses alone never confirm that a region left DNS: it might never have been picked."""
    watch = TrafficWatch(region=SECONDARY, required=2)
    for t in range(5):
        watch.record(t, PRIMARY)
    assert watch.off_at is None
    watch.record(5, SECONDARY)
    watch.record(6, None)
    watch.record(7, PRIMARY)
    assert watch.off_at is None
    watch.record(8, PRIMARY)
    assert watch.off_at == 7


def test_an_answer_from_the_region_starts_the_count_again():
    """A late answer from the drained region resets the misses and the first miss."""
    watch = TrafficWatch(region=SECONDARY, required=2)
    for t, who in enumerate((SECONDARY, PRIMARY, SECONDARY, PRIMARY, PRIMARY)):
        watch.record(t, who)
    assert (watch.last_seen, watch.first_miss, watch.misses, watch.off_at) == (2, 3, 2, 3)


def test_a_weight_zero_region_has_no_traffic_to_measure():
    """Weight 0 cannot be measured; a heavier region needs fewer misses than a lighter one."""
    assert required_misses(0) is None
    assert required_misses(100) == 1
    assert required_misses(70) < required_misses(30) < required_misses(5)


def test_required_misses_is_the_fewest_that_reach_the_confidence():
    """For every weight from 1 to 99 %: that many misses in a row while the region keeps its
    weight has a chance of at most 1 - TRAFFIC_CONFIDENCE, and one miss fewer has more."""
    for weight in range(1, 100):
        n = required_misses(weight)
        assert n is not None
        keep = 1 - weight / 100
        assert keep**n <= 1 - TRAFFIC_CONFIDENCE < keep ** (n - 1), weight
