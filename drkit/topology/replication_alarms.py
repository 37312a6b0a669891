"""The alarm families on replication: AWS's own lag and failure metrics and the canary's.

Each family runs over every ordered pair of regions; the stack's ``AlarmSites`` keeps the
alarms whose metric its region holds (S3's lag in the destination, its failures in the
source, DynamoDB's lag in the region that took the write, the canary's in the receiving
region).
"""

from __future__ import annotations

import itertools

from drkit.regions import budget, metrics, names
from drkit.regions.region import RegionSpec
from drkit.regions.spec import DeploymentSpec
from drkit.services.cloudwatch import Condition
from drkit.services.s3_replication import rule_id
from drkit.topology.alarms import AlarmSites
from drkit_runtime.contract import CANARY_STORES, METRIC_DIMENSIONS, OBJECTS

#: Any object that failed to replicate, in a minute.
ANY_FAILED = Condition(statistic="Sum", threshold=0)
#: No heartbeat arriving for 9 periods of 10 s: fires within 110 s of the last arrival
#: (drkit.regions.budget.stall_alarmed_seconds; docs/budget.md says why this design).
STALLED = Condition(
    statistic="Sum",
    threshold=1,
    comparison="LessThanThreshold",
    period_seconds=budget.STALL_PERIOD_SECONDS,
    evaluation_periods=budget.STALL_SILENT_PERIODS,
)


def _pairs(deployment: DeploymentSpec) -> list[tuple[RegionSpec, RegionSpec]]:
    """Every (source, receiving) pair of regions."""
    return list(itertools.permutations(deployment.regions, 2))


def dynamodb_lag_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """ReplicationLatency of every table, per source and receiving region."""
    d = deployment
    lagging = Condition(
        statistic="Maximum",
        threshold=d.replication_lag_threshold_seconds * 1000,
        evaluation_periods=d.replication_alarm_evaluation_periods,
    )
    for purpose, table in names.TABLES.items():
        table_name = table(d.namer)
        for src, dst in _pairs(d):
            sites.alarm(
                metrics.DYNAMODB_REPLICATION_LATENCY,
                source=src.region,
                destination=dst.region,
                purpose=f"ddb-lag-{purpose}-{src.short}-to-{dst.short}",
                description=(
                    f"DynamoDB replication of {table_name} from {src.region} to "
                    f"{dst.region} lags more than {d.replication_lag_threshold_seconds} s "
                    f"(RPO target {d.rpo_target_seconds} s)."
                ),
                dimensions={"TableName": table_name, "ReceivingRegion": dst.region},
                condition=lagging,
            )


def s3_replication_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """Latency and failures of every replication rule."""
    d = deployment
    lagging = Condition(
        statistic="Maximum",
        threshold=d.rpo_target_seconds,
        evaluation_periods=d.replication_alarm_evaluation_periods,
    )
    for src, dst in _pairs(d):
        dims = {
            "SourceBucket": names.DATA_BUCKET(d.namer, src.region),
            "DestinationBucket": names.DATA_BUCKET(d.namer, dst.region),
            "RuleId": rule_id(dst.region),
        }
        pair = f"{src.short}-to-{dst.short}"
        sites.alarm(
            metrics.S3_REPLICATION_LATENCY,
            source=src.region,
            destination=dst.region,
            purpose=f"s3-lag-{pair}",
            description=(
                f"S3 replication from {src.region} to {dst.region} lags more than the RPO "
                f"target ({d.rpo_target_seconds} s); AWS only guarantees 15 minutes (RTC)."
            ),
            dimensions=dims,
            condition=lagging,
        )
        sites.alarm(
            metrics.S3_OPERATIONS_FAILED,
            source=src.region,
            destination=dst.region,
            purpose=f"s3-failed-{pair}",
            description=f"S3 objects failed to replicate from {src.region} to {dst.region}.",
            dimensions=dims,
            condition=ANY_FAILED,
        )


def canary_alarms(sites: AlarmSites, deployment: DeploymentSpec) -> None:
    """Measured lag and stalled arrivals of every store, per source and receiving region;
    a stopped source canary, for objects."""
    for source, receiving in _pairs(deployment):
        for store in CANARY_STORES:
            _canary_pair_alarms(sites, deployment, store, source, receiving)


def _canary_pair_alarms(
    sites: AlarmSites,
    deployment: DeploymentSpec,
    store: str,
    source: RegionSpec,
    receiving: RegionSpec,
) -> None:
    rpo = deployment.rpo_target_seconds
    dims = dict(zip(METRIC_DIMENSIONS, (store, source.region, receiving.region), strict=True))
    pair = f"{source.short}-to-{receiving.short}"
    regions = {"source": source.region, "destination": receiving.region}
    sites.alarm(
        metrics.CANARY_REPLICATION_LAG,
        **regions,
        purpose=f"canary-lag-{store}-{pair}",
        description=(
            f"Measured replication lag of {store} from {source.region} to "
            f"{receiving.region} exceeds the RPO target ({rpo} s)."
        ),
        dimensions=dims,
        condition=Condition(statistic="Maximum", threshold=rpo),
    )
    sites.alarm(
        metrics.CANARY_HEARTBEAT_ARRIVALS,
        **regions,
        purpose=f"canary-stall-{store}-{pair}",
        description=(
            f"No {store} heartbeat from {source.region} has arrived in {receiving.region} for "
            f"{budget.STALL_SILENT_PERIODS * budget.STALL_PERIOD_SECONDS} s (one is written "
            f"every {budget.CANARY_PERIOD_SECONDS} s): replication stalled, or a canary or "
            "the arrival path stopped. A fresh HeartbeatAge here means replication works and "
            "the stream mapping or the object-event rule does not."
        ),
        dimensions=dims,
        condition=STALLED,
    )
    if store == OBJECTS:
        # Read through the source's interface endpoint: no answer gives no data point,
        # which the stall alarm above already covers (missing data is not breaching here).
        stale = Condition(
            statistic="Maximum",
            threshold=rpo + budget.CANARY_PERIOD_SECONDS,
            evaluation_periods=budget.HEARTBEAT_EVALUATION_PERIODS,
        )
        sites.alarm(
            metrics.CANARY_SOURCE_HEARTBEAT_AGE,
            **regions,
            purpose=f"canary-source-{pair}",
            description=(
                f"The canary of {source.region} has not written its object there for more "
                f"than the RPO target plus one canary period (read from {receiving.region})."
            ),
            dimensions=dims,
            condition=stale,
        )
