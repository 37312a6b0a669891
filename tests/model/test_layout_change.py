"""Adding and removing a region: which stacks each step applies or destroys, and in what order."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drkit.errors import SpecError
from drkit.regions import DeploymentSpec
from drkit.regions.layout_change import Action, Layout, LayoutChange
from drkit.regions.region import Role
from tests.strategies.spec import deployment_specs

THREE = DeploymentSpec.from_mapping(
    {
        "regions": [
            {"region": "us-east-1", "role": "primary", "weight": 60, "cidr": "10.0.0.0/16"},
            {"region": "us-west-2", "role": "secondary", "weight": 25, "cidr": "10.1.0.0/16"},
            {"region": "eu-west-1", "role": "secondary", "weight": 15, "cidr": "10.2.0.0/16"},
        ]
    }
)


def test_adding_a_region_applies_every_stack_of_the_new_layout():
    change = LayoutChange.between(DeploymentSpec.default().stacks, THREE.stacks)
    assert (change.added, change.removed) == (("drkit-euw1",), ())
    (step,) = change.steps
    assert (step.action, step.layout) == (Action.APPLY, Layout.AFTER)
    assert step.stacks == tuple(p.name for p in THREE.stacks)


def test_removing_a_region_unlinks_it_then_destroys_its_stack_then_its_roles():
    change = LayoutChange.between(THREE.stacks, DeploymentSpec.default().stacks)
    assert (change.added, change.removed) == ((), ("drkit-euw1",))
    assert [(s.action, s.layout, s.stacks) for s in change.steps] == [
        (Action.APPLY, Layout.AFTER, ("drkit-links", "drkit-routing")),
        (Action.APPLY, Layout.AFTER, ("drkit-dns", "drkit-zone", "drkit-use1", "drkit-usw2")),
        (Action.DESTROY, Layout.BEFORE, ("drkit-euw1",)),
        (Action.APPLY, Layout.AFTER, ("drkit-iam",)),
    ]


def test_the_same_layout_changes_nothing_and_both_ways_at_once_is_refused():
    assert LayoutChange.between(THREE.stacks, THREE.stacks).steps == ()
    moved = DeploymentSpec.from_mapping(
        {
            "regions": [
                {"region": "us-east-1", "role": "primary", "weight": 60, "cidr": "10.0.0.0/16"},
                {"region": "us-west-2", "role": "secondary", "weight": 40, "cidr": "10.1.0.0/16"},
                {"region": "eu-west-2", "role": "secondary", "weight": 0, "cidr": "10.2.0.0/16"},
            ]
        }
    )
    with pytest.raises(ValueError, match=r"adds drkit-euw2 and removes drkit-euw1: change one"):
        LayoutChange.between(THREE.stacks, moved.stacks)


def _without_one_secondary(spec: DeploymentSpec, index: int) -> DeploymentSpec:
    """``spec`` less one secondary, its weight given to the primary."""
    secondaries = [r for r in spec.regions if r.role is Role.SECONDARY]
    gone = secondaries[index % len(secondaries)]
    regions = tuple(
        attrs.evolve(r, weight=r.weight + gone.weight) if r.role is Role.PRIMARY else r
        for r in spec.regions
        if r is not gone
    )
    return attrs.evolve(spec, regions=regions)


@given(deployment_specs(min_regions=3), st.integers(0, 3))
def test_every_removal_keeps_each_stack_applied_after_what_it_needs(spec, index):
    """Removing any secondary from a 3-5-region layout: each step's stacks are of the layout it
    names; a stack that depends on a removed one is applied (without it) before the destroy;
    what the removed stack depends on is applied after it; every kept stack is applied once."""
    after = _without_one_secondary(spec, index)
    change = LayoutChange.between(spec.stacks, after.stacks)
    (removed,) = change.removed
    by_name = {p.name: p for p in spec.stacks}
    order = [(s.action, name) for s in change.steps for name in s.stacks]
    destroyed = order.index((Action.DESTROY, removed))
    applied = [name for action, name in order if action is Action.APPLY]
    assert sorted(applied) == sorted(p.name for p in after.stacks)
    for position, (action, name) in enumerate(order):
        if action is Action.DESTROY:
            continue
        if removed in by_name[name].depends_on:
            assert position < destroyed, name
        if name in by_name[removed].depends_on:
            assert position > destroyed, name
    for step in change.steps:
        names = {p.name for p in (after if step.layout is Layout.AFTER else spec).stacks}
        assert set(step.stacks) <= names


def test_the_links_keep_a_removed_regions_provider_while_they_destroy_what_is_there():
    """Terraform destroys nothing it has no provider for: the unlink step names the region
    it retires, and the links of a layout with a retiring region call it too."""
    change = LayoutChange.between(THREE.stacks, DeploymentSpec.default().stacks)
    assert [s.retiring for s in change.steps] == [("eu-west-1",), (), (), ()]
    retiring = DeploymentSpec.from_environment({"DRKIT_RETIRING_REGIONS": "eu-west-1"})
    links = next(p for p in retiring.stacks if p.name == "drkit-links")
    assert links.regions == ("us-east-1", "us-west-2", "eu-west-1")
    assert [p.name for p in retiring.stacks] == [p.name for p in DeploymentSpec.default().stacks]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("us-west-2", r"retiring_regions\[0\]: 'us-west-2' .*no longer in the layout"),
        ("mars-1", r"retiring_regions\[0\]: 'mars-1' .*an AWS commercial region"),
        ("eu-west-1,eu-west-1", r"retiring_regions\[1\]: 'eu-west-1' .*each region once"),
    ],
)
def test_a_bad_retiring_region_names_the_variable(value, message):
    with pytest.raises(
        SpecError, match=message.replace("retiring_regions", "DRKIT_RETIRING_REGIONS")
    ):
        DeploymentSpec.from_environment({"DRKIT_RETIRING_REGIONS": value})
