"""The topology: what connects regional footprints (peering, replication, DNS, cross-region monitoring)."""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct

from drkit.footprint import RegionalFootprint
from drkit.regions.spec import DeploymentSpec
from drkit.services.backup import TableBackup, TableBackupProps
from drkit.services.cloudtrail import ArchiveSite, AuditTrail, AuditTrailProps
from drkit.services.route53 import HostedZone
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
        audit: The multi-region CloudTrail trail (data events on tables and buckets).
        backup: Daily table backups copied to every other region.
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
        self.routing = WeightedRouting(
            self, "routing", deployment=deployment, zone=zone, footprints=footprints
        )
        primary = next(f for f in footprints if f.spec.is_primary)
        tables = tuple(self.data.tables.values())
        self.audit = AuditTrail(
            self,
            "audit",
            props=AuditTrailProps(
                placement=primary.placement,
                key=primary.key,
                access_logs=primary.access_logs,
                tables=tables,
                buckets=tuple(f.bucket for f in footprints),
                archives=tuple(
                    ArchiveSite(placement=f.placement, key=f.key, access_logs=f.access_logs)
                    for f in footprints
                    if f is not primary
                ),
                log_retention_days=deployment.log_retention_days,
                protect_data=deployment.protect_data,
            ),
        )
        self.backup = TableBackup(
            self,
            "backup",
            props=TableBackupProps(
                placement=primary.placement,
                keys=tuple(f.key for f in footprints),
                placements=tuple(f.placement for f in footprints if f is not primary),
                tables=tables,
                protect_data=deployment.protect_data,
            ),
        )
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
