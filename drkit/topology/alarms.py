"""Placing alarms where their metrics are, and the alarms on deployment-wide services.

Every stack runs the alarm families it is about through its ``AlarmSites``, which keeps
an alarm only when AWS publishes its metric in the stack's own region
(``drkit.regions.metrics``) and has it notify that region's alert topic: the alarm on a
metric of another region is made by that region's stack, from the same family. The
functions below alarm on what is not per region: the DNSSEC signing of the zone, the
delivery of the audit trail, and each region's health seen by the others' watchers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs import Construct

from drkit.regions import names
from drkit.regions.metrics import placement
from drkit.regions.spec import DeploymentSpec
from drkit.services.cloudwatch import Alarm, AlarmProps
from drkit.services.placement import Placement
from drkit.services.sns import TopicRef
from drkit_runtime.contract import PEER_HEALTHY, WATCH_DIMENSIONS, WATCH_NAMESPACE

#: Route 53 publishes its DNSSEC metrics once per 4 hours per zone
#: (monitoring-hosted-zones-with-cloudwatch.html): every 6-hour period holds a data point.
DNSSEC_PERIOD_SECONDS = 6 * 3600
#: CloudTrail delivers log files to the bucket about every 5 minutes while there is
#: activity, and the canary makes some every minute (table and object data events):
#: an hour without a single delivery notification is a stopped delivery.
TRAIL_DELIVERY_PERIOD_SECONDS = 3600

#: Consecutive failed minutes before a watcher calls a peer down (Route 53's default
#: failure threshold is 3, too).
WATCH_EVALUATION_PERIODS = 3


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
        *,
        purpose: str,
        namespace: str,
        metric_name: str,
        dimensions: Mapping[str, str],
        source: str = "",
        destination: str = "",
        own: str = "",
        **props: Any,
    ) -> Alarm | None:
        """An alarm in the region AWS publishes its metric in, notifying that region's topic;
        None when that region is not this stack's (its own stack makes the alarm).

        ``source``, ``destination`` and ``own`` are the regions the metric's dimensions
        stand for; the placement table picks the one that holds the metric.
        """
        row = placement(namespace, metric_name)
        if tuple(dimensions) != row.dimensions:
            raise AssertionError(f"{namespace}/{metric_name}: dimensions {tuple(dimensions)}")
        region = row.region(source=source, destination=destination, own=own)
        if region != self.region:
            return None
        alarm = Alarm(
            self._scope,
            f"alarm-{purpose}-{region}",
            props=AlarmProps(
                placement=self._placement,
                purpose=purpose,
                topic=self._topic,
                namespace=namespace,
                metric_name=metric_name,
                dimensions=dimensions,
                **props,
            ),
        )
        self.alarms.append(alarm)
        return alarm


def dnssec_alarms(sites: AlarmSites, zone_id: str, zone_name: str) -> None:
    """Signing failures and keys needing action: either can fail the name in every region."""
    for purpose, metric, what in (
        ("dnssec-failure", "DNSSECInternalFailure", "is in INTERNAL_FAILURE"),
        ("dnssec-ksk-action", "DNSSECKeySigningKeysNeedingAction", "has a KSK in ACTION_NEEDED"),
    ):
        sites.alarm(
            purpose=purpose,
            description=(
                f"DNSSEC signing of {zone_name} {what}: fix it before the signatures "
                "expire, or validating resolvers fail the API name in every region "
                "(docs/runbook.md, DNSSEC)."
            ),
            namespace="AWS/Route53",
            metric_name=metric,
            dimensions={"HostedZoneId": zone_id},
            statistic="Sum",
            period_seconds=DNSSEC_PERIOD_SECONDS,
            threshold=0,
        )


def trail_delivery_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """The trail stopped delivering: no log file announced, or no event reached its log group.

    Missing data is breaching: a stopped delivery publishes no data point at all.
    """
    namer, home = deployment.namer, deployment.primary.region
    topic = names.TRAIL_DELIVERY_TOPIC(namer, home)
    log_group = names.TRAIL_LOG_GROUP(namer, home)
    trail = names.TRAIL(namer, home)
    for purpose, namespace, metric, dimensions, where in (
        (
            "trail-files",
            "AWS/SNS",
            "NumberOfMessagesPublished",
            {"TopicName": topic},
            f"log files to its bucket (no notification on {topic})",
        ),
        (
            "trail-logs",
            "AWS/Logs",
            "IncomingLogEvents",
            {"LogGroupName": log_group},
            f"events to the log group {log_group}",
        ),
    ):
        sites.alarm(
            own=home,
            purpose=purpose,
            description=(
                f"CloudTrail {trail} has delivered no {where} for an hour: the "
                "audit record is not being written. Check the trail's status "
                "(aws cloudtrail get-trail-status), its bucket policy and its key."
            ),
            namespace=namespace,
            metric_name=metric,
            dimensions=dimensions,
            statistic="Sum",
            period_seconds=TRAIL_DELIVERY_PERIOD_SECONDS,
            threshold=1,
            comparison="LessThanThreshold",
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
                own=watcher.region,
                purpose=f"watch-{watched.short}",
                description=(
                    f"{watched.region}'s /health, probed from {watcher.region} on the name its "
                    f"Route 53 health check uses, failed {WATCH_EVALUATION_PERIODS} minutes in "
                    f"a row (or the watcher in {watcher.region} stopped publishing). Seen from "
                    "outside the region, so it fires even when us-east-1, where Route 53's "
                    "metrics live, is the region down."
                ),
                namespace=WATCH_NAMESPACE,
                metric_name=PEER_HEALTHY,
                dimensions=dict(zip(WATCH_DIMENSIONS, values, strict=True)),
                statistic="Minimum",
                threshold=1,
                comparison="LessThanThreshold",
                evaluation_periods=WATCH_EVALUATION_PERIODS,
            )
