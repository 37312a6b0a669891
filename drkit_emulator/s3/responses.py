"""drkit's S3 request handler: complete notification and replication configuration answers.

The gap and what is emulated: :mod:`drkit_emulator.s3`.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.s3.exceptions import ReplicationConfigurationNotFoundError
from moto.s3.responses import S3Response

# Rule members returned as stored, in the API's order.
_RULE_MEMBERS = (
    "ID",
    "Priority",
    "Prefix",
    "Filter",
    "Status",
    "SourceSelectionCriteria",
    "ExistingObjectReplication",
    "Destination",
    "DeleteMarkerReplication",
)


def _blank_to_empty(value: Any) -> Any:
    """xmltodict reads ``<Prefix/>`` as ``None``; S3 means the empty string."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return {k: _blank_to_empty(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_to_empty(v) for v in value]
    return value


def replication_rule(stored: dict[str, Any]) -> dict[str, Any]:
    """A replication rule as ``GetBucketReplication`` returns it, from the rule as put."""
    rule = {k: _blank_to_empty(stored[k]) for k in _RULE_MEMBERS if k in stored}
    if "Prefix" not in rule:
        rule.setdefault("Filter", {"Prefix": ""})
    rule.setdefault("DeleteMarkerReplication", {"Status": "Disabled"})
    return rule


class DrkitS3Response(S3Response):
    """moto's S3 handler, answering in full what notification and replication configs hold."""

    def get_bucket_notification(self) -> Any:
        configuration = self.backend.get_bucket_notification_configuration(self.bucket_name)
        if configuration is None or configuration.event_bridge is None:
            return super().get_bucket_notification()
        result: dict[str, Any] = {
            "TopicConfigurations": [_notification(t, "TopicArn") for t in configuration.topic],
            "QueueConfigurations": [_notification(q, "QueueArn") for q in configuration.queue],
            "LambdaFunctionConfigurations": [
                _notification(f, "LambdaFunctionArn") for f in configuration.cloud_function
            ],
            "EventBridgeConfiguration": {},
        }
        self.data["Action"] = "GetBucketNotificationConfiguration"
        return self.serialized(ActionResult(result))

    def get_bucket_replication(self) -> Any:
        self.data["Action"] = "GetBucketReplication"
        replication = self.backend.get_bucket_replication(self.bucket_name)
        if not replication:
            raise ReplicationConfigurationNotFoundError(bucket_name=self.bucket_name)
        return self.serialized(
            ActionResult(
                {
                    "ReplicationConfiguration": {
                        "Role": replication["Role"],
                        "Rules": [replication_rule(r) for r in replication["Rule"]],
                    }
                }
            )
        )


def _notification(item: Any, arn_key: str) -> dict[str, Any]:
    # As moto builds them (its helper is local to its method).
    config: dict[str, Any] = {"Id": item.id, arn_key: item.arn, "Events": item.events}
    if item.filters:
        config["Filter"] = {"Key": {"FilterRules": item.filters["S3Key"]["FilterRule"]}}
    return config
