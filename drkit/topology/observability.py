"""A region's alarms: on every metric AWS publishes in it, each notifying its own topic.

Every alarm lives in the region its metric is published in (``drkit.regions.metrics``,
one row per metric with the AWS page that says where). Each region's stack runs every
family through its ``AlarmSites``, which keeps the alarms whose metric is published
there; so an alarm on replication from us-west-2 into us-east-1 lands in the stack of the
region that holds its data, and no stack names another stack's resource except by name.
Route 53's metrics exist only in us-east-1: their alarms are the routing and DNS stacks'.
This module only composes the families (``alarms``, ``replication_alarms``,
``dependency_alarms``), the EventBridge watch on the region's key (a call, not a metric:
placed by ``metrics.KEY_STATE_CALLS``) and the primary's dashboard.
"""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit.footprint import RegionalFootprint
from drkit.regions import names
from drkit.regions.spec import DeploymentSpec
from drkit.services.cloudwatch import Dashboard, DashboardProps
from drkit.services.events import (
    BreakGlassWatch,
    BreakGlassWatchProps,
    KeyStateWatch,
    KeyStateWatchProps,
)
from drkit.topology.alarms import (
    AlarmSites,
    audit_chain_alarms,
    trail_delivery_alarms,
    watch_alarms,
    write_conflict_alarms,
)
from drkit.topology.dashboards import replication_widgets
from drkit.topology.dependency_alarms import (
    api_alarms,
    backup_alarms,
    certificate_alarms,
    function_alarms,
    table_alarms,
)
from drkit.topology.replication_alarms import (
    canary_alarms,
    dynamodb_lag_alarms,
    s3_replication_alarms,
)

#: The families every region's stack runs, over the whole deployment.
DEPLOYMENT_FAMILIES = (
    watch_alarms,
    trail_delivery_alarms,
    audit_chain_alarms,
    write_conflict_alarms,
    dynamodb_lag_alarms,
    s3_replication_alarms,
    canary_alarms,
    function_alarms,
    table_alarms,
    backup_alarms,
)


@attrs.frozen(kw_only=True)
class RegionalObservabilityProps:
    """Props of :class:`RegionalObservability`.

    Attributes:
        deployment: The deployment's spec (thresholds come from it and its budget).
        footprint: The region's footprint: its placement, its alert topic (every alarm
            notifies it), and the API and certificate whose ids AWS makes random.
    """

    deployment: DeploymentSpec
    footprint: RegionalFootprint


class RegionalObservability(Construct):
    """Every alarm whose metric is published in one region, the watches on the region's key
    and on the break-glass role, and the primary's dashboard.

    Attributes:
        alarms: The region's alarms, in creation order.
        key_watch: The rule on the key being disabled or scheduled for deletion.
        break_glass_watch: The rule on the break-glass role being assumed in the region
            (when the spec names break-glass principals).
        dashboards: ``"replication"`` in the primary's region; empty elsewhere.
    """

    def __init__(self, scope: Construct, id: str, *, props: RegionalObservabilityProps) -> None:
        super().__init__(scope, id)
        d, f = props.deployment, props.footprint
        sites = AlarmSites(self, placement=f.placement, topic=f.alerts.ref)
        for family in DEPLOYMENT_FAMILIES:
            family(sites, d)
        api_alarms(sites, f.api)
        certificate_alarms(sites, f.certificate)
        self.alarms = sites.alarms
        # The region in the id, as in the alarms': logical names are unique across stacks.
        self.key_watch = KeyStateWatch(
            self,
            f"key-watch-{f.region}",
            props=KeyStateWatchProps(placement=f.placement, key=f.key, topic=f.alerts),
        )
        if d.break_glass_principals:
            self.break_glass_watch = BreakGlassWatch(
                self,
                f"break-glass-watch-{f.region}",
                props=BreakGlassWatchProps(
                    placement=f.placement,
                    role_arn=names.BREAK_GLASS.role.arn(d.namer, f.placement.account, ""),
                    topic=f.alerts,
                ),
            )
        self.dashboards: dict[str, Dashboard] = {}
        if f.region == d.primary.region:
            self.dashboards["replication"] = Dashboard(
                self,
                "dashboard-replication",
                props=DashboardProps(
                    placement=f.placement,
                    purpose="replication-lag",
                    widgets=replication_widgets(d),
                ),
            )
