"""Reading a drawn picture back: the Mermaid ``drkit graph`` prints, as regions, nodes and edges.

Deliberately strict: a line the parser does not know fails the test, so a change of the
drawing's syntax cannot silently drop edges from the comparison.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from tests.helpers import provider_regions, ref, resources

_SUBGRAPH = re.compile(r'^  subgraph (\w+)\["([^"]*)"\]$')
_NODE = re.compile(r'^ {2,4}(\w+)(\{\{|\[\(|\(\[|\[|>)"([^"]*)"(\}\}|\)\]|\]\)|\])$')
_EDGE = re.compile(r'^  (\w+) (-->|<-->)\|"([^"]*)"\| (\w+)$')


@attrs.frozen
class DrawnNode:
    region: str | None  # None: outside every region (the DNS entry)
    label: str


@attrs.frozen
class DrawnEdge:
    source: DrawnNode
    target: DrawnNode
    label: str
    both_ways: bool


@attrs.frozen
class Picture:
    titles: dict[str, str]  # region -> its box's title
    nodes: dict[str, DrawnNode]
    edges: list[DrawnEdge]


def read_mermaid(text: str) -> Picture:
    lines = text.splitlines()
    assert lines[0] == "flowchart TB", lines[0]
    titles: dict[str, str] = {}
    nodes: dict[str, DrawnNode] = {}
    raw_edges = []
    region = None
    for line in lines[1:]:
        if match := _SUBGRAPH.match(line):
            assert region is None, f"nested subgraph: {line}"
            region = match.group(2).split(":")[0]
            titles[region] = match.group(2)
        elif line == "  end":
            region = None
        elif match := _NODE.match(line):
            assert match.group(1) not in nodes, f"node drawn twice: {line}"
            nodes[match.group(1)] = DrawnNode(region=region, label=match.group(3))
        elif match := _EDGE.match(line):
            raw_edges.append(match.groups())
        else:
            raise AssertionError(f"a line the picture test does not understand: {line!r}")
    edges = [
        DrawnEdge(source=nodes[a], target=nodes[b], label=label, both_ways=arrow == "<-->")
        for a, arrow, label, b in raw_edges
    ]
    return Picture(titles=titles, nodes=nodes, edges=edges)


# ----- what the JSON holds, read here independently of drkit.operations.graph -------------


def _target(stack: dict[str, Any], value: str) -> tuple[str, dict[str, Any]]:
    rtype, name, _ = ref(value)
    return rtype, resources(stack, rtype)[name]


def json_regions(stack: dict[str, Any]) -> set[str]:
    return set(provider_regions(stack).values())


def json_peerings(stack: dict[str, Any]) -> list[frozenset[str]]:
    regions = provider_regions(stack)
    return [
        frozenset((regions[b["provider"]], b["peer_region"]))
        for b in resources(stack, "aws_vpc_peering_connection").values()
    ]


def json_replicas(stack: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(table, home region, replica region) for every replica block."""
    regions = provider_regions(stack)
    return [
        (b["name"], regions[b["provider"]], replica["region_name"])
        for b in resources(stack, "aws_dynamodb_table").values()
        for replica in b.get("replica", [])
    ]


def json_replications(stack: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(source bucket, its region, destination bucket, its region) for every rule."""
    regions = provider_regions(stack)
    found = []
    for body in resources(stack, "aws_s3_bucket_replication_configuration").values():
        _, source = _target(stack, body["bucket"])
        for rule in body["rule"]:
            _, target = _target(stack, rule["destination"]["bucket"])
            found.append(
                (
                    source["bucket"],
                    regions[source["provider"]],
                    target["bucket"],
                    regions[target["provider"]],
                )
            )
    return found


def json_routing(stack: dict[str, Any]) -> dict[str, tuple[int, dict[str, Any]]]:
    """Weighted record's set identifier (its region) -> (weight, its health check's body)."""
    found = {}
    for body in resources(stack, "aws_route53_record").values():
        if "weighted_routing_policy" in body:
            _, check = _target(stack, body["health_check_id"])
            found[body["set_identifier"]] = (body["weighted_routing_policy"]["weight"], check)
    return found


def json_alarms(stack: dict[str, Any]) -> dict[str, int]:
    regions = provider_regions(stack)
    counts: dict[str, int] = {}
    for body in resources(stack, "aws_cloudwatch_metric_alarm").values():
        region = regions[body["provider"]]
        counts[region] = counts.get(region, 0) + 1
    return counts
