"""Weighted DNS: one health-checked alias record per region for the shared API name.

Each region's check probes the region's own name (``api-use1.<zone>``), an alias to the
same API, stage and certificate as the shared name: a broken certificate or custom domain
fails the check, where the API's default ``execute-api`` host would have stayed healthy.
"""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit.footprint import RegionalFootprint
from drkit.regions.spec import DeploymentSpec
from drkit.services.route53 import (
    HealthCheck,
    HealthCheckProps,
    HostedZone,
    RegionalAlias,
    RegionalAliasProps,
    WeightedAlias,
    WeightedAliasProps,
)


@attrs.frozen(kw_only=True)
class WeightedRoutingProps:
    """Props of :class:`WeightedRouting`.

    Attributes:
        deployment: The deployment's spec (API name, health-check settings).
        zone: The zone the weighted records go in.
        footprints: One record and health check per footprint.
    """

    deployment: DeploymentSpec
    zone: HostedZone
    footprints: tuple[RegionalFootprint, ...] = attrs.field(converter=tuple)


class WeightedRouting(Construct):
    """Spreads the API name over the regions by weight; a failing region drops out.

    Attributes:
        health_checks: ``region -> HealthCheck`` on that region's own name.
        records: ``region -> WeightedAlias``.
        regional_records: ``region -> RegionalAlias``, the name its check probes.
    """

    def __init__(self, scope: Construct, id: str, *, props: WeightedRoutingProps) -> None:
        super().__init__(scope, id)
        deployment, zone, footprints = props.deployment, props.zone, props.footprints
        self.health_checks: dict[str, HealthCheck] = {}
        self.records: dict[str, WeightedAlias] = {}
        self.regional_records: dict[str, RegionalAlias] = {}
        for f in footprints:
            self.regional_records[f.region] = RegionalAlias(
                self,
                f"regional-{f.spec.short}",
                props=RegionalAliasProps(
                    placement=f.placement,
                    zone=zone,
                    record_name=f.api.regional_domain_name,
                    target_domain_name=f.api.regional_target_domain_name,
                    target_zone_id=f.api.regional_target_zone_id,
                ),
            )
            check = HealthCheck(
                self,
                f"health-{f.spec.short}",
                props=HealthCheckProps(
                    placement=f.placement,
                    fqdn=f.api.regional_domain_name,
                    resource_path="/health",
                    interval_seconds=deployment.health_check_interval_seconds,
                    failure_threshold=deployment.health_check_failure_threshold,
                ),
            )
            self.health_checks[f.region] = check
            self.records[f.region] = WeightedAlias(
                self,
                f"record-{f.spec.short}",
                props=WeightedAliasProps(
                    placement=f.placement,
                    zone=zone,
                    record_name=deployment.api_domain_name,
                    weight=f.spec.weight,
                    health_check=check,
                    target_domain_name=f.api.target_domain_name,
                    target_zone_id=f.api.target_zone_id,
                ),
            )
