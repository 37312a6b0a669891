"""The topology: what connects footprints (peering, replication, DNS, cross-region monitoring)."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from constructs import Construct

from drkit.footprint import RegionalFootprint
from drkit.regions.spec import DeploymentSpec, Target
from drkit.services.backup import TableBackup, TableBackupProps
from drkit.services.cloudtrail import ArchiveSite, AuditTrail, AuditTrailProps
from drkit.services.route53 import HostedZone
from drkit.topology.data import DataPlane, DataPlaneProps
from drkit.topology.observability import MetricsRegion, Observability, ObservabilityProps
from drkit.topology.peering import PeeringMesh, PeeringMeshProps
from drkit.topology.routing import WeightedRouting, WeightedRoutingProps

__all__ = ["MetricsRegion", "Topology", "TopologyProps"]


@attrs.frozen(kw_only=True)
class TopologyProps:
    """Props of :class:`Topology`.

    Attributes:
        deployment: The deployment's spec.
        footprints: Every region's footprint, in spec order.
        zone: The API's hosted zone.
        metrics_region: us-east-1's placement, key and topic (Route 53 metrics live there).
        signed: The stack signs ``zone`` with DNSSEC (a zone it created); its DNSSEC
            metrics are alarmed.
    """

    deployment: DeploymentSpec
    footprints: tuple[RegionalFootprint, ...] = attrs.field(converter=tuple)
    zone: HostedZone
    metrics_region: MetricsRegion
    signed: bool = False


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

    def __init__(self, scope: Construct, id: str, *, props: TopologyProps) -> None:
        super().__init__(scope, id)
        deployment, footprints = props.deployment, props.footprints
        self.peering = PeeringMesh(self, "peering", props=PeeringMeshProps(footprints=footprints))
        self.data = DataPlane(
            self, "data", props=DataPlaneProps(deployment=deployment, footprints=footprints)
        )
        self.routing = WeightedRouting(
            self,
            "routing",
            props=WeightedRoutingProps(
                deployment=deployment, zone=props.zone, footprints=footprints
            ),
        )
        self._watch_targets(footprints)
        primary = next(f for f in footprints if f.spec.is_primary)
        self.audit = self._audit_trail(deployment, primary, footprints)
        self.backup = self._table_backup(deployment, primary, footprints)
        self.observability = Observability(
            self,
            "observability",
            props=ObservabilityProps(
                deployment=deployment,
                footprints=footprints,
                tables=tuple(self.data.tables.values()),
                replications=self.data.replications,
                health_checks=self.routing.health_checks,
                metrics_region=props.metrics_region,
                signed_zone=props.zone if props.signed else None,
                audit=self.audit,
            ),
        )

    def _watch_targets(self, footprints: Sequence[RegionalFootprint]) -> None:
        """Each watcher probes every peer on exactly what that peer's Route 53 check requests."""
        for f in footprints:
            for region, check in self.routing.health_checks.items():
                if region != f.region:
                    resource = check.resource
                    f.watch_targets[region] = f"https://{resource.fqdn}{resource.resource_path}"

    def _audit_trail(
        self,
        deployment: DeploymentSpec,
        primary: RegionalFootprint,
        footprints: Sequence[RegionalFootprint],
    ) -> AuditTrail:
        """The trail lives in the primary; every other region keeps a replica of its bucket."""
        return AuditTrail(
            self,
            "audit",
            props=AuditTrailProps(
                placement=primary.placement,
                key=primary.key,
                access_logs=primary.access_logs,
                tables=tuple(self.data.tables.values()),
                buckets=tuple(f.bucket for f in footprints),
                archives=tuple(
                    ArchiveSite(placement=f.placement, key=f.key, access_logs=f.access_logs)
                    for f in footprints
                    if f is not primary
                ),
                log_retention_days=deployment.log_retention_days,
                protect_data=deployment.protect_data,
                topic_read_back_as_arn=deployment.target is Target.LOCAL,
            ),
        )

    def _table_backup(
        self,
        deployment: DeploymentSpec,
        primary: RegionalFootprint,
        footprints: Sequence[RegionalFootprint],
    ) -> TableBackup:
        """Backups taken in the primary, copied to a vault in every other region."""
        return TableBackup(
            self,
            "backup",
            props=TableBackupProps(
                placement=primary.placement,
                keys=tuple(f.key for f in footprints),
                placements=tuple(f.placement for f in footprints if f is not primary),
                tables=tuple(self.data.tables.values()),
                protect_data=deployment.protect_data,
            ),
        )
