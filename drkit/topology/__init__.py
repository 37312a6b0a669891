"""The topology: what connects regional footprints (peering, replication, DNS, cross-region monitoring)."""

from __future__ import annotations

from typing import Sequence

from constructs import Construct

from drkit.regions.footprint import RegionalFootprint
from drkit.regions.spec import DeploymentSpec
from drkit.services.dns import HostedZone
from drkit.topology.data import DataPlane
from drkit.topology.observability import MetricsRegion, Observability
from drkit.topology.peering import PeeringMesh
from drkit.topology.routing import WeightedRouting

__all__ = ["MetricsRegion", "Topology"]


class Topology(Construct):
    """Pairs footprints into one platform.

    Attributes:
        peering: Full-mesh VPC peering.
        data: Global tables, S3 replication, cross-region access, operator role.
        routing: Health checks and weighted records.
        observability: Alarms and dashboards.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        deployment: DeploymentSpec,
        footprints: Sequence[RegionalFootprint],
        zone: HostedZone,
        metrics_region: MetricsRegion,
    ) -> None:
        super().__init__(scope, id)
        self.peering = PeeringMesh(self, "peering", footprints=footprints)
        self.data = DataPlane(self, "data", deployment=deployment, footprints=footprints)
        self.routing = WeightedRouting(self, "routing", deployment=deployment, zone=zone, footprints=footprints)
        self.observability = Observability(
            self,
            "observability",
            deployment=deployment,
            footprints=footprints,
            tables=list(self.data.tables.values()),
            replications=self.data.replications,
            health_checks=self.routing.health_checks,
            metrics_region=metrics_region,
        )
