"""CloudWatch: alarms that always notify their own region's topic, and dashboards."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from constructs import Construct

from drkit.aws import CloudwatchDashboard, CloudwatchMetricAlarm
from drkit.errors import SpecError
from drkit.regions.metrics import MetricPlacement
from drkit.regions.naming import ResourceType
from drkit.services.placement import Placement
from drkit.services.sns import TopicRef

COMPARISONS = (
    "GreaterThanThreshold",
    "GreaterThanOrEqualToThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
)
STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")


@attrs.frozen(kw_only=True)
class Condition:
    """When an alarm fires: a statistic of each period compared with a threshold.

    Attributes:
        statistic: Statistic over each period.
        threshold: The threshold, in the metric's unit.
        comparison: How the statistic is compared with the threshold.
        period_seconds: Period length: 10, 20 or 30 (high-resolution metrics only) or a
            multiple of 60.
        evaluation_periods: Consecutive periods that must breach.
    """

    statistic: str
    threshold: float
    comparison: str = "GreaterThanThreshold"
    period_seconds: int = 60
    evaluation_periods: int = 1

    def __attrs_post_init__(self) -> None:
        if self.statistic not in STATISTICS:
            raise SpecError("statistic", self.statistic, ", ".join(STATISTICS))
        if self.comparison not in COMPARISONS:
            raise SpecError("comparison", self.comparison, ", ".join(COMPARISONS))
        # PutMetricAlarm: "Valid values are 10, 20, 30, and any multiple of 60."
        if self.period_seconds % 60 and self.period_seconds not in (10, 20, 30):
            raise SpecError("period_seconds", self.period_seconds, "10, 20, 30 or a multiple of 60")
        if self.evaluation_periods < 1:
            raise SpecError("evaluation_periods", self.evaluation_periods, "1 or more")

    @property
    def window_seconds(self) -> int:
        """How long the metric must breach before the alarm fires."""
        return self.period_seconds * self.evaluation_periods


@attrs.frozen(kw_only=True)
class AlarmProps:
    """Props of :class:`Alarm`.

    Attributes:
        placement: Region, provider and naming; the metric must be published here.
        purpose: Names the alarm (``alarm-<purpose>-<region>-<suffix>``).
        description: What firing means and what to do.
        topic: Receives ALARM and OK notifications; must be in the alarm's region
            (CloudWatch cannot notify a topic in another region).
        metric: The metric's row in ``drkit.regions.metrics``.
        dimensions: Its dimensions, exactly the row's, in its order.
        condition: When it fires.
        treat_missing_data: What a period without data counts as: the metric's row in
            ``drkit.regions.metrics`` says, never the caller.
    """

    placement: Placement
    purpose: str
    description: str
    topic: TopicRef
    metric: MetricPlacement
    dimensions: Mapping[str, str]
    condition: Condition

    @property
    def treat_missing_data(self) -> str:
        return self.metric.missing_data.value

    def __attrs_post_init__(self) -> None:
        if self.topic.region != self.placement.region:
            raise SpecError(
                "topic",
                self.topic.region,
                f"a topic in the alarm's own region {self.placement.region}",
            )
        if tuple(self.dimensions) != self.metric.dimensions:
            raise SpecError(
                "dimensions",
                tuple(self.dimensions),
                f"{self.metric.name}'s {self.metric.dimensions} (drkit/regions/metrics)",
            )


class Alarm(Construct):
    """A metric alarm that notifies its region's topic on ALARM and on OK.

    Attributes:
        alarm_name: Its name.
        region: Its region.
    """

    def __init__(self, scope: Construct, id: str, *, props: AlarmProps) -> None:
        super().__init__(scope, id)
        p, c = props.placement, props.condition
        self.region = p.region
        self.alarm_name = p.name(ResourceType.ALARM, props.purpose)
        self.props = props
        self.resource = CloudwatchMetricAlarm(
            self,
            "resource",
            provider=p.provider,
            alarm_name=self.alarm_name,
            alarm_description=props.description,
            namespace=props.metric.namespace,
            metric_name=props.metric.metric_name,
            dimensions=dict(props.dimensions),
            statistic=c.statistic,
            period=c.period_seconds,
            evaluation_periods=c.evaluation_periods,
            threshold=c.threshold,
            comparison_operator=c.comparison,
            treat_missing_data=props.treat_missing_data,
            alarm_actions=[props.topic.topic_arn],
            ok_actions=[props.topic.topic_arn],
            tags=p.tagged(self.alarm_name),
        )


@attrs.frozen(kw_only=True)
class DashboardProps:
    """Props of :class:`Dashboard`.

    Attributes:
        placement: Provider and naming (dashboards are global; widgets name their regions).
        purpose: Names the dashboard.
        widgets: CloudWatch dashboard widgets; each metric widget sets ``region``.
    """

    placement: Placement
    purpose: str
    widgets: Sequence[Mapping[str, Any]]

    def __attrs_post_init__(self) -> None:
        for i, widget in enumerate(self.widgets):
            if widget.get("type") == "metric" and "region" not in widget.get("properties", {}):
                raise SpecError(
                    f"widgets[{i}].properties.region", None, "the region the metrics come from"
                )


class Dashboard(Construct):
    """A CloudWatch dashboard.

    Attributes:
        dashboard_name: Its name.
    """

    def __init__(self, scope: Construct, id: str, *, props: DashboardProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        # Deployment-wide: one of each dashboard, whichever region holds it.
        self.dashboard_name = p.namer(ResourceType.DASHBOARD, props.purpose)
        self.widgets = list(props.widgets)
        self.resource = CloudwatchDashboard(
            self,
            "resource",
            provider=p.provider,
            dashboard_name=self.dashboard_name,
            dashboard_body=json.dumps({"widgets": self.widgets}, separators=(",", ":")),
        )
