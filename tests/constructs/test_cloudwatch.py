"""Alarm and Dashboard: alarms notify a topic of their region; widgets name their region."""

from __future__ import annotations

import json

import pytest

from drkit.errors import SpecError
from drkit.regions import metrics
from drkit.services.cloudwatch import Alarm, AlarmProps, Condition, Dashboard, DashboardProps
from drkit.services.sns import AlertTopic, AlertTopicProps
from tests.helpers import only

pytestmark = pytest.mark.synth


def test_alarm_notifies_only_a_topic_in_its_region(h):
    """A topic of another region, or dimensions other than the metric row's, are refused;
    alarm and OK both notify; missing data is what the metric's row says."""
    topic = AlertTopic(h.stack, "t", props=AlertTopicProps(placement=h["us-east-1"], key=h.key()))
    base = {
        "purpose": "x",
        "description": "d",
        "topic": topic.ref,
        "metric": metrics.LAMBDA_ERRORS,
        "dimensions": {"FunctionName": "f"},
        "condition": Condition(statistic="Sum", threshold=1),
    }
    with pytest.raises(SpecError, match="topic"):
        AlarmProps(placement=h["us-west-2"], **base)
    with pytest.raises(SpecError, match="dimensions"):
        AlarmProps(placement=h["us-east-1"], **{**base, "dimensions": {"QueueName": "q"}})
    Alarm(h.stack, "a", props=AlarmProps(placement=h["us-east-1"], **base))
    alarm = only(h.synth(), "aws_cloudwatch_metric_alarm")
    assert alarm["alarm_actions"] == alarm["ok_actions"] and len(alarm["ok_actions"]) == 1
    assert (alarm["namespace"], alarm["metric_name"]) == ("AWS/Lambda", "Errors")
    assert alarm["treat_missing_data"] == "notBreaching"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("comparison", "Above"),
        ("statistic", "p99.9x"),
        ("period_seconds", 45),
        ("evaluation_periods", 0),
    ],
)
def test_a_condition_cloudwatch_would_refuse_is_refused(field, value):
    """Comparisons, statistics, periods (10, 20, 30 or minutes) and evaluation periods are
    checked when the condition is made, naming the field."""
    good = {"statistic": "Sum", "threshold": 0}
    Condition(**good, period_seconds=10)
    Condition(**good, period_seconds=120)
    with pytest.raises(SpecError, match=field):
        Condition(**{**good, field: value})


def test_dashboard_widgets_name_their_region(h):
    """A widget without a region is refused; a widget keeps the region it names."""
    with pytest.raises(SpecError, match="region"):
        DashboardProps(
            placement=h["us-east-1"], purpose="d", widgets=[{"type": "metric", "properties": {}}]
        )
    Dashboard(
        h.stack,
        "d",
        props=DashboardProps(
            placement=h["us-east-1"],
            purpose="failover",
            widgets=[{"type": "metric", "properties": {"region": "us-west-2"}}],
        ),
    )
    body = json.loads(only(h.synth(), "aws_cloudwatch_dashboard")["dashboard_body"])
    assert body["widgets"][0]["properties"]["region"] == "us-west-2"
