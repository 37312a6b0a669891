"""The deployment as cdktf stacks: one per region, and one per global or cross-region part.

``DeploymentStacks`` makes every stack of ``DeploymentSpec.stacks`` in its order: the IAM,
DNS and zone stacks, a ``RegionalStack`` per region (each builds its footprint with a
``RegionFactory``), then the topology's stacks that pair the footprints: the links (data
plane and peering mesh) and weighted routing. Each stack depends on the ones its plan
names, so ``cdktf deploy`` of all of them applies in a working order.
"""

from __future__ import annotations

from constructs import Construct

from drkit.footprint import RegionalFootprint
from drkit.regions.spec import DeploymentSpec
from drkit.regions.stacks import StackKind, StackPlan
from drkit.stacks.base import DrkitStack
from drkit.stacks.global_stacks import DnsStack, IdentityStack, ZoneStack
from drkit.stacks.links import LinksStack, RoutingStack
from drkit.stacks.regional import RegionalStack, runtime_code

__all__ = [
    "DeploymentStacks",
    "DnsStack",
    "DrkitStack",
    "IdentityStack",
    "LinksStack",
    "RegionalStack",
    "RoutingStack",
    "ZoneStack",
]


class DeploymentStacks:
    """Every stack of one deployment, added to ``scope`` (the cdktf App).

    Attributes:
        stacks: ``name -> stack``, in the order they apply.
        regional: ``region -> its stack``.
    """

    def __init__(self, scope: Construct, *, spec: DeploymentSpec) -> None:
        plans = spec.stacks
        self.stacks: dict[str, DrkitStack] = {}
        self.regional: dict[str, RegionalStack] = {}
        code = runtime_code()
        for plan in plans:
            kind = plan.kind
            if kind is StackKind.IDENTITY:
                stack: DrkitStack = IdentityStack(scope, plan, spec=spec)
            elif kind is StackKind.DNS:
                stack = self.dns = DnsStack(scope, plan, spec=spec)
            elif kind is StackKind.ZONE:
                stack = ZoneStack(scope, plan, spec=spec, dns=self.dns.dns)
            elif kind is StackKind.REGION:
                assert plan.region is not None
                stack = self.regional[plan.region] = RegionalStack(
                    scope, plan, spec=spec, code_dir=code
                )
            else:
                stack = self._link(scope, plan, spec)
            for name in plan.depends_on:
                stack.add_dependency(self.stacks[name])
            self.stacks[plan.name] = stack

    @property
    def footprints(self) -> list[RegionalFootprint]:
        return [stack.footprint for stack in self.regional.values()]

    def _link(self, scope: Construct, plan: StackPlan, spec: DeploymentSpec) -> DrkitStack:
        """A stack of the topology: it pairs the footprints of every region's stack."""
        if plan.kind is StackKind.LINKS:
            return LinksStack(scope, plan, spec=spec, footprints=self.footprints)
        return RoutingStack(
            scope, plan, spec=spec, zone=self.dns.dns.zone, footprints=self.footprints
        )
