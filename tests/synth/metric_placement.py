"""Checks of a synthesized stack against drkit.regions.metrics, from the JSON alone.

Each alarm's and each dashboard metric's dimensions are resolved to the regions they
stand for (a bucket name to its bucket's region, a function name to its function's,
``ReceivingRegion`` to itself) and compared with the region the table says AWS
publishes the metric in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from drkit.regions import metrics, names
from drkit.regions.metrics import Published, placement
from drkit_runtime.contract import PEER_HEALTHY, WATCH_NAMESPACE
from tests.helpers import logical_of, ref, region_of, resources, table_replicas

#: Dimension -> the role of the region it names.
ROLES = {
    "SourceBucket": "source",
    "DestinationBucket": "destination",
    "SourceRegion": "source",
    "ReceivingRegion": "destination",
    "FunctionName": "own",
    "QueueName": "own",
    "WatcherRegion": "own",
    "Region": "own",
    "TopicName": "own",
    "LogGroupName": "own",
    "ApiId": "own",
    "CertificateArn": "own",
    "BackupVaultName": "own",
}
#: Where one metric's dimension stands for another role than ROLES says: a copy job names
#: the vault it copies into.
ROLE_OVERRIDES = {("AWS/Backup", "NumberOfCopyJobsFailed", "BackupVaultName"): "destination"}


def _names(stack: dict[str, Any]) -> dict[str, str]:
    """Physical name -> region, for the resources whose names are metric dimensions."""
    found: dict[str, str] = {}
    for rtype, attribute in (
        ("aws_s3_bucket", "bucket"),
        ("aws_lambda_function", "function_name"),
        ("aws_sqs_queue", "name"),
        ("aws_sns_topic", "name"),
        ("aws_cloudwatch_log_group", "name"),
        ("aws_backup_vault", "name"),
    ):
        for body in resources(stack, rtype).values():
            found[body[attribute]] = region_of(stack, body)
    return found


def _region_named(stack: dict[str, Any], names: dict[str, str], value: str) -> str:
    """The region a dimension value stands for: a resource's (by name or reference) or itself."""
    if ref(value):
        rtype, logical, _ = ref(value)
        return region_of(stack, resources(stack, rtype)[logical])
    return names.get(value, value)


def allowed_regions(stack: dict[str, Any], namespace: str, metric: str, dims: dict) -> set[str]:
    """The regions in which AWS publishes ``namespace/metric`` with these dimensions."""
    row = placement(namespace, metric)  # KeyError: a metric with no rule in the table
    assert set(dims) == set(row.dimensions), (namespace, metric, dims)
    if row.published is Published.US_EAST_1:
        return {"us-east-1"}
    names = _names(stack)
    roles: dict[str, str] = {}
    for dimension, value in dims.items():
        role = ROLE_OVERRIDES.get((namespace, metric, dimension), ROLES.get(dimension))
        if role:
            roles[role] = _region_named(stack, names, value)
    wanted = row.published.value
    if wanted in roles:
        return {roles[wanted]}
    if "TableName" in dims:
        return _replica_regions(stack, row, dims, roles)
    # A copy job runs where its recovery point is: every region whose plan copies there.
    assert row.published is Published.SOURCE and "BackupVaultName" in dims, (namespace, metric)
    return _copying_regions(stack, dims["BackupVaultName"])


def _replica_regions(
    stack: dict[str, Any], row: metrics.MetricPlacement, dims: dict, roles: dict[str, str]
) -> set[str]:
    """DynamoDB names a table, not a region: each replica's region publishes its own (OWN);
    ReplicationLatency is in every replica's but the receiving one's (SOURCE)."""
    replicas = {region for region, name in table_replicas(stack) if name == dims["TableName"]}
    if row.published is Published.OWN:
        return replicas
    assert row.published is Published.SOURCE, row
    return replicas - {roles["destination"]}


def _copying_regions(stack: dict[str, Any], vault_name: str) -> set[str]:
    """The regions whose backup plan copies into the vault named ``vault_name``."""
    return {
        region_of(stack, plan)
        for plan in resources(stack, "aws_backup_plan").values()
        for rule in plan["rule"]
        for action in rule.get("copy_action", [])
        if action["destination_vault_arn"].endswith(f":backup-vault:{vault_name}")
    }


