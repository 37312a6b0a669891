"""KMS: one customer-managed key per region, rotated yearly, with an explicit key policy.

The policy starts with key administration, use through this region's AWS
services by the account, and the CloudWatch Logs and CloudWatch alarm service
principals. The roles that use the key (functions, replication, backup, the
operator) are named by :meth:`EncryptionKey.allow`, with the key-policy halves
of the grants computed by ``drkit.access`` (their roles live in the IAM stack);
service principals by :meth:`EncryptionKey.grant_service`. The policy is
rendered at synth, so statements added later land in the same document (the
aws-cdk-lib ``Lazy`` idiom).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from constructs import Construct

from drkit import iam
from drkit.access.keys import ENCRYPT_DECRYPT, via_services
from drkit.aws import KmsAlias, KmsKey
from drkit.errors import SpecError
from drkit.regions.names import DATA_KEY, Name
from drkit.services.placement import Placement
from drkit.services.policy import PolicyDocument

ADMIN_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)
# Services that encrypt this deployment's data with the key on a caller's behalf.
KEY_USING_SERVICES = ("dynamodb", "s3", "sqs", "sns", "lambda", "backup", "ssm")


def administration(placement: Placement) -> iam.Statement:
    """The account administers the key (explicit actions; none of them uses the key)."""
    return iam.Statement(
        sid="KeyAdministration",
        principals={"AWS": (placement.account.root_arn,)},
        actions=ADMIN_ACTIONS,
        resources=("*",),
        resource_policy=True,
    )


@attrs.frozen(kw_only=True)
class EncryptionKeyProps:
    """Props of :class:`EncryptionKey`.

    Attributes:
        placement: Region, provider and naming.
        name: The alias's name (``alias/kms-<purpose>-<region>-<suffix>``).
        rotation_period_days: Automatic rotation period (KMS allows 90-2560).
        deletion_window_days: Waiting period before deletion (KMS allows 7-30);
            short by default so test deployments clean up.
    """

    placement: Placement
    name: Name = DATA_KEY
    rotation_period_days: int = 365
    deletion_window_days: int = 7

    def __attrs_post_init__(self) -> None:
        if not 90 <= self.rotation_period_days <= 2560:
            raise SpecError(
                "rotation_period_days", self.rotation_period_days, "90 to 2560 (KMS's range)"
            )
        if not 7 <= self.deletion_window_days <= 30:
            raise SpecError(
                "deletion_window_days", self.deletion_window_days, "7 to 30 (KMS's range)"
            )


class EncryptionKey(Construct):
    """A customer-managed, yearly-rotated KMS key for one region.

    Attributes:
        key_arn: The key's ARN.
        key_id: The key's id.
        alias_name: ``alias/kms-<purpose>-<region>-<suffix>``.
        region: The key's region; resources it encrypts must be in the same one.
    """

    def __init__(self, scope: Construct, id: str, *, props: EncryptionKeyProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.region = p.region
        self._policy = PolicyDocument(_base_statements(p))
        self.alias_name = props.name(p.namer, p.region)
        self.resource = KmsKey(
            self,
            "resource",
            provider=p.provider,
            description=f"drkit {props.name.purpose} key, {p.region}",
            enable_key_rotation=True,
            rotation_period_in_days=props.rotation_period_days,
            deletion_window_in_days=props.deletion_window_days,
            policy=self._policy.rendered(),
            tags=p.tagged(self.alias_name.removeprefix("alias/")),
        )
        KmsAlias(
            self,
            "alias",
            provider=p.provider,
            name=self.alias_name,
            target_key_id=self.resource.key_id,
        )
        self.key_arn: str = self.resource.arn
        self.key_id: str = self.resource.key_id

    @property
    def statements(self) -> tuple[iam.Statement, ...]:
        return self._policy.statements

    def allow(self, statements: Iterable[iam.Statement]) -> None:
        """Add statements to the key policy (each names its principal)."""
        for statement in statements:
            self._policy.add(statement)

    def grant_service(
        self,
        sid: str,
        service_principal: str,
        actions: Iterable[str],
        conditions: Mapping[str, Any],
    ) -> None:
        """Let an AWS service principal use the key, under conditions naming this deployment."""
        self._policy.add(
            iam.Statement(
                sid=sid,
                principals={"Service": (service_principal,)},
                actions=tuple(actions),
                resources=("*",),
                conditions=conditions,
                resource_policy=True,
            )
        )


def _base_statements(p: Placement) -> tuple[iam.Statement, ...]:
    """Administration, the account's use through regional services, logs and alarms."""
    return (
        administration(p),
        iam.Statement(
            sid="AccountUseThroughRegionalServices",
            principals={"AWS": (p.account.root_arn,)},
            actions=(*ENCRYPT_DECRYPT, "kms:CreateGrant", "kms:GenerateDataKeyWithoutPlaintext"),
            resources=("*",),
            conditions={
                "StringEquals": {
                    "kms:CallerAccount": p.account.account_id,
                    "kms:ViaService": via_services(KEY_USING_SERVICES, p.region),
                }
            },
            resource_policy=True,
        ),
        iam.Statement(
            sid="CloudWatchLogsEncryption",
            principals={"Service": (f"logs.{p.region}.amazonaws.com",)},
            actions=(*ENCRYPT_DECRYPT, "kms:GenerateDataKeyWithoutPlaintext"),
            resources=("*",),
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": p.account.arn(
                        "logs", p.region, "log-group:*"
                    )
                }
            },
            resource_policy=True,
        ),
        # Alarms of this account and region publish to the region's encrypted SNS topic.
        iam.Statement(
            sid="CloudWatchAlarmsToEncryptedTopics",
            principals={"Service": ("cloudwatch.amazonaws.com",)},
            actions=("kms:Decrypt", "kms:GenerateDataKey"),
            resources=("*",),
            conditions={
                "StringEquals": {"aws:SourceAccount": p.account.account_id},
                "ArnLike": {"aws:SourceArn": p.account.arn("cloudwatch", p.region, "alarm:*")},
            },
            resource_policy=True,
        ),
    )
