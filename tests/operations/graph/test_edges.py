"""``drkit graph`` draws what the synthesized stacks hold: every region, peering, replica,
replication, weighted record with its health check, and the alarms per region, each with
the stack it is in.

Each test reads the drawn Mermaid back (tests/operations/graph/support.py) and compares it
with the stacks read one by one, for the default layout, the three-region example and four
regions without us-east-1.
"""

from __future__ import annotations

from collections import Counter

import pytest

from drkit.operations.graph import draw, from_synthesized, to_dot, to_mermaid
from tests.operations.graph.support import (
    json_alarms,
    json_health_alarms,
    json_peerings,
    json_regions,
    json_replicas,
    json_replications,
    json_routing,
    read_mermaid,
)

pytestmark = pytest.mark.synth


@pytest.fixture(params=["default", "three", "four-without-us-east-1"])
def layout(
    request,
    default_spec,
    default_stacks,
    three_region_spec,
    three_region_stacks,
    four_region_spec,
    four_region_stacks,
):
    """(spec, its stacks ``name -> cdk.tf.json``, the picture drawn of them)."""
    spec, stacks = {
        "default": (default_spec, default_stacks),
        "three": (three_region_spec, three_region_stacks),
        "four-without-us-east-1": (four_region_spec, four_region_stacks),
    }[request.param]
    return spec, stacks, read_mermaid(to_mermaid(draw(from_synthesized(stacks))))


def _edges(picture, label_start):
    return [e for e in picture.edges if e.label.startswith(label_start)]


def test_every_region_is_a_box_with_its_role_weight_and_stack(layout):
    """One box per provider region; a serving region's title has its role, its weight and the
    stack planned for it; us-east-1 otherwise shows it is there for Route 53's metrics."""
    spec, stacks, picture = layout
    assert set(picture.titles) - {"stacks"} == json_regions(stacks)
    planned = {plan.region: plan.name for plan in spec.stacks if plan.region}
    for region in spec.regions:
        role = "primary" if region is spec.primary else "secondary"
        assert picture.titles[region.region] == (
            f"{region.region}: {role}, weight {region.weight} · {planned[region.region]}"
        )
    for extra in json_regions(stacks) - {r.region for r in spec.regions}:
        assert picture.titles[extra] == f"{extra}: Route 53 metrics region, no traffic"


def test_peering_edges_are_the_peering_connections_with_their_stack(layout):
    """A two-way VPC edge per peering connection, between the regions the JSON pairs,
    labelled with the stack that holds the connection."""
    _, stacks, picture = layout
    edges = _edges(picture, "VPC peering")
    drawn = [(frozenset((e.source.region, e.target.region)), e.stack) for e in edges]
    assert all(e.both_ways for e in edges)
    assert Counter(drawn) == Counter(json_peerings(stacks))


def test_replica_edges_are_the_tables_replica_blocks(layout):
    """A global-table edge from each table in its home region to each replica region,
    labelled with the table's stack."""
    _, stacks, picture = layout
    drawn = [
        (e.source.label, e.source.region, e.target.region, e.stack)
        for e in _edges(picture, "global table replica")
        if e.source.label == e.target.label
    ]
    assert len(drawn) == len(_edges(picture, "global table replica"))
    assert Counter(drawn) == Counter(json_replicas(stacks))


def test_replication_edges_are_the_buckets_replication_rules(layout):
    """One arrow per S3 replication rule, from the source bucket to the destination bucket
    (each in the box of its own region), labelled with the rule's stack."""
    _, stacks, picture = layout
    drawn = [
        (e.source.label, e.source.region, e.target.label, e.target.region, e.stack)
        for e in _edges(picture, "replicates")
    ]
    assert not any(e.both_ways for e in _edges(picture, "replicates"))
    assert Counter(drawn) == Counter(json_replications(stacks))


