"""Weighted DNS: one health-checked alias record per region for the shared API name.

Each region's check probes the region's own name (``api-use1.<zone>``), an alias to the
same API, stage and certificate as the shared name: a missing custom domain fails the check,
where the API's default ``execute-api`` host would have stayed healthy (a broken certificate
does not: Route 53 does not validate it, so only the watchers see that). Route 53 publishes
the checks' status in us-east-1 only; the alarms on it and the failover dashboard are here,
notifying the DNS stack's topic there.
"""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit.footprint import RegionalFootprint, to_footprints
from drkit.regions.spec import DeploymentSpec
from drkit.services.cloudwatch import Dashboard, DashboardProps
from drkit.services.placement import Placement
from drkit.services.route53 import (
    HealthCheck,
    HealthCheckProps,
    HostedZone,
    RegionalAlias,
    RegionalAliasProps,
    WeightedAlias,
    WeightedAliasProps,
)
from drkit.services.sns import TopicRef
from drkit.topology.alarms import AlarmSites, health_check_alarms
from drkit.topology.dashboards import failover_widgets
from drkit_runtime.contract import HEALTH_PATH


@attrs.frozen(kw_only=True)
class WeightedRoutingProps:
    """Props of :class:`WeightedRouting`.

    Attributes:
        deployment: The deployment's spec (API name, health-check settings).
        placement: The routing stack's placement (us-east-1: Route 53 and its metrics).
        zone: The zone the records go in (the DNS stack's).
        topic: The alert topic in us-east-1 (the DNS stack's) the health alarms notify.
        footprints: One record and health check per footprint (each in its own stack).
    """

    deployment: DeploymentSpec
    placement: Placement
    zone: HostedZone
    topic: TopicRef
    footprints: tuple[RegionalFootprint, ...] = attrs.field(converter=to_footprints)


class WeightedRouting(Construct):
    """Spreads the API name over the regions by weight; a failing region drops out.

    Attributes:
        health_checks: ``region -> HealthCheck`` on that region's own name.
        records: ``region -> WeightedAlias``.
        regional_records: ``region -> RegionalAlias``, the name its check probes.
        alarms: One per health check.
        dashboard: The failover dashboard.
    """

    def __init__(self, scope: Construct, id: str, *, props: WeightedRoutingProps) -> None:
        super().__init__(scope, id)
        self.health_checks: dict[str, HealthCheck] = {}
        self.records: dict[str, WeightedAlias] = {}
        self.regional_records: dict[str, RegionalAlias] = {}
        for f in props.footprints:
            self._region(props, f)
        self._alarms(props)
        self.dashboard = Dashboard(
            self,
            "dashboard-failover",
            props=DashboardProps(
                placement=props.placement,
                purpose="failover",
                widgets=failover_widgets(
                    props.deployment,
                    {r: c.health_check_id for r, c in self.health_checks.items()},
                    props.placement.region,
                ),
            ),
        )

    def _region(self, props: WeightedRoutingProps, f: RegionalFootprint) -> None:
        d, p, zone, short = props.deployment, props.placement, props.zone, f.spec.short
        self.regional_records[f.region] = RegionalAlias(
            self,
            f"regional-{short}",
            props=RegionalAliasProps(
                placement=p,
                region=f.region,
                zone=zone,
                record_name=f.api.regional_domain_name,
                target_domain_name=f.api.regional_target_domain_name,
                target_zone_id=f.api.regional_target_zone_id,
            ),
        )
        check = HealthCheck(
            self,
            f"health-{short}",
            props=HealthCheckProps(
                placement=p,
                region=f.region,
                fqdn=d.regional_api_domain_name(f.region),
                resource_path=HEALTH_PATH,
                interval_seconds=d.health_check_interval_seconds,
                failure_threshold=d.health_check_failure_threshold,
            ),
        )
        self.health_checks[f.region] = check
        self.records[f.region] = WeightedAlias(
            self,
            f"record-{short}",
            props=WeightedAliasProps(
                placement=p,
                region=f.region,
                zone=zone,
                record_name=d.api_domain_name,
                weight=f.spec.weight,
                health_check=check,
                target_domain_name=f.api.target_domain_name,
                target_zone_id=f.api.target_zone_id,
            ),
        )

    def _alarms(self, props: WeightedRoutingProps) -> None:
        """A region out of DNS: Route 53's HealthCheckStatus, published in us-east-1 only."""
        sites = AlarmSites(self, placement=props.placement, topic=props.topic)
        health_check_alarms(
            sites,
            props.deployment,
            {region: check.health_check_id for region, check in self.health_checks.items()},
        )
        self.alarms = sites.alarms
