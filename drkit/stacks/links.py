"""The stacks of what connects regions: the links (data plane and peering), weighted routing.

Each follows every region's stack, and may read their outputs (the ids AWS makes random:
VPCs, route tables, endpoint names, keys, API targets) through cdktf's cross-stack
references; the regions' stacks never read back. Routing calls us-east-1 only (Route 53
and its metrics); the links call every region. The data plane and the peering mesh share
a stack because both need every region anyway, and every stack costs each Terraform
command a start of the AWS provider per region (about 2 s of CPU each, docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct

from drkit.footprint import RegionalFootprint
from drkit.regions import names
from drkit.regions.spec import DeploymentSpec
from drkit.regions.stacks import CONTROL_PLANE_REGION, StackPlan
from drkit.services.route53 import HostedZone
from drkit.services.sns import TopicRef
from drkit.stacks.base import DrkitStack
from drkit.topology import (
    DataPlane,
    DataPlaneProps,
    PeeringMesh,
    PeeringMeshProps,
    WeightedRouting,
    WeightedRoutingProps,
)


class LinksStack(DrkitStack):
    """Global tables, the buckets' replication, the replicas' stream triggers; the VPC
    peering mesh and each region's parameter of its peers' endpoints."""

    def __init__(
        self,
        scope: Construct,
        plan: StackPlan,
        *,
        spec: DeploymentSpec,
        footprints: Sequence[RegionalFootprint],
    ) -> None:
        super().__init__(scope, plan, spec=spec)
        self.data = DataPlane(
            self,
            "data",
            props=DataPlaneProps(
                deployment=spec, placements=self.placements, footprints=footprints
            ),
        )
        self.peering = PeeringMesh(
            self,
            "peering",
            props=PeeringMeshProps(
                deployment=spec, placements=self.placements, footprints=footprints
            ),
        )


class RoutingStack(DrkitStack):
    """Health checks, the regional and weighted records, their alarms and dashboard."""

    def __init__(
        self,
        scope: Construct,
        plan: StackPlan,
        *,
        spec: DeploymentSpec,
        zone: HostedZone,
        footprints: Sequence[RegionalFootprint],
    ) -> None:
        super().__init__(scope, plan, spec=spec)
        placement = self.placements[CONTROL_PLANE_REGION]
        topic = TopicRef(
            region=CONTROL_PLANE_REGION, topic_arn=placement.arn(names.DNS_ALERT_TOPIC)
        )
        self.routing = WeightedRouting(
            self,
            "routing",
            props=WeightedRoutingProps(
                deployment=spec,
                placement=placement,
                zone=zone,
                topic=topic,
                footprints=footprints,
            ),
        )
