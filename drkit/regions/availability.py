"""The availability budget: can a layout meet its availability target (99.99 % by default)?

One region is as available as AWS's SLAs commit to for everything a request, or /health,
needs there, multiplied together. Across regions, weighted routing with failover turns a
regional incident into its region's share of the traffic for as long as detection and DNS
take (the RTO rows), and every region down at once into a full outage (Route 53 fails
open). Exact arithmetic on fractions, no I/O; docs/budget.md explains the model and its
limits: an SLA is a service credit, not a guarantee, and failures are not independent.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from fractions import Fraction

import attrs

from drkit.errors import SpecError
from drkit.regions.budget import BudgetInputs, rto_budget, traffic_shares

#: The year a target's downtime is counted over: 365 days.
YEAR_SECONDS = 365 * 24 * 3600
#: Regional incidents a year in every region: MODELLED, since AWS publishes no incident rate.
#: One a month, the period every AWS SLA is measured over (``drkit budget --incidents N``).
MODELLED_INCIDENTS_PER_REGION = 12


class Need(enum.Enum):
    """Why a region depends on a service."""

    REQUEST = "request"  # a records request crosses it: its failure fails requests
    HEALTH = "/health"  # only /health calls it: its failure fails the region out


@attrs.frozen(kw_only=True)
class ServiceSla:
    """An AWS service a region depends on, with the monthly uptime its SLA commits to.

    Attributes:
        key: The service's client name (``lambda``), or ``privatelink``.
        service: AWS's name for it, as its SLA page has it.
        uptime_percent: The SLA's monthly uptime commitment, in percent (exact).
        need: Whether a records request crosses it or only /health calls it.
        why: What drkit uses it for.
        page: The SLA page that states the figure.
    """

    key: str
    service: str
    uptime_percent: Fraction
    need: Need
    why: str
    page: str

    def __attrs_post_init__(self) -> None:
        if not 0 < self.uptime_percent <= 100:
            raise SpecError("uptime_percent", self.uptime_percent, "a percentage above 0, to 100")


def _sla(key: str, service: str, percent: str, need: Need, why: str, page: str) -> ServiceSla:
    return ServiceSla(
        key=key, service=service, uptime_percent=Fraction(percent), need=need, why=why, page=page
    )


#: What a region depends on, each with its published SLA (documented; monthly uptime per
#: account and Region). Route 53 is global and commits to answering DNS queries only: its
#: health checks, which failover needs, have no SLA. Gateway endpoints and VPC routing have
#: none either; PrivateLink's covers the interface endpoint /health reaches SSM through.
REGION_SLAS: tuple[ServiceSla, ...] = (
    _sla(
        "route53",
        "Amazon Route 53",
        "100",
        Need.REQUEST,
        "answers the API name (global; DNS queries only)",
        "https://aws.amazon.com/route53/sla/",
    ),
    _sla(
        "apigateway",
        "Amazon API Gateway",
        "99.95",
        Need.REQUEST,
        "the HTTP API and its custom domains",
        "https://aws.amazon.com/api-gateway/sla/",
    ),
    _sla(
        "lambda",
        "AWS Lambda",
        "99.95",
        Need.REQUEST,
        "runs the API function, and /health's",
        "https://aws.amazon.com/lambda/sla/",
    ),
    _sla(
        "dynamodb",
        "Amazon DynamoDB (Global Tables SLA)",
        "99.999",
        Need.REQUEST,
        "the patient_records and audit_logs replicas",
        "https://aws.amazon.com/dynamodb/sla/",
    ),
    _sla(
        "kms",
        "AWS Key Management Service",
        "99.999",
        Need.REQUEST,
        "the region's key, which encrypts the tables",
        "https://aws.amazon.com/kms/sla/",
    ),
    _sla(
        "ssm",
        "AWS Systems Manager",
        "99.9",
        Need.HEALTH,
        "the drain switch (Parameter Store)",
        "https://aws.amazon.com/systems-manager/sla/",
    ),
    _sla(
        "privatelink",
        "AWS PrivateLink",
        "99.9",
        Need.HEALTH,
        "the SSM interface endpoint",
        "https://aws.amazon.com/privatelink/sla/",
    ),
)


def region_uptime(services: Iterable[ServiceSla]) -> Fraction:
    """One region's availability: the product of its services' SLAs (independent: modelled)."""
    return math.prod((s.uptime_percent / 100 for s in services), start=Fraction(1))


def allowed_downtime_seconds(target_percent: Fraction) -> Fraction:
    """The downtime a year that ``target_percent`` allows (52.56 minutes at 99.99 %)."""
    return (100 - target_percent) / 100 * YEAR_SECONDS


@attrs.frozen(kw_only=True)
class AvailabilityInputs:
    """What the availability budget depends on.

    Attributes:
        weights: ``(region, weight)`` for every region, in the spec's order.
        failover_seconds: What one incident costs its region's share of the traffic:
            detection plus DNS, the RTO rows (the cold start delays, it does not refuse).
        target_percent: ``availability_target``, exact.
        incidents_per_region: Regional incidents a year in every region (modelled).
        services: What each region depends on, with its SLA.
    """

    weights: tuple[tuple[str, int], ...]
    failover_seconds: int
    target_percent: Fraction
    incidents_per_region: int = MODELLED_INCIDENTS_PER_REGION
    services: tuple[ServiceSla, ...] = REGION_SLAS

    @classmethod
    def from_budget(
        cls,
        inputs: BudgetInputs,
        weights: Iterable[tuple[str, int]],
        *,
        incidents_per_region: int = MODELLED_INCIDENTS_PER_REGION,
    ) -> AvailabilityInputs:
        """The spec's numbers: its failover time from the RTO rows, its target as written."""
        rto = rto_budget(inputs)
        return cls(
            weights=tuple(weights),
            failover_seconds=rto.detection_seconds + rto.dns_seconds,
            # The decimal the user wrote (99.99), not the float nearest to it.
            target_percent=Fraction(str(inputs.availability_target)),
            incidents_per_region=incidents_per_region,
        )


