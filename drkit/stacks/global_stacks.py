"""The stacks of what AWS makes global: every IAM role, the zone, what goes into the zone.

They call us-east-1 only (IAM's and Route 53's control planes are there) and read no region's
stack: every role is computed from the spec (``drkit.access``), and the zone needs no
region's resource. The roles are applied before any region's stack, which names them by
ARN; a region's certificate waits until ACM sees the zone stack's validation records.
"""

from __future__ import annotations

from constructs import Construct

from drkit.access import Access
from drkit.regions.spec import DeploymentSpec
from drkit.regions.stacks import CONTROL_PLANE_REGION, StackPlan
from drkit.services.iam import Role, RoleProps
from drkit.stacks.base import DrkitStack
from drkit.topology import GlobalDns, GlobalDnsProps, ZoneContents, ZoneContentsProps


class IdentityStack(DrkitStack):
    """Every IAM role and inline policy of the deployment.

    Attributes:
        roles: ``construct id -> Role`` (``<region>-<purpose>``, or ``<purpose>`` for the
            deployment-wide operator role).
    """

    def __init__(self, scope: Construct, plan: StackPlan, *, spec: DeploymentSpec) -> None:
        super().__init__(scope, plan, spec=spec)
        placement = self.placements[CONTROL_PLANE_REGION]
        access = Access(spec=spec, account=self.account)
        self.roles: dict[str, Role] = {}
        for r in spec.regions:
            for purpose, model in access.regional_roles(r.region).items():
                id = f"{r.region}-{purpose}"
                self.roles[id] = Role(self, id, props=RoleProps(placement=placement, model=model))
        for purpose, model in access.people_roles().items():
            self.roles[purpose] = Role(
                self, purpose, props=RoleProps(placement=placement, model=model)
            )


class DnsStack(DrkitStack):
    """The API's zone, and the us-east-1 key and alert topic of what Route 53 does there.

    Attributes:
        dns: What it holds.
    """

    def __init__(self, scope: Construct, plan: StackPlan, *, spec: DeploymentSpec) -> None:
        super().__init__(scope, plan, spec=spec)
        self.dns = GlobalDns(
            self,
            "dns",
            props=GlobalDnsProps(deployment=spec, placement=self.placements[CONTROL_PLANE_REGION]),
        )


class ZoneStack(DrkitStack):
    """What goes into the DNS stack's zone before the regions: the names' validation
    records; DNSSEC signing and query logging of a zone drkit made."""

    def __init__(
        self, scope: Construct, plan: StackPlan, *, spec: DeploymentSpec, dns: GlobalDns
    ) -> None:
        super().__init__(scope, plan, spec=spec)
        self.contents = ZoneContents(
            self,
            "zone",
            props=ZoneContentsProps(
                deployment=spec, placement=self.placements[CONTROL_PLANE_REGION], dns=dns
            ),
        )
