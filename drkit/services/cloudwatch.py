"""CloudWatch: alarms that always notify their own region's topic, and dashboards."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from constructs import Construct

from drkit.aws import CloudwatchDashboard, CloudwatchMetricAlarm
from drkit.errors import SpecError
from drkit.regions import metrics
from drkit.regions.naming import ResourceType
from drkit.services.placement import Placement
from drkit.services.sns import TopicRef

COMPARISONS = (
    "GreaterThanThreshold",
    "GreaterThanOrEqualToThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
)


@attrs.frozen(kw_only=True)
class AlarmProps:
    """Props of :class:`Alarm`.

    Attributes:
        placement: Region, provider and naming; the metric must be published here.
        purpose: Names the alarm (``alarm-<purpose>-<region>-<suffix>``).
        description: What firing means and what to do.
        topic: Receives ALARM and OK notifications; must be in the alarm's region
            (CloudWatch cannot notify a topic in another region).
        namespace: Metric namespace.
        metric_name: Metric name.
        dimensions: Metric dimensions.
        statistic: Statistic over each period.
        period_seconds: Period length.
        evaluation_periods: Periods that must breach.
        threshold: The threshold, in the metric's unit.
        comparison: How the statistic is compared with the threshold.
        treat_missing_data: What a period without data counts as: the metric's row in
            ``drkit.regions.metrics`` says, never the caller.
    """

    placement: Placement
    purpose: str
    description: str
    topic: TopicRef
    namespace: str
    metric_name: str
    dimensions: Mapping[str, str]
    threshold: float
    statistic: str = "Maximum"
    period_seconds: int = 60
    evaluation_periods: int = 1
    comparison: str = "GreaterThanThreshold"

    @property
    def treat_missing_data(self) -> str:
        return metrics.placement(self.namespace, self.metric_name).missing_data.value

    def __attrs_post_init__(self) -> None:
        if self.topic.region != self.placement.region:
            raise SpecError(
                "topic",
                self.topic.region,
                f"a topic in the alarm's own region {self.placement.region}",
            )
        try:
            metrics.placement(self.namespace, self.metric_name)
        except KeyError:
            raise SpecError(
                "metric_name",
                f"{self.namespace}/{self.metric_name}",
                "a metric with a row in drkit/regions/metrics.py (where AWS publishes it, "
                "and what its missing data means)",
            ) from None
        if self.comparison not in COMPARISONS:
            raise SpecError("comparison", self.comparison, ", ".join(COMPARISONS))
        if self.period_seconds % 60 and self.period_seconds not in (10, 30):
            raise SpecError("period_seconds", self.period_seconds, "10, 30 or a multiple of 60")


class Alarm(Construct):
    """A metric alarm that notifies its region's topic on ALARM and on OK.

    Attributes:
        alarm_name: Its name.
        region: Its region.
    """

    def __init__(self, scope: Construct, id: str, *, props: AlarmProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.region = p.region
        self.alarm_name = p.name(ResourceType.ALARM, props.purpose)
        self.props = props
        self.resource = CloudwatchMetricAlarm(
            self,
            "resource",
            provider=p.provider,
            alarm_name=self.alarm_name,
            alarm_description=props.description,
            namespace=props.namespace,
            metric_name=props.metric_name,
            dimensions=dict(props.dimensions),
            statistic=props.statistic,
            period=props.period_seconds,
            evaluation_periods=props.evaluation_periods,
            threshold=props.threshold,
            comparison_operator=props.comparison,
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
