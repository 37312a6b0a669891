"""The capacity section of ``drkit budget``: rows, warnings that name what to change, JSON."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given

from drkit.operations.budget.capacity import CapacityReport
from drkit.regions.budget import CapacityInputs, failover_capacity, survivable_peak
from tests import boundaries as b
from tests.strategies import budget as s

DEFAULT = CapacityReport(
    inputs=CapacityInputs(weights=(("us-east-1", 70), ("us-west-2", 30)), reserved_concurrency=100)
)


def _flat(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def test_the_default_section_prints_both_regions_and_warns():
    """70/30 at 100 reserved: both rows, a warning per region, the ramp warning and the fix."""
    flat = _flat(DEFAULT.render())
    for text in (
        "Capacity: each region when its largest peer fails (API function, 100 reserved per region)",
        "peak concurrent executions 142 us-east-1 (70 %) at its reservation (modelled)",
        "peak every failover absorbs 100",
        "us-east-1 us-west-2 70 % -> 100 % 142 100 x1.43",
        "us-west-2 us-east-1 30 % -> 100 % 142 100 x3.33 (over on-demand's 2x)",
        "WARNING: us-west-2 cannot absorb the failure of us-east-1: at a peak of 142, its 100 % "
        "share needs 142 concurrent executions and its API function reserves 100",
        "WARNING: the table replicas in us-west-2 (x3.33) get more than 2x their reads at once",
        "only while the peak stays at or below 100",
    ):
        assert text in flat, text


def test_a_given_peak_within_the_reservation_leaves_only_the_ramp_warning():
    """At a peak of 60 every region absorbs its peer; the 3.33x read ramp is still a warning."""
    report = CapacityReport(inputs=attrs.evolve(DEFAULT.inputs, peak_concurrency=60))
    assert report.absorbs_every_failure
    assert [w.split(":")[0] for w in report.warnings()] == ["WARNING"]
    assert "us-west-2 (x3.33)" in report.warnings()[0]


def test_a_given_peak_names_the_reservation_that_fits():
    """At a given peak of 150 the fix names lambda_reserved_concurrency >= 150."""
    report = CapacityReport(inputs=attrs.evolve(DEFAULT.inputs, peak_concurrency=150))
    assert report.warnings()[-1] == (
        "Fix: at a peak of 150, set lambda_reserved_concurrency to at least 150."
    )


def test_a_reservation_above_standard_throughput_names_the_setting_it_needs():
    """At a peak of 300 the fix also says the spec then needs Parameter Store's higher
    throughput (it refuses more than 199 without it)."""
    fix = CapacityReport(inputs=attrs.evolve(DEFAULT.inputs, peak_concurrency=300)).warnings()[-1]
    assert fix.startswith("Fix: at a peak of 300, set lambda_reserved_concurrency to at least 300.")
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
    assert doc["peak_concurrency"] == inputs.peak
    assert doc["survivable_peak_concurrency"] == survivable_peak(inputs)
    assert doc["absorbs_every_failure"] == all(r["absorbs"] for r in doc["regions"])


# ----- the boundaries, as examples ------------------------------------------------------


def test_a_need_equal_to_the_reservation_is_not_warned_about():
    """50/50 at a peak of 100: each survivor needs exactly its 100, so nothing is warned
    about; at 101 both are, with the fix."""
    assert CapacityReport(inputs=b.NEEDS_THE_RESERVATION).warnings() == ()
    over = CapacityReport(inputs=b.NEEDS_ONE_MORE).warnings()
    assert [w.split()[1] for w in over if "cannot absorb" in w] == ["us-east-1", "us-west-2"]
    assert over[-1].startswith("Fix: at a peak of 101, set lambda_reserved_concurrency to at")


def test_a_read_ramp_of_exactly_twice_is_not_warned_about():
    """50/25/25: the 2x ramp is what on-demand serves at once; 60/20/20 (2.5x) is warned."""
    assert CapacityReport(inputs=b.RAMP_AT_TWICE).warnings() == ()
    (ramp,) = CapacityReport(inputs=b.RAMP_PAST_TWICE).warnings()
    assert "us-west-2 (x2.5), eu-west-1 (x2.5)" in ramp


def test_the_printed_peak_is_the_survivable_one_for_an_even_layout():
    """50/50 at 100 reserved: the modelled peak 200, every failover absorbed up to 100."""
    flat = " ".join(" ".join(CapacityReport(inputs=b.EVEN).render()).split())
    assert "peak concurrent executions 200" in flat
    assert "peak every failover absorbs 100" in flat


@pytest.mark.parametrize("peak, needs_setting", [(199, False), (200, True)])
def test_the_fix_names_higher_throughput_exactly_above_199(peak, needs_setting):
    """A survivor needing 199 (the most standard throughput takes) is fixed by the reservation
    alone; one needing 200 also needs Parameter Store's higher throughput."""
    fix = CapacityReport(inputs=attrs.evolve(b.EVEN, peak_concurrency=peak)).warnings()[-1]
    assert fix.startswith(f"Fix: at a peak of {peak}, set lambda_reserved_concurrency to at least")
    assert ("parameter_store_high_throughput = true" in fix) is needs_setting
