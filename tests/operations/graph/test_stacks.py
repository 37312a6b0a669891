"""``drkit graph`` shows the stacks: every stack of the synth output has a place in the
picture (a region's box, the DNS entry, or the box of the other stacks), and says what it
holds, read from the stacks (not from the spec).
"""

from __future__ import annotations

import pytest

from drkit.operations.graph import draw, from_synthesized, to_mermaid
from tests.operations.graph.support import (
    STACKS_BOX,
    json_count,
    json_resource_regions,
    json_routing,
    json_zones,
    read_mermaid,
)

pytestmark = pytest.mark.synth


@pytest.fixture(params=["default", "three", "four-without-us-east-1"])
def layout(request, default_stacks, three_region_stacks, four_region_stacks):
    """(stacks ``name -> cdk.tf.json``, the picture drawn of them)."""
    stacks = {
        "default": default_stacks,
        "three": three_region_stacks,
        "four-without-us-east-1": four_region_stacks,
    }[request.param]
    return stacks, read_mermaid(to_mermaid(draw(from_synthesized(stacks))))


def _stack_nodes(picture):
    """Stack name -> its node's label lines, for the nodes of the stacks box."""
    found = {}
    for node in picture.in_box(STACKS_BOX):
        first, *rest = node.label.split("<br/>")
        found[first.split(" · ")[0]] = [first, *rest]
    return found


def _entry_stacks(stacks):
    (record_stack,) = {stack for _, _, stack in json_routing(stacks).values()}
    ((zone, zone_stack),) = json_zones(stacks)
    return record_stack, zone, zone_stack


def test_the_entry_names_the_records_stack_and_the_zones(layout):
    """The DNS entry says which stack has the weighted records, in which stack's zone."""
    stacks, picture = layout
    record_stack, zone, zone_stack = _entry_stacks(stacks)
    assert picture.entry().label == (
        f"api.{zone}<br/>{record_stack}'s weighted records<br/>in {zone_stack}'s zone {zone}"
    )


def test_every_stack_has_one_place_in_the_picture(layout):
    """Each stack is named once as the home of something: a region's box title, the entry,
    or a node of the stacks box; the regions' own stacks are never in the stacks box."""
    stacks, picture = layout
    titled = {t.rsplit(" · ", 1)[1] for r, t in picture.titles.items() if " · " in t}
    record_stack, _, zone_stack = _entry_stacks(stacks)
    boxed = set(_stack_nodes(picture))
    places = [*titled, record_stack, zone_stack, *boxed]
    assert sorted(places) == sorted(stacks)
    for region, title in picture.titles.items():
        if " · " in title:
            assert json_resource_regions(stacks)[title.rsplit(" · ", 1)[1]] == {region}


def test_the_stacks_box_says_what_each_stack_holds(layout):
    """The IAM stack's node counts its roles, the links stack's its tables, replications and
    peerings, the zone stack's its records; each as many as its JSON has."""
    stacks, picture = layout
    nodes = _stack_nodes(picture)
    text = {name: " ".join(lines[1:]) for name, lines in nodes.items()}
    assert f"{json_count(stacks, 'drkit-iam', 'aws_iam_role')} IAM roles" in text["drkit-iam"]
    links = text["drkit-links"]
    assert f"{json_count(stacks, 'drkit-links', 'aws_dynamodb_table')} DynamoDB tables" in links
    replications = json_count(stacks, "drkit-links", "aws_s3_bucket_replication_configuration")
    assert f"{replications} bucket replications" in links
    peerings = json_count(stacks, "drkit-links", "aws_vpc_peering_connection")
    assert f"{peerings} VPC peering" in links
    assert f"{json_count(stacks, 'drkit-zone', 'aws_route53_record')} records" in text["drkit-zone"]
    assert "DNSSEC signing" in text["drkit-zone"]


def test_a_stack_in_one_region_says_which(layout):
    """A node of the stacks box names the region when all its stack's resources are in one
    (us-east-1 for the IAM and zone stacks), and none when they span several (links)."""
    stacks, picture = layout
    regions = json_resource_regions(stacks)
    for name, lines in _stack_nodes(picture).items():
        if len(regions[name]) == 1:
            assert lines[0] == f"{name} · {next(iter(regions[name]))}"
        else:
            assert lines[0] == name
    assert regions["drkit-iam"] == regions["drkit-zone"] == {"us-east-1"}
    assert len(regions["drkit-links"]) > 1
