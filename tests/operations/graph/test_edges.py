"""``drkit graph`` draws what the synthesized JSON holds: every region, peering, replica,
replication, weighted record with its health check, and the alarms per region.

Each test reads the drawn Mermaid back (tests/operations/graph/support.py) and compares it
with the JSON read independently, for the default layout, the three-region example and four
regions without us-east-1.
"""

from __future__ import annotations

from collections import Counter

import pytest

from drkit.operations.graph import StackTopology, draw, to_dot, to_mermaid
from tests.operations.graph.support import (
    json_alarms,
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
    default_stack,
    three_region_spec,
    three_region_stack,
    four_region_spec,
    four_region_stack,
):
    """(spec, stack, the picture drawn of the stack)."""
    spec, stack = {
        "default": (default_spec, default_stack),
        "three": (three_region_spec, three_region_stack),
        "four-without-us-east-1": (four_region_spec, four_region_stack),
    }[request.param]
    return spec, stack, read_mermaid(to_mermaid(draw(StackTopology.from_stack(stack))))


def _edges(picture, label_start):
    return [e for e in picture.edges if e.label.startswith(label_start)]


def test_every_region_is_a_box_with_its_role_and_weight(layout):
    """One box per provider region; serving regions show role and weight, us-east-1 otherwise
    shows it is there for Route 53's metrics."""
    spec, stack, picture = layout
    assert set(picture.titles) == json_regions(stack)
    for region in spec.regions:
        role = "primary" if region is spec.primary else "secondary"
        assert picture.titles[region.region] == f"{region.region}: {role}, weight {region.weight}"
    for extra in json_regions(stack) - {r.region for r in spec.regions}:
        assert picture.titles[extra] == f"{extra}: Route 53 metrics region, no traffic"


def test_peering_edges_are_the_peering_connections(layout):
    """A two-way VPC edge per peering connection, between the regions the JSON pairs."""
    _, stack, picture = layout
    drawn = [frozenset((e.source.region, e.target.region)) for e in _edges(picture, "VPC peering")]
    assert all(e.both_ways for e in _edges(picture, "VPC peering"))
    assert Counter(drawn) == Counter(json_peerings(stack))


def test_replica_edges_are_the_tables_replica_blocks(layout):
    """A global-table edge from each table in its home region to each replica region."""
    _, stack, picture = layout
    drawn = [
        (e.source.label, e.source.region, e.target.region)
        for e in _edges(picture, "global table replica")
        if e.source.label == e.target.label
    ]
    assert len(drawn) == len(_edges(picture, "global table replica"))
    assert Counter(drawn) == Counter(json_replicas(stack))


def test_replication_edges_are_the_buckets_replication_rules(layout):
    """One arrow per S3 replication rule, from the source bucket to the destination bucket."""
    _, stack, picture = layout
    drawn = [
        (e.source.label, e.source.region, e.target.label, e.target.region)
        for e in _edges(picture, "replicates")
    ]
    assert not any(e.both_ways for e in _edges(picture, "replicates"))
    assert Counter(drawn) == Counter(json_replications(stack))


def test_routing_edges_carry_each_records_weight_and_health_check(layout):
    """The DNS name points at each weighted record's region with its weight and health check."""
    _, stack, picture = layout
    drawn = {e.target.region: e.label for e in _edges(picture, "weight ")}
    assert len(drawn) == len(_edges(picture, "weight "))
    expected = {
        region: f"weight {weight}<br/>{check['type']} {check['resource_path']} every "
        f"{check['request_interval']} s, out after {check['failure_threshold']} failures"
        for region, (weight, check) in json_routing(stack).items()
    }
    assert drawn == expected
    assert all(e.source.region is None for e in _edges(picture, "weight "))


def test_alarm_counts_per_region_are_the_jsons(layout):
    """Each region's box counts the alarms whose provider is that region."""
    _, stack, picture = layout
    drawn = {
        n.region: int(n.label.split(" ")[0])
        for n in picture.nodes.values()
        if "CloudWatch alarms" in n.label
    }
    assert drawn == {r: json_alarms(stack).get(r, 0) for r in json_regions(stack)}


def test_health_alarms_are_drawn_where_they_live(layout):
    """The Route 53 health-check alarms are counted in us-east-1, one per weighted record."""
    spec, _, picture = layout
    notes = {n.region: n.label for n in picture.nodes.values() if "CloudWatch alarms" in n.label}
    assert f"<br/>{len(spec.regions)} on Route 53 health checks" in notes["us-east-1"]
    assert sum("health checks" in label for label in notes.values()) == 1


def test_nothing_is_drawn_that_the_json_does_not_hold(layout):
    """The drawn edges are exactly the routing, peering, replica and replication ones."""
    _, stack, picture = layout
    expected = (
        len(json_routing(stack))
        + len(json_peerings(stack))
        + len(json_replicas(stack))
        + len(json_replications(stack))
    )
    assert len(picture.edges) == expected


def test_dot_draws_the_same_edges(layout):
    """The DOT rendering has the Mermaid one's nodes and edges (only the syntax differs)."""
    _, stack, _ = layout
    drawing = draw(StackTopology.from_stack(stack))
    dot = to_dot(drawing)
    for edge in drawing.edges:
        assert f"  {edge.source} -> {edge.target} [label=" in dot
    assert dot.count(" -> ") == len(drawing.edges)
    assert dot.count("subgraph cluster_") == len(drawing.clusters)
