"""Weighted DNS: one health-checked alias record per region for the shared API name."""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit.footprint import RegionalFootprint
from drkit.regions.spec import DeploymentSpec
from drkit.services.route53 import (
    HealthCheck,
    HealthCheckProps,
    HostedZone,
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
        health_checks: ``region -> HealthCheck`` on that region's own endpoint.
        records: ``region -> WeightedAlias``.
    """

    def __init__(self, scope: Construct, id: str, *, props: WeightedRoutingProps) -> None:
        super().__init__(scope, id)
        deployment, zone, footprints = props.deployment, props.zone, props.footprints
        self.health_checks: dict[str, HealthCheck] = {}
        self.records: dict[str, WeightedAlias] = {}
        for f in footprints:
            check = HealthCheck(
                self,
                f"health-{f.spec.short}",
                props=HealthCheckProps(
                    placement=f.placement,
                    fqdn=f.api.endpoint_host,
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
