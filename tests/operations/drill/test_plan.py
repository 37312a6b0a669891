"""The plan: every name a drill touches comes from the spec."""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.operations.drill.plan import DrillPlan
from drkit.regions.spec import DeploymentSpec
from tests.helpers import ROOT

THREE = DeploymentSpec.from_toml(ROOT / "examples" / "three-region.toml", environment_suffix="prod")


def test_the_plan_names_the_switch_checks_and_api_of_the_spec():
    """Names come from the spec's namer: the region's switch, every region's check, the API."""
    plan = DrillPlan.from_spec(THREE, "us-west-2")
    assert plan.parameter_name == "/drkit/prod/drain-usw2"
    assert plan.health_check_names["us-west-2"] == "hc-api-usw2-prod"
    assert set(plan.health_check_names) == {r.region for r in THREE.regions}
    assert plan.others == tuple(r.region for r in THREE.regions if r.region != "us-west-2")
    assert plan.api_domain_name == THREE.api_domain_name
    assert plan.inputs == THREE.budget_inputs
    assert plan.weight == next(r.weight for r in THREE.regions if r.region == "us-west-2")


def test_a_region_outside_the_spec_names_the_allowed_ones():
    """An unknown region is a SpecError on --region listing the spec's regions."""
    with pytest.raises(SpecError) as caught:
        DrillPlan.from_spec(THREE, "ap-south-1")
    assert caught.value.field == "--region"
    assert all(r.region in caught.value.allowed for r in THREE.regions)
