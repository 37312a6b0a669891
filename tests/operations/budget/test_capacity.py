"""The capacity section of ``drkit budget``: rows, warnings that name what to change, JSON."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given

from drkit.operations.budget.capacity import CapacityReport
from drkit.regions.budget import (
    CapacityInputs,
    HealthCapacity,
    failover_capacity,
    survivable_peak,
)
from drkit.regions.quotas import HEALTH_CHECKER_CONCURRENCY, HEALTH_RESERVED_CONCURRENCY
from tests import boundaries as b
from tests.strategies import budget as s

DEFAULT = CapacityReport(
    inputs=CapacityInputs(
        weights=(("us-east-1", 70), ("us-west-2", 30)),
        reserved_concurrency=100,
        peak_concurrency=80,
        peak_read_units_per_second=1600,
    )
)


def _flat(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def test_the_default_section_prints_both_regions_and_no_warning():
    """70/30, 100 reserved, a stated peak of 80: both rows, each peak with its source, and
    nothing to warn about."""
    flat = _flat(DEFAULT.render())
    for text in (
        "Capacity: each region when its largest peer fails (API function, 100 reserved per region)",
        "peak concurrent executions 80 peak_concurrency (spec)",
        "peak every failover absorbs 100",
        "peak read units a second 1600 peak_read_units_per_second (spec)",
        "on-demand reads served at once 12000 a new table's, or 2x a replica's previous peak",
        "us-east-1 us-west-2 70 % -> 100 % 80 100 1120 -> 1600",
        "us-west-2 us-east-1 30 % -> 100 % 80 100 480 -> 1600",
    ):
        assert text in flat, text
    assert DEFAULT.warnings() == () and "WARNING" not in flat


def test_a_what_if_peak_is_labelled_as_one():
    """An overridden peak says so; the other keeps its spec label."""
    flat = _flat(attrs.evolve(DEFAULT, what_ifs=frozenset({"peak_concurrency"})).render())
    assert "peak_concurrency (what-if)" in flat
    assert "peak_read_units_per_second (spec)" in flat


def test_reads_past_a_new_tables_warn_with_the_replicas_numbers():
    """At 20,000 read units us-west-2 goes from 6,000 to 20,000: one warning naming it."""
    inputs = attrs.evolve(DEFAULT.inputs, peak_read_units_per_second=20_000)
    (warning,) = CapacityReport(inputs=inputs).warnings()
    assert warning.startswith("WARNING: the table replicas in us-west-2 (6000 -> 20000 read")
    assert "12000 (documented)" in warning and "us-east-1" not in warning


def test_a_peak_past_the_reservation_names_the_reservation_that_fits():
    """At a peak of 150 the fix names lambda_reserved_concurrency >= 150, or the peak 100."""
    report = CapacityReport(inputs=attrs.evolve(DEFAULT.inputs, peak_concurrency=150))
    assert report.warnings()[-1] == (
        "Fix: at a peak of 150, set lambda_reserved_concurrency to at least 150, or keep the "
        "peak at or below 100."
    )


def test_a_reservation_above_standard_throughput_names_the_setting_it_needs():
    """At a peak of 300 the fix also says the spec then needs Parameter Store's higher
    throughput (it refuses more than 199 without it)."""
    fix = CapacityReport(inputs=attrs.evolve(DEFAULT.inputs, peak_concurrency=300)).warnings()[-1]
    assert fix.startswith("Fix: at a peak of 300, set lambda_reserved_concurrency to at least 300")
    assert "Above 199" in fix and "parameter_store_high_throughput = true" in fix


@given(s.capacity_inputs())
def test_a_region_is_warned_about_exactly_when_it_cannot_absorb(inputs):
    """One 'cannot absorb' warning per region that needs more than it reserves, none otherwise."""
    report = CapacityReport(inputs=inputs)
    short = {row.region for row in failover_capacity(inputs) if not row.absorbs}
    warned = {w.split()[1] for w in report.warnings() if "cannot absorb" in w}
    assert warned == short
    assert any(w.startswith("Fix: ") for w in report.warnings()) == bool(short)


@given(s.capacity_inputs())
def test_json_carries_every_region_and_the_peaks(inputs):
    """--json's capacity: one entry per region, in order, with the peaks the table prints."""
    doc = CapacityReport(inputs=inputs).to_json()
    assert [r["region"] for r in doc["regions"]] == [r for r, _ in inputs.weights]
    assert doc["peak_concurrency"] == inputs.peak_concurrency
    assert doc["peak_read_units_per_second"] == inputs.peak_read_units_per_second
    assert doc["survivable_peak_concurrency"] == survivable_peak(inputs)
    assert doc["absorbs_every_failure"] == all(r["absorbs"] for r in doc["regions"])


