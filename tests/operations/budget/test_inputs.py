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


@pytest.mark.parametrize("peak", [0, -1, True])
def test_a_peak_below_one_is_refused(peak):
    """--peak-concurrency must be a positive integer: 0, negatives and booleans are refused."""
    with pytest.raises(SpecError) as caught:
        SpecBudget.from_environment({}, {"peak_concurrency": peak})
    assert caught.value.field == "peak_concurrency"


def test_a_peak_of_one_is_taken():
    """The smallest peak, 1, is a what-if like any other."""
    spec = SpecBudget.from_environment({}, {"peak_concurrency": 1})
    assert spec.capacity.inputs.peak == 1
