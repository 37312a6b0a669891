"""EventBridge: the canary's one-minute schedule and the replica-arrival events it measures."""

from __future__ import annotations

import json

import attrs
from constructs import Construct

from drkit.aws import CloudwatchEventRule, CloudwatchEventTarget, LambdaPermission
from drkit.regions.names import Name
from drkit.services.lambda_ import RegionalFunction
from drkit.services.placement import Placement
from drkit.services.s3 import DataBucket
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
    """An EventBridge rule invoking a function (asynchronously: failures go to its DLQ)."""

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
            arn=props.function.function_arn,
        )
        LambdaPermission(
            self,
            "permission",
            provider=p.provider,
            statement_id=f"AllowEventBridge-{purpose}",
            action="lambda:InvokeFunction",
            function_name=props.function.function_name,
            principal="events.amazonaws.com",
            source_arn=self.resource.arn,
            depends_on=[props.function.resource],
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
