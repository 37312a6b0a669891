"""Alarm and Dashboard: alarms notify a topic of their region; widgets name their region."""

from __future__ import annotations

import json

import pytest

from drkit.errors import SpecError
from drkit.services.cloudwatch import Alarm, AlarmProps, Dashboard, DashboardProps
from drkit.services.sns import AlertTopic, AlertTopicProps
from tests.helpers import only

pytestmark = pytest.mark.synth


def test_alarm_notifies_only_a_topic_in_its_region(h):
    """A topic of another region, an unknown comparison or a metric drkit has no row for is
    refused; alarm and OK both notify; missing data is what the metric's row says."""
    topic = AlertTopic(h.stack, "t", props=AlertTopicProps(placement=h["us-east-1"], key=h.key()))
    base = {
        "purpose": "x",
        "description": "d",
        "topic": topic,
        "namespace": "AWS/Lambda",
        "metric_name": "Errors",
        "dimensions": {},
        "threshold": 1,
    }
    with pytest.raises(SpecError, match="topic"):
        AlarmProps(placement=h["us-west-2"], **base)
    with pytest.raises(SpecError, match="comparison"):
        AlarmProps(placement=h["us-east-1"], comparison="Above", **base)
    with pytest.raises(SpecError, match=r"metric_name: 'N/M'"):
        AlarmProps(placement=h["us-east-1"], **{**base, "namespace": "N", "metric_name": "M"})
    Alarm(h.stack, "a", props=AlarmProps(placement=h["us-east-1"], **base))
    alarm = only(h.synth(), "aws_cloudwatch_metric_alarm")
    assert alarm["alarm_actions"] == alarm["ok_actions"] and len(alarm["ok_actions"]) == 1
    assert alarm["treat_missing_data"] == "notBreaching"


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
