"""The picture of a :class:`StackTopology`, before any syntax: boxes per region, nodes, edges.

Both renderers (Mermaid and DOT) write the same drawing, so the two can only
differ in syntax, never in what they show.
"""

from __future__ import annotations

import enum
import re

import attrs

from drkit.operations.graph.read import METRICS_ONLY, Region, StackTopology
from drkit.regions.catalog import SHORT_CODES


class Shape(enum.Enum):
    """What a node is drawn as (each renderer maps these to its own shapes)."""

    ENTRY = "entry"  # the DNS name clients resolve
    BOX = "box"  # an API, a VPC
    TABLE = "table"  # a DynamoDB table or replica
    BUCKET = "bucket"  # an S3 bucket
    NOTE = "note"  # a count (alarms)


class EdgeKind(enum.Enum):
    ROUTING = "routing"
    PEERING = "peering"
    REPLICA = "replica"
    REPLICATION = "replication"


@attrs.frozen(kw_only=True)
class Node:
    id: str
    label: str
    shape: Shape


@attrs.frozen(kw_only=True)
class Cluster:
    """One region's box.

    Attributes:
        id: A name-safe id (the region's short code).
        title: ``us-east-1: primary, weight 70``.
        nodes: What the region holds, in drawing order.
    """

    id: str
    title: str
    nodes: tuple[Node, ...]


@attrs.frozen(kw_only=True)
class Edge:
    """An arrow; ``both_ways`` draws heads at both ends (peering, global tables)."""

    kind: EdgeKind
    source: str
    target: str
    label: str
    both_ways: bool = False


@attrs.frozen(kw_only=True)
class Drawing:
    entry: Node
    clusters: tuple[Cluster, ...]
    edges: tuple[Edge, ...]


def node_id(*parts: str) -> str:
    """An id both Mermaid and DOT accept: letters, digits and underscores."""
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts))


def region_id(region: str) -> str:
    return SHORT_CODES.get(region, node_id(region))


def draw(topology: StackTopology) -> Drawing:
    """Lay ``topology`` out: one cluster per region, then every edge the stack has."""
    entry = Node(
        id="dns",
        label=f"{topology.record_name or 'no weighted record'}<br/>Route 53 weighted records",
        shape=Shape.ENTRY,
    )
    clusters = tuple(_cluster(topology, region) for region in topology.regions)
    edges: list[Edge] = []
    for region in topology.regions:
        if region.weight is None:
            continue
        check = region.health_check
        how = (
            f"{check.type} {check.path} every {check.interval_seconds} s, "
            f"out after {check.failure_threshold} failures"
            if check
            else "NO HEALTH CHECK"
        )
        edges.append(
            Edge(
                kind=EdgeKind.ROUTING,
                source=entry.id,
                target=node_id(region_id(region.region), "api"),
                label=f"weight {region.weight}<br/>{how}",
            )
        )
    edges.extend(
        Edge(
            kind=EdgeKind.PEERING,
            source=node_id(region_id(p.requester), "vpc"),
            target=node_id(region_id(p.accepter), "vpc"),
            label="VPC peering" if p.accepted else "VPC peering, never accepted",
            both_ways=True,
        )
        for p in topology.peerings
    )
    edges.extend(
        Edge(
            kind=EdgeKind.REPLICA,
            source=node_id(region_id(r.home), r.table),
            target=node_id(region_id(r.region), r.table),
            label="global table replica",
            both_ways=True,
        )
        for r in topology.replicas
    )
    edges.extend(
        Edge(
            kind=EdgeKind.REPLICATION,
            source=node_id(region_id(r.source_region), r.source),
            target=node_id(region_id(r.target_region), r.target),
            label=f"replicates, RTC {r.rtc_minutes} min" if r.rtc_minutes else "replicates",
        )
        for r in topology.replications
    )
    return Drawing(entry=entry, clusters=clusters, edges=tuple(edges))


def _title(region: Region) -> str:
    if region.role == METRICS_ONLY:
        return f"{region.region}: Route 53 metrics region, no traffic"
    return f"{region.region}: {region.role}, weight {region.weight}"


def _cluster(topology: StackTopology, region: Region) -> Cluster:
    rid = region_id(region.region)
    nodes = []
    if region.weight is not None:
        nodes.append(Node(id=node_id(rid, "api"), label="API + /health", shape=Shape.BOX))
    if region.vpc_cidrs:
        label = f"VPC {', '.join(region.vpc_cidrs)}"
        nodes.append(Node(id=node_id(rid, "vpc"), label=label, shape=Shape.BOX))
    tables = sorted({r.table for r in topology.replicas if region.region in (r.home, r.region)})
    nodes.extend(Node(id=node_id(rid, t), label=t, shape=Shape.TABLE) for t in tables)
    buckets = sorted(
        {(r.source, r.source_region) for r in topology.replications}
        | {(r.target, r.target_region) for r in topology.replications}
    )
    nodes.extend(
        Node(id=node_id(rid, name), label=name, shape=Shape.BUCKET)
        for name, where in buckets
        if where == region.region
    )
    alarms = f"{region.alarms} CloudWatch alarms"
    if region.health_alarms:
        alarms += f"<br/>{region.health_alarms} on Route 53 health checks"
    nodes.append(Node(id=node_id(rid, "alarms"), label=alarms, shape=Shape.NOTE))
    return Cluster(id=rid, title=_title(region), nodes=tuple(nodes))
