"""Placing alarms where their metrics are, and the alarms on deployment-wide services.

``AlarmSites`` puts every alarm in the region AWS publishes its metric in
(``drkit.regions.metrics``) and has it notify that region's alert topic. The
functions below alarm on what is not per region: the DNSSEC signing of the zone
and the delivery of the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from constructs import Construct

from drkit.footprint import RegionalFootprint
from drkit.regions.metrics import placement
from drkit.services.cloudtrail import AuditTrail
from drkit.services.cloudwatch import Alarm, AlarmProps
from drkit.services.placement import Placement
from drkit.services.route53 import HostedZone
from drkit.services.sns import AlertTopic
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
    """Where alarms go: ``region -> (placement, topic)``; every alarm is recorded in ``alarms``.

    Args:
        scope: The construct alarms are added to.
        sites: One placement and alert topic per region an alarm may live in.
    """

    def __init__(self, scope: Construct, sites: Mapping[str, tuple[Placement, AlertTopic]]) -> None:
        self._scope = scope
        self._sites = dict(sites)
        self.alarms: list[Alarm] = []

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
    ) -> Alarm:
        """An alarm in the region AWS publishes its metric in, notifying that region's topic.

        ``source``, ``destination`` and ``own`` are the regions the metric's dimensions
        stand for; the placement table picks the one that holds the metric.
        """
        row = placement(namespace, metric_name)
        if tuple(dimensions) != row.dimensions:
            raise AssertionError(f"{namespace}/{metric_name}: dimensions {tuple(dimensions)}")
        region = row.region(source=source, destination=destination, own=own)
        site, topic = self._sites[region]
        alarm = Alarm(
            self._scope,
            f"alarm-{purpose}-{region}",
            props=AlarmProps(
                placement=site,
                purpose=purpose,
                topic=topic,
                namespace=namespace,
                metric_name=metric_name,
                dimensions=dimensions,
                **props,
            ),
        )
        self.alarms.append(alarm)
        return alarm


def dnssec_alarms(sites: AlarmSites, zone: HostedZone) -> None:
    """Signing failures and keys needing action: either can fail the name in every region."""
    for purpose, metric, what in (
        ("dnssec-failure", "DNSSECInternalFailure", "is in INTERNAL_FAILURE"),
        ("dnssec-ksk-action", "DNSSECKeySigningKeysNeedingAction", "has a KSK in ACTION_NEEDED"),
    ):
        sites.alarm(
            purpose=purpose,
            description=(
                f"DNSSEC signing of {zone.zone_name} {what}: fix it before the signatures "
                "expire, or validating resolvers fail the API name in every region "
                "(docs/runbook.md, DNSSEC)."
            ),
            namespace="AWS/Route53",
            metric_name=metric,
            dimensions={"HostedZoneId": zone.zone_id},
            statistic="Sum",
            period_seconds=DNSSEC_PERIOD_SECONDS,
            threshold=0,
        )


def trail_delivery_alarms(sites: AlarmSites, trail: AuditTrail) -> None:
    """The trail stopped delivering: no log file announced, or no event reached its log group.

    Missing data is breaching: a stopped delivery publishes no data point at all.
    """
    for purpose, namespace, metric, dimensions, where in (
        (
            "trail-files",
            "AWS/SNS",
            "NumberOfMessagesPublished",
            {"TopicName": trail.delivery_topic_name},
            f"log files to its bucket (no notification on {trail.delivery_topic_name})",
        ),
        (
            "trail-logs",
            "AWS/Logs",
            "IncomingLogEvents",
            {"LogGroupName": trail.log_group_name},
            f"events to the log group {trail.log_group_name}",
        ),
    ):
        sites.alarm(
            own=trail.region,
            purpose=purpose,
            description=(
                f"CloudTrail {trail.trail_name} has delivered no {where} for an hour: the "
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
            treat_missing_data="breaching",
        )


def watch_alarms(sites: AlarmSites, footprints: Sequence[RegionalFootprint]) -> None:
    """Every region's failure alarmed in every other region, by that region's watcher.

    Missing data is breaching: a watcher that stopped publishing is reported too, by its
    own region (the peers' watchers keep watching that region).
    """
    for watcher in footprints:
        for watched in footprints:
            if watched is watcher:
                continue
            values = (watched.region, watcher.region)
            sites.alarm(
                own=watcher.region,
                purpose=f"watch-{watched.spec.short}",
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
                treat_missing_data="breaching",
            )
