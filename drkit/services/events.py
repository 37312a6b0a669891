"""EventBridge: the canary's schedule and the replica arrivals it measures; the watches on
the region's key and on the break-glass role."""

from __future__ import annotations

import json

import attrs
from constructs import Construct

from drkit.aws import (
    CloudwatchEventRule,
    CloudwatchEventTarget,
    CloudwatchEventTargetInputTransformer,
    LambdaPermission,
)
from drkit.errors import SpecError
from drkit.regions import metrics, names
from drkit.regions.names import Name
from drkit.services.kms import EncryptionKey
from drkit.services.lambda_ import RegionalFunction
from drkit.services.placement import Placement
from drkit.services.s3 import DataBucket
from drkit.services.sns import AlertTopic, Publisher
from drkit_runtime.contract import CANARY_OBJECT_PREFIX


@attrs.frozen(kw_only=True)
class FunctionTriggerProps:
    """Props of :class:`FunctionTrigger`.

    Attributes:
        placement: Region, provider and naming.
        name: The rule's name (``drkit.regions.names``).
        function: The target function; same region.
        schedule_expression: e.g. ``rate(1 minute)`` (set this or ``event_pattern``).
        event_pattern: An EventBridge pattern.
    """

    placement: Placement
    name: Name
    function: RegionalFunction
    schedule_expression: str | None = None
    event_pattern: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.schedule_expression is None) == (self.event_pattern is None):
            raise ValueError("a trigger has a schedule or an event pattern, not both")


