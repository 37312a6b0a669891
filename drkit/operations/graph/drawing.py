"""The picture of a :class:`Topology`, before any syntax: a box per region, titled with its
stack; a box of the stacks that are no region's own; nodes; edges labelled with their stack.

Both renderers (Mermaid and DOT) write the same drawing, so the two can only
differ in syntax, never in what they show.
"""

from __future__ import annotations

import enum
import re

import attrs

from drkit.operations.graph.model import METRICS_ONLY, Entry, Region, Stack, Topology
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
    """A box: one region's, or the box of the stacks that are no region's own.

    Attributes:
        id: A name-safe id (the region's short code; ``stacks``).
        title: ``us-east-1: primary, weight 70 · drkit-use1``.
        nodes: What the box holds, in drawing order.
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


#: What a stack's node in the stacks box lists, in this order: resource type -> how one and
#: several are called (``None``: a feature, named without a count). Types not here (the
#: policies, routes, data sources that come with these) are not listed.
HELD: tuple[tuple[str, str, str | None], ...] = (
    ("aws_iam_role", "IAM role", "IAM roles"),
    ("aws_route53_zone", "hosted zone", "hosted zones"),
    ("aws_route53_hosted_zone_dnssec", "DNSSEC signing", None),
    ("aws_route53_query_log", "query logging", None),
    ("aws_route53_record", "record", "records"),
    ("aws_route53_health_check", "health check", "health checks"),
    ("aws_dynamodb_table", "DynamoDB table", "DynamoDB tables"),
    ("aws_s3_bucket_replication_configuration", "bucket replication", "bucket replications"),
    ("aws_vpc_peering_connection", "VPC peering", "VPC peerings"),
    ("aws_lambda_event_source_mapping", "stream trigger", "stream triggers"),
    ("aws_ssm_parameter", "SSM parameter", "SSM parameters"),
    ("aws_sns_topic", "SNS topic", "SNS topics"),
    ("aws_kms_key", "KMS key", "KMS keys"),
)
#: The box of the stacks that are no region's own (and not the entry's).
STACKS_ID, STACKS_TITLE = "stacks", "global and cross-region stacks"
#: About the longest line of a stack's node (a long one makes the whole box wide).
LINE_CHARS = 40


@attrs.frozen(kw_only=True)
class Drawing:
    """The whole picture.

    Attributes:
        entry: The DNS name clients resolve.
        clusters: One box per region.
        legend: The box of the stacks no region box or the entry names; ``None`` without any.
        edges: Every arrow.
    """

    entry: Node
    clusters: tuple[Cluster, ...]
    legend: Cluster | None
    edges: tuple[Edge, ...]


def node_id(*parts: str) -> str:
    """An id both Mermaid and DOT accept: letters, digits and underscores."""
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts))


def region_id(region: str) -> str:
    return SHORT_CODES.get(region, node_id(region))


def draw(topology: Topology) -> Drawing:
    """Lay ``topology`` out: a box per region, the other stacks, then every edge there is."""
    entry = Node(id="dns", label=_entry_label(topology.entry), shape=Shape.ENTRY)
    clusters = tuple(_cluster(topology, region) for region in topology.regions)
    shown = {r.stack for r in topology.regions} | topology.entry.stacks
    others = tuple(
        Node(id=node_id(s.name), label=_stack_label(s), shape=Shape.BOX)
        for s in topology.stacks
        if s.name not in shown
    )
    legend = Cluster(id=STACKS_ID, title=STACKS_TITLE, nodes=others) if others else None
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
            label=("VPC peering" if p.accepted else "VPC peering, never accepted")
            + f" · {p.stack}",
            both_ways=True,
        )
        for p in topology.peerings
    )
    edges.extend(
        Edge(
            kind=EdgeKind.REPLICA,
            source=node_id(region_id(r.home), r.table),
            target=node_id(region_id(r.region), r.table),
            label=f"global table replica · {r.stack}",
            both_ways=True,
        )
        for r in topology.replicas
    )
    edges.extend(
        Edge(
            kind=EdgeKind.REPLICATION,
            source=node_id(region_id(r.source_region), r.source),
            target=node_id(region_id(r.target_region), r.target),
            label=(f"replicates, RTC {r.rtc_minutes} min" if r.rtc_minutes else "replicates")
            + f" · {r.stack}",
        )
        for r in topology.replications
    )
    return Drawing(entry=entry, clusters=clusters, legend=legend, edges=tuple(edges))


def _entry_label(entry: Entry) -> str:
    """``api.dr.example.com``, whose weighted records are in which stack, in whose zone."""
    if not entry.record_name:
        return "no weighted record"
    records = " and ".join(f"{s}'s" for s in entry.record_stacks)
    if entry.zone_stack is not None:
        zone = f"in {entry.zone_stack}'s zone {entry.zone_name}"
    elif entry.zone_id is not None:
        zone = f"in the existing zone {entry.zone_id}"
    else:
        zone = "in more than one zone"
    return f"{entry.record_name}<br/>{records} weighted records<br/>{zone}"


def _stack_label(stack: Stack) -> str:
    """``drkit-iam · us-east-1<br/>14 IAM roles``: the stack, its region when it has one
    only, and what it holds in the words of :data:`HELD`."""
    held = []
    for rtype, one, several in HELD:
        count = stack.resource_counts.get(rtype, 0)
        if count and several is None:
            held.append(one)
        elif count:
            held.append(f"{count} {one if count == 1 else several}")
    if not held:
        total = sum(stack.resource_counts.values())
        held.append(f"{total} resource{'s' if total != 1 else ''}")
    name = f"{stack.name} · {stack.regions[0]}" if len(stack.regions) == 1 else stack.name
    return "<br/>".join([name, *_wrapped(held)])


def _wrapped(items: list[str], width: int = LINE_CHARS) -> list[str]:
    """``items`` joined by commas, in lines of about ``width`` characters."""
    lines = [items[0]]
    for item in items[1:]:
        if len(lines[-1]) + len(item) + 2 > width:
            lines[-1] += ","
            lines.append(item)
        else:
            lines[-1] += f", {item}"
    return lines


def _title(region: Region) -> str:
    if region.role == METRICS_ONLY:
        title = f"{region.region}: Route 53 metrics region, no traffic"
    else:
        title = f"{region.region}: {region.role}, weight {region.weight}"
    return f"{title} · {region.stack}" if region.stack else title


def _alarms_label(region: Region) -> str:
    """The count, and which stacks keep them when that is not (only) the region's own."""
    lines = [f"{region.alarms} CloudWatch alarms"]
    if [c.stack for c in region.alarm_counts] != [region.stack]:
        for count in region.alarm_counts:
            line = f"{count.alarms} in {count.stack}"
            if count.health_alarms == count.alarms:
                line += ", on Route 53 health checks"
            elif count.health_alarms:
                line += f", {count.health_alarms} of them on Route 53 health checks"
            lines.append(line)
    return "<br/>".join(lines)


def _cluster(topology: Topology, region: Region) -> Cluster:
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
    nodes.append(Node(id=node_id(rid, "alarms"), label=_alarms_label(region), shape=Shape.NOTE))
    return Cluster(id=rid, title=_title(region), nodes=tuple(nodes))
