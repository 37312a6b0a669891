"""The topology of a deployment, read from its synthesized stacks (never from the spec).

What the picture shows is what Terraform will create: regions come from the providers,
weights and health checks from the Route 53 records, peering from the peering connections,
replicas from the tables' ``replica`` blocks, replication from the buckets' replication
rules, alarms from where each alarm's provider is, and which stack holds each of them from
the ``//stack`` that :func:`~drkit.operations.synthesized.merge_stacks` gives every resource.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from drkit.errors import DrkitError
from drkit.operations.graph.model import (
    METRICS_ONLY,
    PRIMARY,
    SECONDARY,
    AlarmCount,
    Entry,
    HealthCheck,
    Peering,
    Region,
    Replica,
    Replication,
    Stack,
    Topology,
)
from drkit.operations.synthesized import merge_stacks
from drkit.regions.stacks import DNS, IDENTITY, LINKS, ROUTING, ZONE, StackKind, stack_name

#: ``${aws_s3_bucket.name.arn}`` (or ``.id``, ``...[0].x``): the resource type and name referenced.
_REFERENCE = re.compile(r"^\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_.\[\]]+\}$")
#: A bucket's ARN as a stack that knows the bucket only by name writes it.
_BUCKET_ARN = re.compile(r"^arn:[^:]*:s3:::(?P<name>[a-z0-9.-]+)$")
#: ``merge_stacks`` puts the stack a resource is in under this key of its body.
STACK_KEY = "//stack"
#: The stacks that are no region's own, in the order they are applied.
_GLOBAL_ORDER = (IDENTITY, DNS, ZONE, LINKS, ROUTING)


class StackReadError(DrkitError):
    """The JSON is not a deployment drkit can draw: a reference to nothing, a resource
    without region or stack."""


def from_synthesized(stacks: Mapping[str, Mapping[str, Any]]) -> Topology:
    """Read every stack of one synthesis (``drkit.operations.synthesized.read_synthesized``)."""
    return from_merged(merge_stacks({name: dict(doc) for name, doc in stacks.items()}))


def from_merged(document: Mapping[str, Any]) -> Topology:
    """Read the deployment as one document (``merge_stacks``'s).

    Raises:
        StackReadError: A resource references one that is not there, or has no provider
            region or no ``//stack``.
    """
    return _Reader(document).topology()


class _Reader:
    """Resolves providers, stacks and ``${type.name.attr}`` references of one document."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.resources: Mapping[str, Mapping[str, Any]] = document.get("resource", {})
        providers = document.get("provider", {}).get("aws", [])
        if not providers:
            raise StackReadError("no aws provider: is this drkit's synth output?")
        self.provider_regions: dict[str, str] = {
            f"aws.{p['alias']}" if "alias" in p else "aws": str(p["region"]) for p in providers
        }
        self.buckets = {
            body["bucket"]: (name, body)
            for name, body in self.of_type("aws_s3_bucket").items()
            if isinstance(body.get("bucket"), str)
        }

    def of_type(self, rtype: str) -> dict[str, Mapping[str, Any]]:
        return dict(sorted(self.resources.get(rtype, {}).items()))

    def region_of(self, rtype: str, name: str, body: Mapping[str, Any]) -> str:
        provider = body.get("provider", "aws")
        if provider not in self.provider_regions:
            raise StackReadError(f"{rtype}.{name}: provider {provider!r} is in no stack")
        return self.provider_regions[provider]

    def stack_of(self, rtype: str, name: str, body: Mapping[str, Any]) -> str:
        stack = body.get(STACK_KEY)
        if not isinstance(stack, str):
            raise StackReadError(
                f"{rtype}.{name}: no {STACK_KEY!r}: read the stacks with merge_stacks"
            )
        return stack

    def follow(self, value: Any, rtype: str, where: str) -> tuple[str, Mapping[str, Any]]:
        """The name and body of the ``rtype`` resource ``value`` references."""
        match = _REFERENCE.match(value) if isinstance(value, str) else None
        if match is None or match.group(1) != rtype:
            raise StackReadError(f"{where}: {value!r} is not a reference to a {rtype}")
        name = match.group(2)
        body = self.resources.get(rtype, {}).get(name)
        if body is None:
            raise StackReadError(f"{where}: {value!r} references {rtype}.{name}, in no stack")
        return name, body

    def bucket(self, value: Any, where: str) -> tuple[str, Mapping[str, Any]]:
        """The bucket ``value`` means: a reference, or the bucket's name or ARN (a stack knows
        the buckets of other stacks by name only)."""
        if isinstance(value, str) and _REFERENCE.match(value):
            return self.follow(value, "aws_s3_bucket", where)
        name = value
        if isinstance(value, str) and value.startswith("arn:"):
            # The partition is an interpolation (``${data.aws_partition.partition.partition}``).
            arn = _BUCKET_ARN.match(re.sub(r"\$\{[^}]*\}", "aws", value))
            name = arn["name"] if arn else None
        if not isinstance(name, str) or name not in self.buckets:
            raise StackReadError(f"{where}: {value!r} is no bucket of any stack")
        return self.buckets[name]

    def topology(self) -> Topology:
        replicas = self.replicas()
        records = self.records()
        alarms = self.alarm_counts()
        homes = {r.home for r in replicas}
        stacks = {
            self.stack_of(rtype, n, b)
            for rtype, items in self.resources.items()
            for n, b in items.items()
        }
        regions = []
        for region in sorted(set(self.provider_regions.values())):
            weight, check = records.get(region, (None, None))
            role = PRIMARY if region in homes else SECONDARY if weight is not None else METRICS_ONLY
            # A region's own stack is the one named for it (regions/stacks.py's rule); like
            # every stack name here, it is only taken when some resource's //stack says it.
            own = stack_name(StackKind.REGION, region)
            own_stack = own if own in stacks else None
            counts = sorted(
                (
                    AlarmCount(stack=s, alarms=n, health_alarms=h)
                    for (r, s), (n, h) in alarms.items()
                    if r == region
                ),
                key=lambda c: (c.stack != own_stack, c.stack),
            )
            regions.append(
                Region(
                    region=region,
                    role=role,
                    weight=weight,
                    health_check=check,
                    vpc_cidrs=self.vpc_cidrs(region),
                    stack=own_stack,
                    alarm_counts=tuple(counts),
                )
            )
        regions.sort(key=lambda r: (r.weight is None, -(r.weight or 0), r.region))
        owned = {r.stack for r in regions if r.stack}
        return Topology(
            entry=self.entry(),
            regions=tuple(regions),
            stacks=self.global_stacks(stacks - owned),
            peerings=self.peerings(),
            replicas=replicas,
            replications=self.replications(),
        )

    def global_stacks(self, names: set[str]) -> tuple[Stack, ...]:
        """The stacks ``names``, each with the regions and counts of what it holds."""
        order = {name: i for i, name in enumerate(_GLOBAL_ORDER)}
        found = []
        for stack in sorted(names, key=lambda n: (order.get(n, len(order)), n)):
            counts: Counter[str] = Counter()
            regions = set()
            for rtype, items in self.resources.items():
                for name, body in items.items():
                    if self.stack_of(rtype, name, body) == stack:
                        counts[rtype] += 1
                        regions.add(self.region_of(rtype, name, body))
            found.append(
                Stack(name=stack, regions=tuple(sorted(regions)), resource_counts=dict(counts))
            )
        return tuple(found)

    def weighted_records(self) -> dict[str, Mapping[str, Any]]:
        return {
            n: b
            for n, b in self.of_type("aws_route53_record").items()
            if b.get("weighted_routing_policy")
        }

    def entry(self) -> Entry:
        weighted = self.weighted_records()
        names = {b.get("name") for b in weighted.values()}
        zone_name = zone_stack = zone_id = None
        zones = {b.get("zone_id") for b in weighted.values()}
        if len(zones) == 1:
            (zone,) = zones
            if isinstance(zone, str) and _REFERENCE.match(zone):
                name, body = self.follow(zone, "aws_route53_zone", "the weighted records' zone")
                zone_name = str(body["name"])
                zone_stack = self.stack_of("aws_route53_zone", name, body)
            else:
                zone_id = str(zone)
        return Entry(
            record_name=", ".join(sorted(n for n in names if n and "${" not in n)),
            record_stacks=tuple(
                sorted({self.stack_of("aws_route53_record", n, b) for n, b in weighted.items()})
            ),
            zone_name=zone_name,
            zone_stack=zone_stack,
            zone_id=zone_id,
        )

    def records(self) -> dict[str, tuple[int, HealthCheck | None]]:
        """Weighted records: the region they send traffic to -> (weight, health check)."""
        health_alarms = self.health_alarms()
        found = {}
        for name, body in self.weighted_records().items():
            policy = body["weighted_routing_policy"]
            where = f"aws_route53_record.{name}"
            target, domain = self.follow(
                body["alias"]["name"], "aws_apigatewayv2_domain_name", where
            )
            region = self.region_of("aws_apigatewayv2_domain_name", target, domain)
            check = None
            if body.get("health_check_id"):
                check_name, hc = self.follow(
                    body["health_check_id"], "aws_route53_health_check", where
                )
                check = HealthCheck(
                    type=hc["type"],
                    path=hc.get("resource_path", "/"),
                    interval_seconds=int(hc["request_interval"]),
                    failure_threshold=int(hc["failure_threshold"]),
                    alarm_regions=tuple(
                        sorted(r for a, r in health_alarms.items() if a[1] == check_name)
                    ),
                )
            found[region] = (int(policy["weight"]), check)
        return found

    def health_alarms(self) -> dict[tuple[str, str], str]:
        """(alarm, health check) -> the alarm's region, for alarms on a health check's status."""
        found = {}
        for name, body in self.of_type("aws_cloudwatch_metric_alarm").items():
            check = (body.get("dimensions") or {}).get("HealthCheckId")
            if check is None:
                continue
            where = f"aws_cloudwatch_metric_alarm.{name}"
            check_name, _ = self.follow(check, "aws_route53_health_check", where)
            found[(name, check_name)] = self.region_of("aws_cloudwatch_metric_alarm", name, body)
        return found

    def alarm_counts(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(region, stack) -> (alarms, of which on a health check)."""
        on_checks = {alarm for alarm, _ in self.health_alarms()}
        alarms: Counter[tuple[str, str]] = Counter()
        health: Counter[tuple[str, str]] = Counter()
        rtype = "aws_cloudwatch_metric_alarm"
        for name, body in self.of_type(rtype).items():
            key = (self.region_of(rtype, name, body), self.stack_of(rtype, name, body))
            alarms[key] += 1
            health[key] += name in on_checks
        return {key: (n, health[key]) for key, n in alarms.items()}

    def vpc_cidrs(self, region: str) -> tuple[str, ...]:
        return tuple(
            sorted(
                b["cidr_block"]
                for n, b in self.of_type("aws_vpc").items()
                if self.region_of("aws_vpc", n, b) == region
            )
        )

    def peerings(self) -> tuple[Peering, ...]:
        accepted = set()
        for name, body in self.of_type("aws_vpc_peering_connection_accepter").items():
            where = f"aws_vpc_peering_connection_accepter.{name}"
            connection, _ = self.follow(
                body["vpc_peering_connection_id"], "aws_vpc_peering_connection", where
            )
            accepted.add(
                (connection, self.region_of("aws_vpc_peering_connection_accepter", name, body))
            )
        found = []
        rtype = "aws_vpc_peering_connection"
        for name, body in self.of_type(rtype).items():
            requester = self.region_of(rtype, name, body)
            accepter = body.get("peer_region", requester)
            found.append(
                Peering(
                    requester=requester,
                    accepter=accepter,
                    accepted=(name, accepter) in accepted or bool(body.get("auto_accept")),
                    stack=self.stack_of(rtype, name, body),
                )
            )
        return tuple(found)

    def replicas(self) -> tuple[Replica, ...]:
        found: list[Replica] = []
        rtype = "aws_dynamodb_table"
        for name, body in self.of_type(rtype).items():
            home = self.region_of(rtype, name, body)
            stack = self.stack_of(rtype, name, body)
            found.extend(
                Replica(table=body["name"], home=home, region=replica["region_name"], stack=stack)
                for replica in body.get("replica") or []
            )
        return tuple(sorted(found, key=lambda r: (r.table, r.region)))

    def replications(self) -> tuple[Replication, ...]:
        found = []
        rtype = "aws_s3_bucket_replication_configuration"
        for name, body in self.of_type(rtype).items():
            where = f"{rtype}.{name}"
            source_name, source = self.bucket(body["bucket"], where)
            for rule in body.get("rule") or []:
                destination = rule["destination"]
                target_name, target = self.bucket(destination["bucket"], where)
                rtc = destination.get("replication_time") or {}
                found.append(
                    Replication(
                        source=source["bucket"],
                        source_region=self.region_of("aws_s3_bucket", source_name, source),
                        target=target["bucket"],
                        target_region=self.region_of("aws_s3_bucket", target_name, target),
                        rtc_minutes=int(rtc["time"]["minutes"])
                        if rtc.get("status") == "Enabled"
                        else None,
                        stack=self.stack_of(rtype, name, body),
                    )
                )
        return tuple(sorted(found, key=lambda r: (r.source, r.target)))
