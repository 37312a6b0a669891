"""drkit's CloudWatch backend: an updated alarm keeps its state and its tags.

The gap and what is emulated: :mod:`drkit_emulator.cloudwatch`.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from moto.cloudwatch import urls
from moto.cloudwatch.models import Alarm, CloudWatchBackend

# What an update leaves as it was (the rest is the request's configuration).
_KEPT = (
    "state_value",
    "state_reason",
    "state_reason_data",
    "state_updated_timestamp",
    "history",  # moto records it but does not serve it (no DescribeAlarmHistory)
)


class DrkitCloudWatchBackend(CloudWatchBackend):
    """moto's CloudWatch backend whose ``PutMetricAlarm`` updates an alarm as AWS does."""

    @property
    def _url_module(self) -> ModuleType:
        # moto derives the URL module from the class's module; moto's routes fit as they are.
        return urls

    def put_metric_alarm(self, name: str, *args: Any, **kwargs: Any) -> Alarm:
        existing = self.alarms.get(name)
        if existing is None:
            return super().put_metric_alarm(name, *args, **kwargs)
        kwargs["tags"] = None  # AWS ignores Tags when the alarm exists
        alarm = super().put_metric_alarm(name, *args, **kwargs)
        for attribute in _KEPT:
            setattr(alarm, attribute, getattr(existing, attribute))
        return alarm
