"""Placing alarms where their metrics are, and the alarms on deployment-wide services.

Every stack runs the alarm families it is about through its ``AlarmSites``, which keeps
an alarm only when AWS publishes its metric in the stack's own region
(``drkit.regions.metrics``) and has it notify that region's alert topic: the alarm on a
metric of another region is made by that region's stack, from the same family. A family
is a function over named metric rows; the ones below alarm on what is not per region:
the DNSSEC signing of the zone, the delivery of the audit trail, each region's health
seen by the others' watchers, and Route 53's health checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from constructs import Construct

from drkit.footprint.functions import AUDITOR_SCHEDULE_MINUTES
from drkit.regions import metrics, names
from drkit.regions.metrics import MetricPlacement
from drkit.regions.spec import DeploymentSpec
from drkit.services.cloudwatch import Alarm, AlarmProps, Condition
from drkit.services.placement import Placement
from drkit.services.sns import TopicRef
from drkit_runtime.contract import AUDIT_DIMENSIONS, WATCH_DIMENSIONS

#: Route 53 publishes its DNSSEC metrics once per 4 hours per zone
#: (monitoring-hosted-zones-with-cloudwatch.html): every 6-hour period holds a data point.
DNSSEC_PERIOD_SECONDS = 6 * 3600
#: CloudTrail delivers log files to the bucket about every 5 minutes while there is
#: activity, and the canary makes some every minute (table and object data events):
#: an hour without a single delivery notification is a stopped delivery.
TRAIL_DELIVERY_PERIOD_SECONDS = 3600

#: Two runs of the auditor (drkit.footprint.functions.AUDITOR_SCHEDULE_MINUTES): a schedule
#: that drifts across a period boundary still leaves a data point in every period.
AUDIT_PERIOD_SECONDS = 2 * AUDITOR_SCHEDULE_MINUTES * 60

#: Consecutive failed minutes before a watcher calls a peer down (Route 53's default
#: failure threshold is 3, too).
WATCH_EVALUATION_PERIODS = 3

#: Any signing failure, or any key needing action, in a 6-hour period.
DNSSEC_TROUBLE = Condition(statistic="Sum", threshold=0, period_seconds=DNSSEC_PERIOD_SECONDS)
#: Not one delivery in an hour.
NOTHING_DELIVERED = Condition(
    statistic="Sum",
    threshold=1,
    comparison="LessThanThreshold",
    period_seconds=TRAIL_DELIVERY_PERIOD_SECONDS,
)
#: Unhealthy (or unreported) every minute for three minutes.
PEER_DOWN = Condition(
    statistic="Minimum",
    threshold=1,
    comparison="LessThanThreshold",
    evaluation_periods=WATCH_EVALUATION_PERIODS,
)
#: Any break in a region's audit chain (or no verification for two runs).
AUDIT_CHAIN_BROKEN = Condition(
    statistic="Maximum", threshold=0, period_seconds=AUDIT_PERIOD_SECONDS
)
#: Any conflict recorded in a minute.
ANY_CONFLICT = Condition(statistic="Sum", threshold=0)
#: Route 53's checkers call the region unhealthy.
CHECK_FAILING = Condition(statistic="Minimum", threshold=1, comparison="LessThanThreshold")


class AlarmSites:
    """Where a stack's alarms go: its region's placement and topic; every alarm it keeps is
    recorded in ``alarms``.

    Args:
        scope: The construct alarms are added to.
        placement: The stack's region (its provider).
        topic: The alert topic there.
    """

    def __init__(self, scope: Construct, *, placement: Placement, topic: TopicRef) -> None:
        if topic.region != placement.region:
            raise ValueError(f"the topic of {placement.region}'s alarms is in {topic.region}")
        self._scope = scope
        self._placement = placement
        self._topic = topic
        self.alarms: list[Alarm] = []

    @property
    def region(self) -> str:
        return self._placement.region

    def alarm(
        self,
        metric: MetricPlacement,
        *,
        purpose: str,
        description: str,
        dimensions: Mapping[str, str],
        condition: Condition,
        source: str = "",
        destination: str = "",
        own: str = "",
    ) -> Alarm | None:
        """An alarm on ``metric`` in the region AWS publishes it in, notifying that region's
        topic; None when that region is not this stack's (its own stack makes the alarm).

        ``source``, ``destination`` and ``own`` are the regions the metric's dimensions
        stand for; the metric's row picks the one that holds it.
        """
        region = metric.region(source=source, destination=destination, own=own)
        if region != self.region:
            return None
        alarm = Alarm(
            self._scope,
            f"alarm-{purpose}-{region}",
            props=AlarmProps(
                placement=self._placement,
                purpose=purpose,
                description=description,
                topic=self._topic,
                metric=metric,
                dimensions=dimensions,
                condition=condition,
            ),
        )
        self.alarms.append(alarm)
        return alarm


def dnssec_alarms(sites: AlarmSites, zone_id: str, zone_name: str) -> None:
    """Signing failures and keys needing action: either can fail the name in every region."""
    for purpose, metric, what in (
        ("dnssec-failure", metrics.DNSSEC_INTERNAL_FAILURE, "is in INTERNAL_FAILURE"),
        ("dnssec-ksk-action", metrics.DNSSEC_KSKS_NEEDING_ACTION, "has a KSK in ACTION_NEEDED"),
    ):
        sites.alarm(
            metric,
            purpose=purpose,
            description=(
                f"DNSSEC signing of {zone_name} {what}: fix it before the signatures "
                "expire, or validating resolvers fail the API name in every region "
                "(docs/runbook.md, DNSSEC)."
            ),
            dimensions={"HostedZoneId": zone_id},
            condition=DNSSEC_TROUBLE,
        )


def trail_delivery_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """The trail stopped delivering: no log file announced, or no event reached its log group.

    Missing data is breaching (the rows say so): a stopped delivery publishes nothing.
    """
    namer, home = deployment.namer, deployment.primary.region
    topic = names.TRAIL_DELIVERY_TOPIC(namer, home)
    log_group = names.TRAIL_LOG_GROUP(namer, home)
    trail = names.TRAIL(namer, home)
    for purpose, metric, dimensions, where in (
        (
            "trail-files",
            metrics.TRAIL_FILES_ANNOUNCED,
            {"TopicName": topic},
            f"log files to its bucket (no notification on {topic})",
        ),
        (
            "trail-logs",
            metrics.TRAIL_EVENTS_LOGGED,
            {"LogGroupName": log_group},
            f"events to the log group {log_group}",
        ),
    ):
        sites.alarm(
            metric,
            own=home,
            purpose=purpose,
            description=(
                f"CloudTrail {trail} has delivered no {where} for an hour: the "
                "audit record is not being written. Check the trail's status "
                "(aws cloudtrail get-trail-status), its bucket policy and its key."
            ),
            dimensions=dimensions,
            condition=NOTHING_DELIVERED,
        )


def watch_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """Every region's failure alarmed in every other region, by that region's watcher.

    Missing data is breaching: a watcher that stopped publishing is reported too, by its
    own region (the peers' watchers keep watching that region).
    """
    for watcher in deployment.regions:
        for watched in deployment.regions:
            if watched is watcher:
                continue
            values = (watched.region, watcher.region)
            sites.alarm(
                metrics.PEER_HEALTHY,
                own=watcher.region,
                purpose=f"watch-{watched.short}",
                description=(
                    f"{watched.region}'s /health, probed from {watcher.region} on the name its "
                    f"Route 53 health check uses, failed {WATCH_EVALUATION_PERIODS} minutes in "
                    f"a row (or the watcher in {watcher.region} stopped publishing). Seen from "
                    "outside the region, so it fires even when us-east-1, where Route 53's "
                    "metrics live, is the region down."
                ),
                dimensions=dict(zip(WATCH_DIMENSIONS, values, strict=True)),
                condition=PEER_DOWN,
            )


def audit_chain_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """A region's audit chain broken, as its own auditor found it."""
    _integrity_alarms(
        sites,
        deployment,
        metrics.AUDIT_CHAIN_BREAKS,
        "auditchain",
        AUDIT_CHAIN_BROKEN,
        lambda region: (
            f"The audit chain of {region} is broken: an audit entry was rewritten, deleted or "
            "inserted (or the auditor stopped verifying). Run `drkit audit --region "
            f"{region}` for the places; runbook: 'Audit chain broken'."
        ),
    )


def write_conflict_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """A record written concurrently in two regions, in the region that detected it."""
    _integrity_alarms(
        sites,
        deployment,
        metrics.WRITE_CONFLICTS,
        "writeconflicts",
        ANY_CONFLICT,
        lambda region: (
            f"{region} received a write of a patient record, made in another region, that "
            "replaced a version it was not based on: two versions were written at once and the "
            "global table kept one. Both are readable (GET /records/<id>?version=); the audit "
            "trail names them. Runbook: 'A write conflict'."
        ),
    )


def _integrity_alarms(
    sites: AlarmSites,
    deployment: DeploymentSpec,
    metric: MetricPlacement,
    purpose: str,
    condition: Condition,
    description: Callable[[str], str],
) -> None:
    """One alarm per region on a DrKit/Audit metric its own functions publish there."""
    for region in (r.region for r in deployment.regions):
        sites.alarm(
            metric,
            own=region,
            purpose=purpose,
            description=description(region),
            dimensions=dict(zip(AUDIT_DIMENSIONS, (region,), strict=True)),
            condition=condition,
        )


def health_check_alarms(
    sites: AlarmSites, deployment: DeploymentSpec, check_ids: Mapping[str, str]
) -> None:
    """A region out of DNS: Route 53's HealthCheckStatus (``check_ids``: region -> check)."""
    for region, check_id in check_ids.items():
        sites.alarm(
            metrics.HEALTH_CHECK_STATUS,
            purpose=f"health-{deployment.region(region).short}",
            description=(
                f"Route 53 health check of {region} is failing: the region is out of DNS "
                "(automatic failover). Check its /health answer and drain switch."
            ),
            dimensions={"HealthCheckId": check_id},
            condition=CHECK_FAILING,
        )