def widget_metrics(stack: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """``(widget region, namespace, metric, dimensions)`` of every metric on every dashboard."""
    for body in resources(stack, "aws_cloudwatch_dashboard").values():
        for widget in json.loads(body["dashboard_body"])["widgets"]:
            if widget["type"] != "metric":
                continue
            properties = widget["properties"]
            for line in properties["metrics"]:
                if not isinstance(line[0], str):  # a math expression
                    continue
                parts = [p for p in line if not isinstance(p, dict)]
                namespace, metric, *pairs = parts
                yield (
                    properties["region"],
                    namespace,
                    metric,
                    dict(zip(pairs[::2], pairs[1::2], strict=True)),
                )


def every_alarm_is_where_its_metric_is_published(spec, stack):
    """Every alarm sits in a region where AWS publishes its metric with its dimensions."""
    alarms = resources(stack, "aws_cloudwatch_metric_alarm")
    assert alarms
    for name, alarm in alarms.items():
        allowed = allowed_regions(
            stack, alarm["namespace"], alarm["metric_name"], alarm["dimensions"]
        )
        assert region_of(stack, alarm) in allowed, (name, region_of(stack, alarm), allowed)


def every_widget_metric_is_drawn_where_it_is_published(spec, stack):
    """Every dashboard metric is drawn in a widget of a region where AWS publishes it."""
    drawn = list(widget_metrics(stack))
    assert drawn
    for region, namespace, metric, dims in drawn:
        allowed = allowed_regions(stack, namespace, metric, dims)
        assert region in allowed, (namespace, metric, dims, region, allowed)


def every_alarm_notifies_its_own_regions_topic(spec, stack):
    """Every alarm's actions name a topic of its own region (CloudWatch cannot notify another)."""
    topics = resources(stack, "aws_sns_topic")
    for name, alarm in resources(stack, "aws_cloudwatch_metric_alarm").items():
        actions = [*alarm["alarm_actions"], *alarm["ok_actions"]]
        assert actions, name
        for action in actions:
            assert region_of(
                stack, topics[logical_of(stack, "aws_sns_topic", action)]
            ) == region_of(stack, alarm), name


def every_regions_failure_is_alarmed_from_another_region(spec, stack):
    """Each region's /health is alarmed by every other region's watcher (missing data breaching)."""
    alarms = resources(stack, "aws_cloudwatch_metric_alarm").values()
    for r in spec.regions:
        outside = [
            a
            for a in alarms
            if a["namespace"] == WATCH_NAMESPACE
            and a["metric_name"] == PEER_HEALTHY
            and a["dimensions"]["WatchedRegion"] == r.region
            and region_of(stack, a) != r.region
            and a["treat_missing_data"] == "breaching"
        ]
        assert outside, f"no alarm outside {r.region} on its failure"
        assert {region_of(stack, a) for a in outside} == {
            o.region for o in spec.regions if o is not r
        }


def every_alarm_treats_missing_data_as_its_metrics_row_says(spec, stack):
    """Breaching where silence means the thing watched stopped (health checks, heartbeats,
    watchers, trail delivery), not breaching where the metric is published only while
    something happens: the ``missing_data`` column of drkit/regions/metrics."""
    for name, alarm in resources(stack, "aws_cloudwatch_metric_alarm").items():
        row = metrics.placement(alarm["namespace"], alarm["metric_name"])
        assert alarm["treat_missing_data"] == row.missing_data.value, (name, row.missing_data_why)


def _kms_rules(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    calls = metrics.KEY_STATE_CALLS
    return {
        name: rule
        for name, rule in resources(stack, "aws_cloudwatch_event_rule").items()
        if json.loads(rule.get("event_pattern") or "{}").get("source") == [calls.event_source]
    }


def every_key_watch_is_where_its_key_is(spec, stack):
    """Each region's data key is watched by a rule in the key's region (EventBridge gets a
    key's calls in its region only: metrics.KEY_STATE_CALLS), publishing to that region's
    topic, which admits exactly that rule."""
    rules = _kms_rules(stack)
    watched = set()
    for name, rule in rules.items():
        region = region_of(stack, rule)
        pattern = json.loads(rule["event_pattern"])
        assert pattern["detail"]["eventName"] == list(metrics.KEY_STATE_CALLS.event_names)
        key_ids = pattern["detail"]["requestParameters"]["keyId"]
        keys = {ref(k)[1] for k in key_ids}
        assert len(keys) == 1 and {ref(k)[2] for k in key_ids} == {"key_id", "arn"}, key_ids
        (key,) = keys
        assert region_of(stack, resources(stack, "aws_kms_key")[key]) == region, name
        watched.add((region, key))
        _publishes_to_a_topic_admitting_it(stack, name, rule)
    data_keys = {
        (region_of(stack, a), ref(a["target_key_id"])[1])
        for a in resources(stack, "aws_kms_alias").values()
        if a["name"] in {names.DATA_KEY(spec.namer, r.region) for r in spec.regions}
    }
    assert watched == data_keys


def _publishes_to_a_topic_admitting_it(stack: dict[str, Any], name: str, rule: dict) -> None:
    (target,) = [
        t
        for t in resources(stack, "aws_cloudwatch_event_target").values()
        if ref(t["rule"])[1] == name
    ]
    topic = logical_of(stack, "aws_sns_topic", target["arn"])
    assert region_of(stack, resources(stack, "aws_sns_topic")[topic]) == region_of(stack, rule)
    (policy,) = [
        p
        for p in resources(stack, "aws_sns_topic_policy").values()
        if logical_of(stack, "aws_sns_topic", p["arn"]) == topic
    ]
    admitted = [
        s["Condition"]["ArnEquals"]["aws:SourceArn"]
        for s in json.loads(policy["policy"])["Statement"]
        if s.get("Principal") == {"Service": "events.amazonaws.com"}
    ]
    assert [a.rsplit("/", 1)[1] for a in admitted] == [rule["name"]], admitted


PLACEMENT_PROPERTIES = [
    every_alarm_treats_missing_data_as_its_metrics_row_says,
    every_alarm_is_where_its_metric_is_published,
    every_widget_metric_is_drawn_where_it_is_published,
    every_alarm_notifies_its_own_regions_topic,
    every_regions_failure_is_alarmed_from_another_region,
    every_key_watch_is_where_its_key_is,
]
