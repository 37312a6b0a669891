"""The spec ``drkit budget`` reads: default or DRKIT_CONFIG, overrides, and what is refused."""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.operations.budget.inputs import SpecBudget
from drkit.operations.budget.report import BudgetReport
from drkit.regions.spec import DeploymentSpec
from tests.operations.budget.support import layout

DEFAULT = BudgetReport(inputs=DeploymentSpec.default().budget_inputs)


def test_the_default_spec_and_its_regions():
    """No DRKIT_CONFIG: the default spec, each region labelled with its role and weight."""
    spec = SpecBudget.from_environment({})
    assert spec.source == "built-in default spec"
    assert spec.regions == ("us-east-1 (primary, 70 %)", "us-west-2 (30 %)")
    assert spec.report == DEFAULT
    assert spec.render().startswith(
        "drkit budget for us-east-1 (primary, 70 %), us-west-2 (30 %) (built-in default spec)\n"
    )


def test_overrides_change_the_numbers_and_the_title():
    """What-if overrides replace the spec's numbers and are listed under the title."""
    spec = SpecBudget.from_environment({}, {"health_check_failure_threshold": 5})
    assert spec.report.inputs.health_check_failure_threshold == 5
    assert spec.render().splitlines()[1] == "what-if overrides: health_check_failure_threshold=5"
    assert list(spec.to_json())[:3] == ["source", "regions", "meets_targets"]


def test_an_out_of_range_override_is_refused_by_the_field_rule():
    """An override outside its field's range raises the spec's own SpecError."""
    with pytest.raises(SpecError) as caught:
        SpecBudget.from_environment({}, {"health_check_interval_seconds": 20})
    assert caught.value.field == "health_check_interval_seconds"


def test_a_layout_past_its_target_is_reported_not_refused(tmp_path):
    """A layout the spec refuses for its budget still gets a report that says NOT met."""
    config = layout(
        tmp_path / "slow.toml", health_check_interval_seconds=30, health_check_failure_threshold=10
    )
    with pytest.raises(SpecError, match="health_check_failure_threshold"):
        DeploymentSpec.from_toml(config)

    spec = SpecBudget.from_environment({"DRKIT_CONFIG": str(config)})
    assert spec.source == f"DRKIT_CONFIG={config}"
    assert spec.regions[-1] == "eu-west-1 (15 %)"
    assert not spec.report.meets_targets


def test_a_layout_invalid_for_another_reason_is_refused(tmp_path):
    """Weights that do not add up to 100 are a SpecError, as for the stack."""
    config = layout(tmp_path / "bad.toml", weights=(60, 30))
    with pytest.raises(SpecError, match=r"regions\[\]\.weight"):
        SpecBudget.from_environment({"DRKIT_CONFIG": str(config)})


def test_a_layouts_availability_target_is_evaluated_not_refused(tmp_path):
    """A layout asking for 99.9999 % gets its report: RTO and RPO met, availability not, so
    the budget as a whole is not met."""
    config = layout(tmp_path / "nines.toml", availability_target=99.9999)
    spec = SpecBudget.from_environment({"DRKIT_CONFIG": str(config)})
    assert spec.report.meets_targets and not spec.availability.meets_target
    assert not spec.meets_targets and spec.to_json()["meets_targets"] is False


def test_a_layout_may_write_its_target_as_an_integer(tmp_path):
    """``availability_target = 99`` is 99.0 %, through the spec's own converter."""
    config = layout(tmp_path / "two-nines.toml", availability_target=99)
    spec = SpecBudget.from_environment({"DRKIT_CONFIG": str(config)})
    assert spec.report.inputs.availability_target == 99.0
    assert spec.availability.budget.inputs.target_percent == 99


def test_a_fractional_target_in_a_layout_is_refused_naming_it(tmp_path):
    """0.9999 (a fraction for 99.99 %) is the field rule's SpecError, not a report."""
    config = layout(tmp_path / "fraction.toml", availability_target=0.9999)
    with pytest.raises(SpecError) as caught:
        SpecBudget.from_environment({"DRKIT_CONFIG": str(config)})
    assert caught.value.field == "availability_target"


def test_a_negative_incident_rate_is_refused_naming_it():
    """The incident what-if is an integer from 0; -1 is a SpecError naming it."""
    with pytest.raises(SpecError) as caught:
        SpecBudget.from_environment({}, {"incidents_per_region": -1})
    assert caught.value.field == "incidents_per_region"


def test_the_default_has_no_warning_and_a_peak_past_it_has_two():
    """The default layout passes its own capacity checks; at a peak of 300 both regions
    cannot absorb their peer (the fix line is advice, not a warning)."""
    assert SpecBudget.from_environment({}).warnings == ()
    over = SpecBudget.from_environment({}, {"peak_concurrency": 300}).warnings
    assert len(over) == 2 and all("cannot absorb" in w for w in over)


PEAKS = ("peak_concurrency", "peak_read_units_per_second")


@pytest.mark.parametrize("field", PEAKS)
@pytest.mark.parametrize("peak", [0, -1, True])
def test_a_peak_below_one_is_refused(field, peak):
    """--peak-concurrency and --peak-read-units must be positive integers: 0, negatives and
    booleans are refused, naming the field."""
    with pytest.raises(SpecError) as caught:
        SpecBudget.from_environment({}, {field: peak})
    assert caught.value.field == field


@pytest.mark.parametrize("field", PEAKS)
def test_a_peak_of_one_is_taken(field):
    """The smallest peak, 1, is a what-if like any other."""
    spec = SpecBudget.from_environment({}, {field: 1})
    assert getattr(spec.capacity.inputs, field) == 1
