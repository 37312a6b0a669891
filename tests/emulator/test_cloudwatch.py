"""The CloudWatch extension: PutMetricAlarm on an existing alarm updates it as AWS does."""

from __future__ import annotations

from typing import Any

from drkit_emulator.runner import Emulator


def put_alarm(cloudwatch: Any, name: str, threshold: float, **extra: Any) -> None:
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        Namespace="DrKit/Replication",
        MetricName="LagSeconds",
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=threshold,
        ComparisonOperator="GreaterThanThreshold",
        **extra,
    )


def test_an_updated_alarm_keeps_its_state_and_takes_the_new_configuration(
    aws: Emulator, unique_name: str
) -> None:
    cloudwatch = aws.client("cloudwatch", "us-west-2")
    put_alarm(cloudwatch, unique_name, 60.0, Dimensions=[{"Name": "Region", "Value": "a"}])
    cloudwatch.set_alarm_state(AlarmName=unique_name, StateValue="ALARM", StateReason="rehearsal")
    before = cloudwatch.describe_alarms(AlarmNames=[unique_name])["MetricAlarms"][0]

    put_alarm(cloudwatch, unique_name, 120.0, Dimensions=[{"Name": "Region", "Value": "b"}])
    (after,) = cloudwatch.describe_alarms(AlarmNames=[unique_name])["MetricAlarms"]
    assert after["Threshold"] == 120.0
    assert after["Dimensions"] == [{"Name": "Region", "Value": "b"}]
    assert after["StateValue"] == "ALARM" and after["StateReason"] == "rehearsal"
    assert after["StateUpdatedTimestamp"] == before["StateUpdatedTimestamp"]
    assert (
        after["AlarmConfigurationUpdatedTimestamp"] >= before["AlarmConfigurationUpdatedTimestamp"]
    )


def test_tags_are_taken_when_an_alarm_is_created_and_ignored_when_it_is_updated(
    aws: Emulator, unique_name: str
) -> None:
    cloudwatch = aws.client("cloudwatch", "us-west-2")
    put_alarm(cloudwatch, unique_name, 1.0, Tags=[{"Key": "env", "Value": "dev"}])
    arn = cloudwatch.describe_alarms(AlarmNames=[unique_name])["MetricAlarms"][0]["AlarmArn"]
    put_alarm(cloudwatch, unique_name, 2.0, Tags=[{"Key": "env", "Value": "prod"}])
    assert cloudwatch.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "env", "Value": "dev"}
    ]
    cloudwatch.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "prod"}])
    assert cloudwatch.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "env", "Value": "prod"}
    ]
