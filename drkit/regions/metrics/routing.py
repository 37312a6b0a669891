"""Rows of the metrics that watch the failover path: Route 53's and the watchers'."""

from __future__ import annotations

from drkit.regions.metrics.rules import MetricPlacement, MissingData, Published
from drkit_runtime import contract

_ROUTE53_HEALTH = (
    "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html"
)
_ROUTE53_ZONES = (
    "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
    "monitoring-hosted-zones-with-cloudwatch.html"
)
_SIGNED = "published for a zone while it is signed; before signing is on there is none"
_WATCH = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html"
    " (metrics exist only in the Region in which they are created); published by"
    " drkit_runtime.watcher in the watcher's region (WatcherRegion)"
)

HEALTH_CHECK_STATUS = MetricPlacement(
    namespace="AWS/Route53",
    metric_name="HealthCheckStatus",
    dimensions=("HealthCheckId",),
    published=Published.US_EAST_1,
    source=_ROUTE53_HEALTH,
    missing_data=MissingData.BREACHING,
    missing_data_why=(
        "a health check that stops reporting has not shown the region healthy; not breaching,"
        " the alarm would stay OK through the outage it exists for"
    ),
)
DNSSEC_INTERNAL_FAILURE = MetricPlacement(
    namespace="AWS/Route53",
    metric_name="DNSSECInternalFailure",
    dimensions=("HostedZoneId",),
    published=Published.US_EAST_1,
    source=_ROUTE53_ZONES,
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why=_SIGNED,
)
DNSSEC_KSKS_NEEDING_ACTION = MetricPlacement(
    namespace="AWS/Route53",
    metric_name="DNSSECKeySigningKeysNeedingAction",
    dimensions=("HostedZoneId",),
    published=Published.US_EAST_1,
    source=_ROUTE53_ZONES,
    missing_data=MissingData.NOT_BREACHING,
    missing_data_why=_SIGNED,
)
PEER_HEALTHY = MetricPlacement(
    namespace=contract.WATCH_NAMESPACE,
    metric_name=contract.PEER_HEALTHY,
    dimensions=tuple(contract.WATCH_DIMENSIONS),
    published=Published.OWN,
    source=_WATCH,
    missing_data=MissingData.BREACHING,
    missing_data_why=(
        "the watcher publishes every minute: silence means it stopped, and the peer's health "
        "is unknown"
    ),
)

ROWS: tuple[MetricPlacement, ...] = (
    HEALTH_CHECK_STATUS,
    DNSSEC_INTERNAL_FAILURE,
    DNSSEC_KSKS_NEEDING_ACTION,
    PEER_HEALTHY,
)