def test_health_has_its_own_line_apart_from_the_api_function():
    """/health's function is printed apart, with its reservation and what the checkers hold;
    the records' warnings say /health is not throttled with them."""
    flat = _flat(DEFAULT.render())
    assert (
        "/health function (its own) reserves 20 per region; Route 53's checkers hold at most 10"
    ) in flat
    short = CapacityReport(inputs=attrs.evolve(DEFAULT.inputs, peak_concurrency=200))
    assert any(
        "Lambda throttles the rest of the records requests (not /health" in w
        for w in short.warnings()
    )
    assert DEFAULT.to_json()["health"] == {
        "reserved_concurrency": HEALTH_RESERVED_CONCURRENCY,
        "checker_concurrency": HEALTH_CHECKER_CONCURRENCY,
        "absorbs": True,
    }


def test_a_health_reservation_below_the_checkers_is_a_warning():
    """Were /health's reservation below what Route 53's checkers hold, the budget says so."""
    short = attrs.evolve(
        DEFAULT, health=HealthCapacity(needed_concurrency=10, reserved_concurrency=9)
    )
    (warning,) = [w for w in short.warnings() if w.startswith("WARNING: /health's function")]
    assert "reserves 9" in warning and "can hold 10" in warning
    assert not any("/health's function" in w for w in DEFAULT.warnings())


# ----- the boundaries, as examples ------------------------------------------------------


def test_a_need_equal_to_the_reservation_is_not_warned_about():
    """50/50 at a peak of 100: each survivor needs exactly its 100, so nothing is warned
    about; at 101 both are, with the fix."""
    assert CapacityReport(inputs=b.NEEDS_THE_RESERVATION).warnings() == ()
    over = CapacityReport(inputs=b.NEEDS_ONE_MORE).warnings()
    assert [w.split()[1] for w in over if "cannot absorb" in w] == ["us-east-1", "us-west-2"]
    assert over[-1].startswith("Fix: at a peak of 101, set lambda_reserved_concurrency to at")


def test_a_read_ramp_of_exactly_twice_is_not_warned_about():
    """50/25/25 at 40,000 read units: 2x, what on-demand serves at once, is not warned about;
    60/20/20 (2.5x) is, naming both replicas with their reads."""
    assert CapacityReport(inputs=b.RAMP_AT_TWICE).warnings() == ()
    (ramp,) = CapacityReport(inputs=b.RAMP_PAST_TWICE).warnings()
    assert "us-west-2 (8000 -> 20000 read units/s), eu-west-1 (8000 -> 20000 read" in ramp


def test_reads_of_exactly_a_new_tables_are_not_warned_about():
    """60/20/20 at 24,000 read units: a replica going to exactly 12,000 is not warned about;
    at 24,001 (12,000.5, printed rounded up) both are."""
    assert CapacityReport(inputs=b.RAMP_AT_NEW_TABLE).warnings() == ()
    (ramp,) = CapacityReport(inputs=b.RAMP_PAST_NEW_TABLE).warnings()
    assert "us-west-2 (4801 -> 12001 read units/s), eu-west-1 (4801 -> 12001 read" in ramp


def test_the_printed_peak_is_the_survivable_one_for_an_even_layout():
    """50/50 at 100 reserved and a peak of 100: the stated peak is exactly the one every
    failover absorbs, and nothing is warned about."""
    flat = _flat(CapacityReport(inputs=b.EVEN).render())
    assert "peak concurrent executions 100 peak_concurrency (spec)" in flat
    assert "peak every failover absorbs 100" in flat
    assert "WARNING" not in flat


def test_a_health_reservation_equal_to_what_the_checkers_hold_is_not_warned_about():
    """/health's function reserving exactly the 10 Route 53's checkers hold absorbs them."""
    even = attrs.evolve(
        DEFAULT, health=HealthCapacity(needed_concurrency=10, reserved_concurrency=10)
    )
    assert even.health.absorbs and even.warnings() == ()


@pytest.mark.parametrize("peak, needs_setting", [(199, False), (200, True)])
def test_the_fix_names_higher_throughput_exactly_above_199(peak, needs_setting):
    """A survivor needing 199 (the most standard throughput takes) is fixed by the reservation
    alone; one needing 200 also needs Parameter Store's higher throughput."""
    fix = CapacityReport(inputs=attrs.evolve(b.EVEN, peak_concurrency=peak)).warnings()[-1]
    assert fix.startswith(f"Fix: at a peak of {peak}, set lambda_reserved_concurrency to at least")
    assert ("parameter_store_high_throughput = true" in fix) is needs_setting
