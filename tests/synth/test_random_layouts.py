"""Random layouts of 2 to 5 regions, each synthesized once and checked against every property
family: the stack properties (test_stack_properties.PROPERTIES), the stacks' isolation
(tests/synth/isolation.py) and declared access in both directions
(tests/synth/access_checks.py)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from drkit.regions import DeploymentSpec
from tests.helpers import SYNTH_SETTINGS, merged, synth_stacks
from tests.strategies import spec as s
from tests.synth import access_checks as access
from tests.synth.isolation import ISOLATION
from tests.synth.test_stack_properties import PROPERTIES

pytestmark = pytest.mark.synth

WITHOUT_US_EAST_1 = s.deployment_specs(exclude=("us-east-1",))
PRIMARY_ELSEWHERE = s.deployment_specs(include=("us-east-1",), primary_not="us-east-1")


def _layout(regions, primary):
    return DeploymentSpec.from_mapping(
        {
            "environment_suffix": "ex",
            "regions": [
                {
                    "region": r,
                    "role": "primary" if r == primary else "secondary",
                    "weight": w,
                    "cidr": f"10.{i}.0.0/16",
                }
                for i, (r, w) in enumerate(regions)
            ],
        }
    )


@SYNTH_SETTINGS
@given(st.one_of(s.deployment_specs(max_regions=5), WITHOUT_US_EAST_1, PRIMARY_ELSEWHERE))
@example(_layout((("eu-west-1", 60), ("ap-southeast-2", 40)), "eu-west-1"))
@example(_layout((("us-east-1", 20), ("eu-central-1", 50), ("us-west-2", 30)), "eu-central-1"))
def test_random_layouts(spec):
    """Every invariant holds for a randomly generated valid layout of 2 to 5 regions: the
    stack properties, the stacks' isolation (tests/synth/isolation.py) and declared access in
    both directions (tests/synth/access_checks.py), all on one synthesis (each is 1-3 s).

    Always including one without us-east-1 and one whose primary is elsewhere.
    """
    stacks = synth_stacks(spec)
    stack = merged(stacks)
    for prop in PROPERTIES:
        prop(spec, stack)
    for isolated in ISOLATION:
        isolated(spec, stacks)
    case = access.Stack(spec, stack)
    assert access.policy_findings(case) == []
    assert access.key_policy_findings(case) == []
    assert access.path_findings(case) == []