@attrs.frozen(kw_only=True)
class RegionIncident:
    """What one incident in a region costs, and how many fit if every one were there.

    Attributes:
        region: The region.
        share: Its share of the traffic with every region up.
        cost_seconds: The full-outage seconds one incident there costs: share x failover.
        alone_within_target: Incidents a year that fit the target if all of them are in
            this region; None when they cost nothing (a weight of 0 takes no traffic).
    """

    region: str
    share: Fraction
    cost_seconds: Fraction
    alone_within_target: int | None


@attrs.frozen(kw_only=True)
class AvailabilityBudget:
    """The layout's availability against its target.

    Attributes:
        inputs: What it was computed from.
        region_uptime: One region alone, from the SLAs.
        allowed_seconds: The downtime a year the target allows.
        all_down_seconds: A year's time with every region down at once, the regions failing
            independently at their SLA floors (modelled): Route 53 fails open then.
        regions: One incident's cost in each region.
    """

    inputs: AvailabilityInputs
    region_uptime: Fraction
    allowed_seconds: Fraction
    all_down_seconds: Fraction
    regions: tuple[RegionIncident, ...]

    @property
    def incident_seconds(self) -> Fraction:
        """A year of ``incidents_per_region`` incidents in every region, as full-outage time."""
        return self.inputs.incidents_per_region * sum(
            (r.cost_seconds for r in self.regions), start=Fraction(0)
        )

    @property
    def unavailable_seconds(self) -> Fraction:
        return self.incident_seconds + self.all_down_seconds

    @property
    def layout_uptime(self) -> Fraction:
        return 1 - self.unavailable_seconds / YEAR_SECONDS

    @property
    def incidents_within_target(self) -> int | None:
        """The most incidents a year in every region that still meet the target; None when
        even none do (the regions being down together already costs more)."""
        left = self.allowed_seconds - self.all_down_seconds
        per_round = sum((r.cost_seconds for r in self.regions), start=Fraction(0))
        return None if left < 0 else math.floor(left / per_round)

    @property
    def meets_target(self) -> bool:
        return self.unavailable_seconds <= self.allowed_seconds


def availability_budget(inputs: AvailabilityInputs) -> AvailabilityBudget:
    """The availability of a layout with failover, and the incidents its target allows."""
    weights = dict(inputs.weights)
    shares = traffic_shares(weights, weights.keys())
    uptime = region_uptime(inputs.services)
    allowed = allowed_downtime_seconds(inputs.target_percent)
    all_down = (1 - uptime) ** len(weights) * YEAR_SECONDS
    regions = []
    for region, share in shares.items():
        cost = share * inputs.failover_seconds
        alone = None if cost == 0 else max(0, math.floor((allowed - all_down) / cost))
        regions.append(
            RegionIncident(region=region, share=share, cost_seconds=cost, alone_within_target=alone)
        )
    return AvailabilityBudget(
        inputs=inputs,
        region_uptime=uptime,
        allowed_seconds=allowed,
        all_down_seconds=all_down,
        regions=tuple(regions),
    )
