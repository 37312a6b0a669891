"""How a deployment is cut into Terraform stacks, and what each stack needs to run.

One stack per region holds everything that lives in that region alone; a region's stack
configures one provider, for its own region, and knows every other stack's resources only
by the names and ARNs of :mod:`drkit.regions.names`, so it can be planned and applied while
any other region (or us-east-1's global control planes) is down. What AWS makes global or
cross-region has stacks of its own. The deploy tooling (which never loads jsii) and the
cdktf stacks both take the cut from here: names, dependencies, and the regions and control
planes each stack calls.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import attrs

from drkit.regions.catalog import ROUTE53_METRICS_REGION, short_code

#: Every stack's name starts with it (cdktf's stack names are the cdk.tf.json folders).
PREFIX = "drkit"
#: The region of the global control planes AWS hosts in us-east-1.
CONTROL_PLANE_REGION = ROUTE53_METRICS_REGION
_FAULT_ISOLATION = (
    "https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/"
    "global-services.html"
)
#: Global services whose control plane (creating and changing resources) is in us-east-1;
#: their data planes (authenticating requests, answering DNS, health checks) are global.
GLOBAL_CONTROL_PLANES: Mapping[str, str] = MappingProxyType(
    {
        "iam": f"IAM: control plane in us-east-1, data plane in every region ({_FAULT_ISOLATION})",
        "route53": (
            "Route 53: the API (zones, records, health checks) in us-east-1; DNS answers and "
            f"health checkers everywhere ({_FAULT_ISOLATION})"
        ),
    }
)


class StackKind(enum.Enum):
    """What a stack holds."""

    #: Every IAM role and policy (IAM's control plane is in us-east-1).
    IDENTITY = "iam"
    #: The hosted zone, and the us-east-1 key and alert topic of what Route 53 does there.
    DNS = "dns"
    #: What drkit writes into the zone before the regions: the API names' certificate
    #: validation records; DNSSEC signing and query logging of a zone drkit made.
    ZONE = "zone"
    #: Everything one region runs alone.
    REGION = "region"
    #: What links the regions: global tables, bucket replication and the replicas' stream
    #: triggers; the VPC peering mesh and each region's parameter of its peers' endpoints.
    LINKS = "links"
    #: Health checks and the weighted records (the failover path), with their alarms.
    ROUTING = "routing"


@attrs.frozen(kw_only=True)
class StackPlan:
    """One stack of a deployment.

    Attributes:
        name: The stack's name (``drkit-usw2``): its cdk.tf.json folder and state.
        kind: What it holds.
        regions: The regions whose endpoints it calls, each through a provider of its own.
        control_planes: The global control planes it calls (keys of GLOBAL_CONTROL_PLANES).
        depends_on: The stacks that must be applied before it.
        reads_state_of: The stacks whose outputs it reads (their state, at plan time).
        region: The region of a regional stack; None for the others.
    """

    name: str
    kind: StackKind
    regions: tuple[str, ...]
    control_planes: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    reads_state_of: tuple[str, ...] = ()
    region: str | None = None

    @property
    def regional(self) -> bool:
        return self.kind is StackKind.REGION

    @property
    def needs(self) -> frozenset[str]:
        """Every region that must be reachable to plan or apply it (state aside)."""
        planes = {CONTROL_PLANE_REGION} if self.control_planes else set()
        return frozenset({*self.regions, *planes})


def stack_name(kind: StackKind, region: str | None = None) -> str:
    """``drkit-iam``, ``drkit-usw2``, ..."""
    if kind is StackKind.REGION:
        if region is None:
            raise ValueError("a regional stack's name needs its region")
        return f"{PREFIX}-{short_code(region)}"
    return f"{PREFIX}-{kind.value}"


IDENTITY = stack_name(StackKind.IDENTITY)
DNS = stack_name(StackKind.DNS)
ZONE = stack_name(StackKind.ZONE)
LINKS = stack_name(StackKind.LINKS)
ROUTING = stack_name(StackKind.ROUTING)


def plan_stacks(
    regions: Sequence[str], primary: str, retiring: Sequence[str] = ()
) -> tuple[StackPlan, ...]:
    """Every stack of a deployment over ``regions``, in an order that applies.

    ``retiring``: regions being removed (``drkit.regions.layout_change``). They have no
    stack, but the links keep a provider for each until their resources there are gone:
    Terraform cannot destroy what it has no provider for.
    """
    regional = tuple(stack_name(StackKind.REGION, r) for r in regions)
    every = tuple(regions)
    return (
        StackPlan(
            name=IDENTITY,
            kind=StackKind.IDENTITY,
            regions=(CONTROL_PLANE_REGION,),
            control_planes=("iam",),
        ),
        StackPlan(
            name=DNS,
            kind=StackKind.DNS,
            regions=(CONTROL_PLANE_REGION,),
            control_planes=("route53",),
        ),
        # Apart from the zone, so that its fixed waits (a record's change, a key-signing key
        # activated, then signing enabled) hold up neither the zone's making nor its removal.
        StackPlan(
            name=ZONE,
            kind=StackKind.ZONE,
            regions=(CONTROL_PLANE_REGION,),
            control_planes=("route53",),
            depends_on=(DNS,),
            reads_state_of=(DNS,),
        ),
        # A region's certificate waits until ACM sees the DNS stack's validation records, so
        # the two may run at once: only its roles must exist before it (KMS, Lambda and
        # Backup refuse a principal or role that does not exist yet).
        *(
            StackPlan(
                name=name,
                kind=StackKind.REGION,
                regions=(region,),
                depends_on=(IDENTITY,),
                region=region,
            )
            for name, region in zip(regional, regions, strict=True)
        ),
        StackPlan(
            name=LINKS,
            kind=StackKind.LINKS,
            regions=(primary, *(r for r in every if r != primary), *retiring),
            depends_on=(IDENTITY, *regional),
            reads_state_of=regional,
        ),
        StackPlan(
            name=ROUTING,
            kind=StackKind.ROUTING,
            regions=(CONTROL_PLANE_REGION,),
            control_planes=("route53",),
            depends_on=(DNS, *regional),
            reads_state_of=(DNS, *regional),
        ),
    )


def waves(plans: Sequence[StackPlan]) -> tuple[tuple[StackPlan, ...], ...]:
    """The stacks in rounds: each round depends only on the rounds before it."""
    done: set[str] = set()
    rounds: list[tuple[StackPlan, ...]] = []
    left = list(plans)
    while left:
        ready = tuple(p for p in left if set(p.depends_on) <= done)
        if not ready:
            raise ValueError(f"stacks with a dependency cycle: {[p.name for p in left]}")
        rounds.append(ready)
        done.update(p.name for p in ready)
        left = [p for p in left if p.name not in done]
    return tuple(rounds)
