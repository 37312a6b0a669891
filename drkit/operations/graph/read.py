"""The topology of a synthesized stack, read from its ``cdk.tf.json`` (never from the spec).

What the picture shows is what Terraform will create: regions come from the
providers, weights and health checks from the Route 53 records, peering from the
peering connections, replicas from the tables' ``replica`` blocks, replication
from the buckets' replication rules, alarms from where each alarm's provider is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

import attrs

from drkit.errors import DrkitError

#: ``${aws_s3_bucket.name.arn}`` (or ``.id``, ``...[0].x``): the resource type and name referenced.
_REFERENCE = re.compile(r"^\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_.\[\]]+\}$")

PRIMARY, SECONDARY, METRICS_ONLY = "primary", "secondary", "metrics only"


class StackReadError(DrkitError):
    """The JSON is not a stack drkit can draw: a reference to nothing, a resource without region."""


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
class Region:
    """One region of the stack.

    Attributes:
        region: The AWS region.
        role: ``primary`` (home of the global tables), ``secondary`` (serves traffic) or
            ``metrics only`` (a provider there, no traffic: Route 53's metrics region).
        weight: Its weighted record's weight; ``None`` when no record sends traffic there.
        health_check: The check on its record; ``None`` without one.
        vpc_cidrs: CIDR blocks of its VPCs.
        alarms: How many CloudWatch alarms live there.
        health_alarms: How many of those watch a Route 53 health check.
    """

    region: str
    role: str
    weight: int | None
    health_check: HealthCheck | None
    vpc_cidrs: tuple[str, ...]
    alarms: int
    health_alarms: int


@attrs.frozen(kw_only=True)
class Peering:
    """A VPC peering connection: requested in one region, accepted in the other."""

    requester: str
    accepter: str
    accepted: bool


@attrs.frozen(kw_only=True)
class Replica:
    """A global table's replica: the table in its home region, a replica in another."""

    table: str
    home: str
    region: str


@attrs.frozen(kw_only=True)
class Replication:
    """One S3 replication rule: objects of ``source`` (in ``source_region``) copied to ``target``.

    Attributes:
        rtc_minutes: Replication Time Control's threshold; ``None`` when RTC is off.
    """

    source: str
    source_region: str
    target: str
    target_region: str
    rtc_minutes: int | None


@attrs.frozen(kw_only=True)
class StackTopology:
    """Everything ``drkit graph`` draws.

    Attributes:
        record_name: The weighted records' name (``api.dr.example.com``).
        regions: Serving regions by weight (highest first), then the others.
        peerings: Every peering connection.
        replicas: Every global-table replica.
        replications: Every bucket replication rule.
    """

    record_name: str
    regions: tuple[Region, ...]
    peerings: tuple[Peering, ...]
    replicas: tuple[Replica, ...]
    replications: tuple[Replication, ...]

    def region(self, name: str) -> Region:
        return next(r for r in self.regions if r.region == name)

    @classmethod
    def from_stack(cls, stack: Mapping[str, Any]) -> StackTopology:
        """Read a synthesized stack (the parsed ``cdk.tf.json``).

        Raises:
            StackReadError: A resource references one that is not there, or has no
                provider region.
        """
        return _Reader(stack).topology()


class _Reader:
    """Resolves providers and ``${type.name.attr}`` references of one stack."""

    def __init__(self, stack: Mapping[str, Any]) -> None:
        self.resources: Mapping[str, Mapping[str, Any]] = stack.get("resource", {})
        providers = stack.get("provider", {}).get("aws", [])
        if not providers:
            raise StackReadError("the stack has no aws provider: is this a drkit cdk.tf.json?")
        self.provider_regions = {
            f"aws.{p['alias']}" if "alias" in p else "aws": p["region"] for p in providers
        }

    def of_type(self, rtype: str) -> dict[str, Mapping[str, Any]]:
        return dict(sorted(self.resources.get(rtype, {}).items()))

    def region_of(self, rtype: str, name: str, body: Mapping[str, Any]) -> str:
        provider = body.get("provider", "aws")
        if provider not in self.provider_regions:
            raise StackReadError(f"{rtype}.{name}: provider {provider!r} is not in the stack")
        return self.provider_regions[provider]

    def follow(self, value: Any, rtype: str, where: str) -> tuple[str, Mapping[str, Any]]:
        """The name and body of the ``rtype`` resource ``value`` references."""
        match = _REFERENCE.match(value) if isinstance(value, str) else None
        if match is None or match.group(1) != rtype:
            raise StackReadError(f"{where}: {value!r} is not a reference to a {rtype}")
        name = match.group(2)
        body = self.resources.get(rtype, {}).get(name)
        if body is None:
            raise StackReadError(f"{where}: {value!r} references {rtype}.{name}, not in the stack")
        return name, body

    def topology(self) -> StackTopology:
        replicas = self.replicas()
        records = self.records()
        alarms = Counter(
            self.region_of("aws_cloudwatch_metric_alarm", n, b)
            for n, b in self.of_type("aws_cloudwatch_metric_alarm").items()
        )
        health_alarms = self.health_alarms()
        homes = {r.home for r in replicas}
        regions = []
        for region in sorted(set(self.provider_regions.values())):
            weight, check = records.get(region, (None, None))
            role = PRIMARY if region in homes else SECONDARY if weight is not None else METRICS_ONLY
            regions.append(
                Region(
                    region=region,
                    role=role,
                    weight=weight,
                    health_check=check,
                    vpc_cidrs=self.vpc_cidrs(region),
                    alarms=alarms[region],
                    health_alarms=sum(1 for r in health_alarms.values() if r == region),
                )
            )
        regions.sort(key=lambda r: (r.weight is None, -(r.weight or 0), r.region))
        names = {
            b.get("name")
            for b in self.of_type("aws_route53_record").values()
            if b.get("weighted_routing_policy")
        }
        return StackTopology(
            record_name=", ".join(sorted(n for n in names if n and "${" not in n)),
            regions=tuple(regions),
            peerings=self.peerings(),
            replicas=replicas,
            replications=self.replications(),
        )

    def records(self) -> dict[str, tuple[int, HealthCheck | None]]:
        """Weighted records: the region they send traffic to -> (weight, health check)."""
        health_alarms = self.health_alarms()
        found = {}
        for name, body in self.of_type("aws_route53_record").items():
            policy = body.get("weighted_routing_policy")
            if not policy:
                continue
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
        for name, body in self.of_type("aws_vpc_peering_connection").items():
            requester = self.region_of("aws_vpc_peering_connection", name, body)
            accepter = body.get("peer_region", requester)
            found.append(
                Peering(
                    requester=requester,
                    accepter=accepter,
                    accepted=(name, accepter) in accepted or bool(body.get("auto_accept")),
                )
            )
        return tuple(found)

    def replicas(self) -> tuple[Replica, ...]:
        found = []
        for name, body in self.of_type("aws_dynamodb_table").items():
            home = self.region_of("aws_dynamodb_table", name, body)
            found.extend(
                Replica(table=body["name"], home=home, region=replica["region_name"])
                for replica in body.get("replica") or []
            )
        return tuple(sorted(found, key=lambda r: (r.table, r.region)))

    def replications(self) -> tuple[Replication, ...]:
        found = []
        for name, body in self.of_type("aws_s3_bucket_replication_configuration").items():
            where = f"aws_s3_bucket_replication_configuration.{name}"
            source_name, source = self.follow(body["bucket"], "aws_s3_bucket", where)
            for rule in body.get("rule") or []:
                destination = rule["destination"]
                target_name, target = self.follow(destination["bucket"], "aws_s3_bucket", where)
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
                    )
                )
        return tuple(sorted(found, key=lambda r: (r.source, r.target)))
