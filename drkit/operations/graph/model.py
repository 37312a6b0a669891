"""What ``drkit graph`` draws, as data: the deployment's regions, its entry name, the links
between regions, and the stacks each piece is in.

Everything here is read from the synthesized stacks (read.py), never from the spec.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

PRIMARY, SECONDARY, METRICS_ONLY = "primary", "secondary", "metrics only"


@attrs.frozen(kw_only=True)
class HealthCheck:
    """A Route 53 health check of one region's API.

    Attributes:
        type: ``HTTPS``, ...
        path: The path it requests.
        interval_seconds: Seconds between checks.
        failure_threshold: Consecutive failures before the region is out.
        alarm_regions: Where the alarms on its status live.
    """

    type: str
    path: str
    interval_seconds: int
    failure_threshold: int
    alarm_regions: tuple[str, ...]


@attrs.frozen(kw_only=True)
class AlarmCount:
    """The CloudWatch alarms one stack keeps in one region.

    Attributes:
        stack: The stack they are in.
        alarms: How many.
        health_alarms: How many of those watch a Route 53 health check.
    """

    stack: str
    alarms: int
    health_alarms: int


@attrs.frozen(kw_only=True)
class Region:
    """One region of the deployment.

    Attributes:
        region: The AWS region.
        role: ``primary`` (home of the global tables), ``secondary`` (serves traffic) or
            ``metrics only`` (a provider there, no traffic: Route 53's metrics region).
        weight: Its weighted record's weight; ``None`` when no record sends traffic there.
        health_check: The check on its record; ``None`` without one.
        vpc_cidrs: CIDR blocks of its VPCs.
        stack: The region's own stack (``drkit-use1``); ``None`` when only the global
            stacks have resources there.
        alarm_counts: The alarms there, per stack: the region's own stack first, then the
            others by name; stacks without an alarm there are left out.
    """

    region: str
    role: str
    weight: int | None
    health_check: HealthCheck | None
    vpc_cidrs: tuple[str, ...]
    stack: str | None
    alarm_counts: tuple[AlarmCount, ...]

    @property
    def alarms(self) -> int:
        return sum(c.alarms for c in self.alarm_counts)

    @property
    def health_alarms(self) -> int:
        return sum(c.health_alarms for c in self.alarm_counts)


@attrs.frozen(kw_only=True)
class Entry:
    """The name clients resolve: the weighted records and the zone that holds them.

    Attributes:
        record_name: The weighted records' name (``api.dr.example.com``); empty without any.
        record_stacks: The stacks the weighted records are in.
        zone_name: The hosted zone's name; ``None`` when no stack makes the zone (a zone
            given by id).
        zone_stack: The stack that makes the zone; ``None`` likewise.
        zone_id: The id of a zone no stack makes; ``None`` when a stack makes it.
    """

    record_name: str
    record_stacks: tuple[str, ...]
    zone_name: str | None
    zone_stack: str | None
    zone_id: str | None

    @property
    def stacks(self) -> frozenset[str]:
        return frozenset({*self.record_stacks, *([self.zone_stack] if self.zone_stack else [])})


@attrs.frozen(kw_only=True)
class Peering:
    """A VPC peering connection: requested in one region, accepted in the other."""

    requester: str
    accepter: str
    accepted: bool
    stack: str


@attrs.frozen(kw_only=True)
class Replica:
    """A global table's replica: the table in its home region, a replica in another."""

    table: str
    home: str
    region: str
    stack: str


@attrs.frozen(kw_only=True)
class Replication:
    """One S3 replication rule: objects of ``source`` (in ``source_region``) copied to ``target``.

    Attributes:
        rtc_minutes: Replication Time Control's threshold; ``None`` when RTC is off.
        stack: The stack of the replication configuration (not of the buckets).
    """

    source: str
    source_region: str
    target: str
    target_region: str
    rtc_minutes: int | None
    stack: str


@attrs.frozen(kw_only=True)
class Stack:
    """One stack that is not a region's own: what it holds and where.

    Attributes:
        name: ``drkit-iam``, ``drkit-links``, ...
        regions: The regions of its resources' providers.
        resource_counts: Resource type -> how many of them it holds.
    """

    name: str
    regions: tuple[str, ...]
    resource_counts: Mapping[str, int]


@attrs.frozen(kw_only=True)
class Topology:
    """Everything ``drkit graph`` draws.

    Attributes:
        entry: The weighted records and their zone.
        regions: Serving regions by weight (highest first), then the others.
        stacks: The stacks that are no region's own, in deployment order (identity, DNS,
            zone, links, routing), then any other by name.
        peerings: Every peering connection.
        replicas: Every global-table replica.
        replications: Every bucket replication rule.
    """

    entry: Entry
    regions: tuple[Region, ...]
    stacks: tuple[Stack, ...]
    peerings: tuple[Peering, ...]
    replicas: tuple[Replica, ...]
    replications: tuple[Replication, ...]

    def region(self, name: str) -> Region:
        return next(r for r in self.regions if r.region == name)