class FunctionTrigger(Construct):
    """An EventBridge rule invoking a function's alias (asynchronously: failures go to its
    DLQ)."""

    def __init__(self, scope: Construct, id: str, *, props: FunctionTriggerProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        name = p.named(props.name)
        purpose = props.name.purpose
        self.resource = CloudwatchEventRule(
            self,
            "resource",
            provider=p.provider,
            name=name,
            description=f"drkit {purpose}, {p.region}",
            schedule_expression=props.schedule_expression,
            event_pattern=props.event_pattern,
            tags=p.tagged(name),
        )
        CloudwatchEventTarget(
            self,
            "target",
            provider=p.provider,
            rule=self.resource.name,
            arn=props.function.alias_arn,
        )
        LambdaPermission(
            self,
            "permission",
            provider=p.provider,
            statement_id=f"AllowEventBridge-{purpose}",
            action="lambda:InvokeFunction",
            function_name=props.function.function_name,
            qualifier=props.function.alias_name,
            principal="events.amazonaws.com",
            source_arn=self.resource.arn,
            depends_on=[props.function.alias],
        )


def replica_arrival_pattern(bucket: DataBucket) -> str:
    """Objects written under the canary prefix of ``bucket``, replicas from other regions too."""
    return json.dumps(
        {
            "source": ["aws.s3"],
            "detail-type": ["Object Created"],
            "detail": {
                "bucket": {"name": [bucket.bucket_name]},
                "object": {"key": [{"prefix": CANARY_OBJECT_PREFIX}]},
            },
        },
        separators=(",", ":"),
    )


@attrs.frozen(kw_only=True)
class KeyStateWatchProps:
    """Props of :class:`KeyStateWatch`.

    Attributes:
        placement: The key's region, provider and naming.
        key: The key watched.
        topic: The region's alert topic the rule publishes to.
    """

    placement: Placement
    key: EncryptionKey
    topic: AlertTopic

    def __attrs_post_init__(self) -> None:
        where = metrics.KEY_STATE_CALLS.region(own=self.key.region)
        if where != self.placement.region or self.topic.region != where:
            raise SpecError(
                "placement",
                (self.placement.region, self.topic.region),
                f"the key's region {where}, where EventBridge receives its calls",
            )


class KeyStateWatch(Construct):
    """A rule on CloudTrail's record of a call that disables the key or schedules its
    deletion (each would stop, then destroy, the region's data), publishing a sentence
    to the region's alert topic.

    Attributes:
        rule_arn: The rule's ARN (from its name: the topic's and the key's policies name it,
            and the rule's pattern names the key, so a reference would be a cycle).
    """

    def __init__(self, scope: Construct, id: str, *, props: KeyStateWatchProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.rule_arn = p.arn(names.KEY_WATCH)
        self.resource = _alert_rule(
            self,
            p,
            names.KEY_WATCH,
            sid="KeyWatchOfThisRegion",
            description=f"drkit: the key of {p.region} disabled or scheduled for deletion",
            pattern=key_state_pattern(props.key),
            topic=props.topic,
            message=(KEY_STATE_FIELDS, KEY_STATE_MESSAGE),
        )


@attrs.frozen(kw_only=True)
class BreakGlassWatchProps:
    """Props of :class:`BreakGlassWatch`.

    Attributes:
        placement: The region watched, its provider and naming.
        role_arn: The break-glass role.
        topic: The region's alert topic.
    """

    placement: Placement
    role_arn: str
    topic: AlertTopic

    def __attrs_post_init__(self) -> None:
        where = metrics.BREAK_GLASS_USE.region(own=self.placement.region)
        if self.topic.region != where:
            raise SpecError("topic", self.topic.region, f"the watched region {where}")


class BreakGlassWatch(Construct):
    """A rule on CloudTrail's record of every assumption of the break-glass role served in
    this region (STS records a call where it serves it: metrics.BREAK_GLASS_USE), publishing
    who and when to the region's alert topic: each use of PHI access is seen at once."""

    def __init__(self, scope: Construct, id: str, *, props: BreakGlassWatchProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.rule_arn = p.arn(names.BREAK_GLASS_WATCH)
        self.resource = _alert_rule(
            self,
            p,
            names.BREAK_GLASS_WATCH,
            sid="BreakGlassWatchOfThisRegion",
            description=f"drkit: the break-glass role assumed through STS in {p.region}",
            pattern=break_glass_pattern(props.role_arn),
            topic=props.topic,
            message=(BREAK_GLASS_FIELDS, BREAK_GLASS_MESSAGE),
        )


def _alert_rule(
    scope: Construct,
    p: Placement,
    name: Name,
    *,
    sid: str,
    description: str,
    pattern: str,
    topic: AlertTopic,
    message: tuple[dict[str, str], str],
) -> CloudwatchEventRule:
    """A rule publishing ``message`` (input paths, template) to ``topic``, which admits it."""
    rule_arn = p.arn(name)
    topic.allow_publisher(
        Publisher(
            sid=sid,
            service="events.amazonaws.com",
            conditions={
                "StringEquals": {"aws:SourceAccount": p.account.account_id},
                "ArnEquals": {"aws:SourceArn": rule_arn},
            },
        )
    )
    rule = CloudwatchEventRule(
        scope,
        "resource",
        provider=p.provider,
        name=p.named(name),
        description=description,
        event_pattern=pattern,
        tags=p.tagged(p.named(name)),
    )
    CloudwatchEventTarget(
        scope,
        "target",
        provider=p.provider,
        rule=rule.name,
        arn=topic.topic_arn,
        input_transformer=CloudwatchEventTargetInputTransformer(
            input_paths=message[0], input_template=message[1]
        ),
    )
    return rule


#: What the alert says: the call, the key, who, when (CloudTrail's fields).
KEY_STATE_FIELDS = {
    "call": "$.detail.eventName",
    "key": "$.detail.requestParameters.keyId",
    "caller": "$.detail.userIdentity.arn",
    "region": "$.region",
    "time": "$.time",
}
KEY_STATE_MESSAGE = (
    '"drkit: <call> on KMS key <key> in <region> by <caller> at <time>. A disabled key stops '
    "every read and write of the region's data; a key scheduled for deletion destroys it when "
    'the waiting period ends: aws kms enable-key / cancel-key-deletion (docs/runbook.md)."'
)


def key_state_pattern(key: EncryptionKey) -> str:
    """DisableKey or ScheduleKeyDeletion of ``key``, named by its id or its ARN."""
    return cloudtrail_call_pattern(
        metrics.KEY_STATE_CALLS, "kms.amazonaws.com", {"keyId": [key.key_id, key.key_arn]}
    )


#: What the break-glass alert says (CloudTrail's fields of the AssumeRole call).
BREAK_GLASS_FIELDS = {
    "caller": "$.detail.userIdentity.arn",
    "session": "$.detail.requestParameters.roleSessionName",
    "region": "$.region",
    "time": "$.time",
}
BREAK_GLASS_MESSAGE = (
    '"drkit: the break-glass role was assumed by <caller> (session <session>) in <region> at '
    "<time>. It reads patient records: confirm the emergency with the person, and review the "
    'session in CloudTrail (docs/runbook.md, Break-glass access)."'
)


def break_glass_pattern(role_arn: str) -> str:
    """Every AssumeRole of ``role_arn``, whoever calls it."""
    return cloudtrail_call_pattern(
        metrics.BREAK_GLASS_USE, "sts.amazonaws.com", {"roleArn": [role_arn]}
    )


def cloudtrail_call_pattern(
    kind: metrics.EventPlacement, service: str, parameters: dict[str, list[str]]
) -> str:
    """CloudTrail's record of ``kind``'s calls to ``service`` with these request parameters."""
    return json.dumps(
        {
            "source": [kind.event_source],
            "detail-type": [kind.detail_type],
            "detail": {
                "eventSource": [service],
                "eventName": list(kind.event_names),
                "requestParameters": parameters,
            },
        },
        separators=(",", ":"),
    )