def test_every_non_primary_region_receives_the_trail(layout):
    """The trail bucket of the primary replicates to a trail archive in every other region."""
    spec, stacks, _ = layout
    trail = {
        (source_region, target_region)
        for source, source_region, _, target_region, _ in json_replications(stacks)
        if source.startswith("s3-cloudtrail-")
    }
    assert trail == {(spec.primary.region, r.region) for r in spec.secondaries}


def test_routing_edges_carry_each_records_weight_and_health_check(layout):
    """The DNS name points at each weighted record's region with its weight and health check."""
    _, stacks, picture = layout
    drawn = {e.target.region: e.label for e in _edges(picture, "weight ")}
    assert len(drawn) == len(_edges(picture, "weight "))
    expected = {
        region: f"weight {weight}<br/>{check['type']} {check['resource_path']} every "
        f"{check['request_interval']} s, out after {check['failure_threshold']} failures"
        for region, (weight, check, _) in json_routing(stacks).items()
    }
    assert drawn == expected
    assert all(e.source.region is None for e in _edges(picture, "weight "))


def _alarm_notes(picture):
    return {n.region: n.label for n in picture.nodes.values() if "CloudWatch alarms" in n.label}


def test_alarm_counts_per_region_are_the_jsons(layout):
    """Each region's box counts the alarms whose provider is that region, in every stack."""
    _, stacks, picture = layout
    totals = Counter()
    for (region, _), count in json_alarms(stacks).items():
        totals[region] += count
    drawn = {r: int(label.split(" ")[0]) for r, label in _alarm_notes(picture).items()}
    assert drawn == {r: totals[r] for r in json_regions(stacks)}


def test_alarms_say_which_stack_keeps_them_when_not_the_regions_own(layout):
    """A region whose alarms are all in its own stack shows the count only; elsewhere the note
    has a line per stack with its count (its own stack first)."""
    spec, stacks, picture = layout
    own = {plan.region: plan.name for plan in spec.stacks if plan.region}
    for region, label in _alarm_notes(picture).items():
        kept = {s: n for (r, s), n in json_alarms(stacks).items() if r == region}
        lines = label.split("<br/>")[1:]
        if set(kept) <= {own.get(region)}:
            assert lines == []
            continue
        drawn = {line.split(" in ")[1].split(",")[0]: int(line.split(" ")[0]) for line in lines}
        assert drawn == kept
        if own.get(region) in kept:
            assert lines[0].startswith(f"{kept[own[region]]} in {own[region]}")


def test_health_alarms_are_drawn_where_they_live(layout):
    """The Route 53 health-check alarms, one per weighted record, are in us-east-1 (the only
    region that publishes their metric), kept by the stack that has the health checks."""
    spec, stacks, picture = layout
    ((where, count),) = json_health_alarms(stacks).items()
    (checks_stack,) = {stack for _, _, stack in json_routing(stacks).values()}
    assert where == ("us-east-1", checks_stack) and count == len(spec.regions)
    notes = _alarm_notes(picture)
    assert f"<br/>{count} in {checks_stack}, on Route 53 health checks" in notes["us-east-1"]
    assert sum("health checks" in label for label in notes.values()) == 1


def test_nothing_is_drawn_that_the_json_does_not_hold(layout):
    """The drawn edges are exactly the routing, peering, replica and replication ones."""
    _, stacks, picture = layout
    expected = (
        len(json_routing(stacks))
        + len(json_peerings(stacks))
        + len(json_replicas(stacks))
        + len(json_replications(stacks))
    )
    assert len(picture.edges) == expected


def test_dot_draws_the_same_edges_and_boxes(layout):
    """The DOT rendering has the Mermaid one's nodes, edges and boxes (only the syntax differs)."""
    _, stacks, picture = layout
    drawing = draw(from_synthesized(stacks))
    dot = to_dot(drawing)
    for edge in drawing.edges:
        assert f"  {edge.source} -> {edge.target} [label=" in dot
    assert dot.count(" -> ") == len(drawing.edges)
    assert dot.count("subgraph cluster_") == len(picture.titles)
