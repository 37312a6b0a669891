"""Publishing lag observations to CloudWatch in as few PutMetricData calls as allowed.

Every ReplicationLag observation is a heartbeat that arrived, so each one is also counted
as a HeartbeatArrivals point at high resolution (StorageResolution 1): a standard metric
keeps one-minute data only, and the stack's stall alarm judges 10-second periods.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from drkit_runtime.contract import HEARTBEAT_ARRIVALS, REPLICATION_LAG
from drkit_runtime.lag import Observation

# PutMetricData took at most 20 data points per call for years; the limit is higher now, but
# a canary publishes a handful per run, so staying at 20 costs nothing and works everywhere.
MAX_DATA_PER_CALL = 20


def metric_data(observations: Sequence[Observation], *, at_epoch_s: float) -> list[dict[str, Any]]:
    """PutMetricData entries: each observation in Seconds, then one arrival (Count, 1 s
    resolution) per ReplicationLag; dimensions Store/SourceRegion/ReceivingRegion."""
    timestamp = datetime.fromtimestamp(at_epoch_s, tz=UTC)
    measured = [
        {
            "MetricName": o.metric,
            "Dimensions": o.dimensions(),
            "Timestamp": timestamp,
            "Value": o.seconds,
            "Unit": "Seconds",
        }
        for o in observations
    ]
    arrivals = [
        {
            "MetricName": HEARTBEAT_ARRIVALS,
            "Dimensions": o.dimensions(),
            "Timestamp": timestamp,
            "Value": 1,
            "Unit": "Count",
            "StorageResolution": 1,
        }
        for o in observations
        if o.metric == REPLICATION_LAG
    ]
    return measured + arrivals


def publish(
    cloudwatch: Any, *, namespace: str, observations: Sequence[Observation], at_epoch_s: float
) -> int:
    """Send every observation, in batches; returns the number of PutMetricData calls."""
    data = metric_data(observations, at_epoch_s=at_epoch_s)
    calls = 0
    for start in range(0, len(data), MAX_DATA_PER_CALL):
        cloudwatch.put_metric_data(
            Namespace=namespace, MetricData=data[start : start + MAX_DATA_PER_CALL]
        )
        calls += 1
    return calls
