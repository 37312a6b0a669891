"""Reading a drawn picture back: the Mermaid ``drkit graph`` prints, as boxes, nodes and edges;
and what the synthesized stacks hold, read here from each stack on its own.

Deliberately strict: a line the parser does not know fails the test, so a change of the
drawing's syntax cannot silently drop edges from the comparison. The stacks are read one
by one (``name -> cdk.tf.json``), never merged, so that the comparison does not lean on
``merge_stacks`` or on ``//stack``, which the drawing reads.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import attrs

from tests.helpers import provider_regions, ref, resources

_SUBGRAPH = re.compile(r'^  subgraph (\w+)\["([^"]*)"\]$')
_NODE = re.compile(r'^ {2,4}(\w+)(\{\{|\[\(|\(\[|\[|>)"([^"]*)"(\}\}|\)\]|\]\)|\])$')
_EDGE = re.compile(r'^  (\w+) (-->|<-->)\|"([^"]*)"\| (\w+)$')
#: The id of the box of the stacks that are no region's own.
STACKS_BOX = "stacks"

Stacks = dict[str, dict[str, Any]]


@attrs.frozen
class DrawnNode:
    box: str | None  # the region whose box holds it, STACKS_BOX, or None (the DNS entry)
    label: str

    @property
    def region(self) -> str | None:
        return None if self.box == STACKS_BOX else self.box


@attrs.frozen
class DrawnEdge:
    source: DrawnNode
    target: DrawnNode
    label: str
    both_ways: bool

    @property
    def stack(self) -> str | None:
        """The stack its label names after `` · ``."""
        return self.label.rsplit(" · ", 1)[1] if " · " in self.label else None


@attrs.frozen
class Picture:
    titles: dict[str, str]  # region (or STACKS_BOX) -> its box's title
    nodes: dict[str, DrawnNode]
    edges: list[DrawnEdge]

    def in_box(self, box: str) -> list[DrawnNode]:
        return [n for n in self.nodes.values() if n.box == box]

    def entry(self) -> DrawnNode:
        (entry,) = [n for n in self.nodes.values() if n.box is None]
        return entry


def read_mermaid(text: str) -> Picture:
    lines = text.splitlines()
    assert lines[0] == "flowchart TB", lines[0]
    titles: dict[str, str] = {}
    nodes: dict[str, DrawnNode] = {}
    raw_edges = []
    box = None
    for line in lines[1:]:
        if match := _SUBGRAPH.match(line):
            assert box is None, f"nested subgraph: {line}"
            box = STACKS_BOX if match.group(1) == STACKS_BOX else match.group(2).split(":")[0]
            assert box not in titles, f"box drawn twice: {line}"
            titles[box] = match.group(2)
        elif line == "  end":
            box = None
        elif match := _NODE.match(line):
            assert match.group(1) not in nodes, f"node drawn twice: {line}"
            nodes[match.group(1)] = DrawnNode(box=box, label=match.group(3))
        elif match := _EDGE.match(line):
            raw_edges.append(match.groups())
        else:
            raise AssertionError(f"a line the picture test does not understand: {line!r}")
    edges = [
        DrawnEdge(source=nodes[a], target=nodes[b], label=label, both_ways=arrow == "<-->")
        for a, arrow, label, b in raw_edges
    ]
    return Picture(titles=titles, nodes=nodes, edges=edges)


# ----- what the stacks hold, read here independently of drkit.operations.graph -------------


def _each(stacks: Stacks, rtype: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(stack, the body's region, body) for every ``rtype`` resource of every stack."""
    return [
        (name, provider_regions(doc)[body["provider"]], body)
        for name, doc in stacks.items()
        for body in resources(doc, rtype).values()
    ]


def json_regions(stacks: Stacks) -> set[str]:
    return {region for doc in stacks.values() for region in provider_regions(doc).values()}


def json_resource_regions(stacks: Stacks) -> dict[str, set[str]]:
    """Stack -> the regions of its resources."""
    found: dict[str, set[str]] = {}
    for name, doc in stacks.items():
        regions = provider_regions(doc)
        found[name] = {
            regions[body["provider"]]
            for items in doc.get("resource", {}).values()
            for body in items.values()
        }
    return found


def json_count(stacks: Stacks, stack: str, rtype: str) -> int:
    return len(resources(stacks[stack], rtype))


def json_peerings(stacks: Stacks) -> list[tuple[frozenset[str], str]]:
    """({requester region, accepter region}, stack) for every peering connection."""
    return [
        (frozenset((region, body["peer_region"])), stack)
        for stack, region, body in _each(stacks, "aws_vpc_peering_connection")
    ]


def json_replicas(stacks: Stacks) -> list[tuple[str, str, str, str]]:
    """(table, home region, replica region, stack) for every replica block."""
    return [
        (body["name"], region, replica["region_name"], stack)
        for stack, region, body in _each(stacks, "aws_dynamodb_table")
        for replica in body.get("replica", [])
    ]


def json_bucket_regions(stacks: Stacks) -> dict[str, str]:
    """Bucket name -> its region."""
    return {body["bucket"]: region for _, region, body in _each(stacks, "aws_s3_bucket")}


def json_replications(stacks: Stacks) -> list[tuple[str, str, str, str, str]]:
    """(source bucket, its region, destination bucket, its region, stack) for every rule."""
    where = json_bucket_regions(stacks)
    found = []
    for stack, _, body in _each(stacks, "aws_s3_bucket_replication_configuration"):
        source = _bucket_name(stacks[stack], body["bucket"])
        for rule in body["rule"]:
            target = _bucket_name(stacks[stack], rule["destination"]["bucket"])
            found.append((source, where[source], target, where[target], stack))
    return found


def _bucket_name(doc: dict[str, Any], value: str) -> str:
    """A bucket's name from a reference in its own stack, its ARN, or its name."""
    found = ref(value)
    if found is not None:
        return str(resources(doc, found[0])[found[1]]["bucket"])
    return value.rsplit(":", 1)[-1]


def json_routing(stacks: Stacks) -> dict[str, tuple[int, dict[str, Any], str]]:
    """Weighted record's set identifier (its region) -> (weight, its health check's body,
    the record's stack)."""
    found = {}
    for stack, doc in stacks.items():
        for body in resources(doc, "aws_route53_record").values():
            if "weighted_routing_policy" in body:
                rtype, name, _ = ref(body["health_check_id"])
                check = resources(doc, rtype)[name]
                found[body["set_identifier"]] = (
                    body["weighted_routing_policy"]["weight"],
                    check,
                    stack,
                )
    return found


def json_zones(stacks: Stacks) -> list[tuple[str, str]]:
    """(zone name, stack) for every hosted zone."""
    return [(body["name"], stack) for stack, _, body in _each(stacks, "aws_route53_zone")]


def json_alarms(stacks: Stacks) -> Counter[tuple[str, str]]:
    """(region, stack) -> how many alarms."""
    return Counter(
        (region, stack) for stack, region, _ in _each(stacks, "aws_cloudwatch_metric_alarm")
    )


def json_health_alarms(stacks: Stacks) -> Counter[tuple[str, str]]:
    """(region, stack) -> how many alarms watch a Route 53 health check."""
    return Counter(
        (region, stack)
        for stack, region, body in _each(stacks, "aws_cloudwatch_metric_alarm")
        if "HealthCheckId" in (body.get("dimensions") or {})
    )
