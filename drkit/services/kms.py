"""KMS: one customer-managed key per region, rotated yearly, with an explicit key policy.

The policy starts with key administration, use through this region's AWS
services by the account, and the CloudWatch Logs and CloudWatch alarm service
principals. Roles that use the key directly (Lambda, replication, operator) are
granted by name with :meth:`EncryptionKey.grant`, which other constructs call
after they exist; the policy is rendered at synth, so grants made later land in
the same document (the aws-cdk-lib ``key.grant*`` idiom).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs
from constructs import Construct

from drkit import iam
from drkit.aws import KmsAlias, KmsKey
from drkit.errors import SpecError
from drkit.regions.naming import ResourceType
from drkit.services.iam import RolePolicy
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
ENCRYPT_DECRYPT = (
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
)
DECRYPT = ("kms:Decrypt", "kms:DescribeKey")
ENCRYPT = ("kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey")
# Services that encrypt this deployment's data with the key on a caller's behalf.
KEY_USING_SERVICES = ("dynamodb", "s3", "sqs", "sns", "lambda", "backup", "ssm")


@attrs.frozen
class KeyUse:
    """The KMS actions a caller needs on the key of what it calls through one service.

    Attributes:
        reads: For calls that only read (decrypt what the service stored).
        writes: For calls that store new data.
        source: The AWS page that says so.
    """

    reads: tuple[str, ...]
    writes: tuple[str, ...]
    source: str


#: Service -> what its callers need on a customer-managed key. The emulator does not
#: check any of this; AWS does, per these pages.
KEY_USE: Mapping[str, KeyUse] = MappingProxyType(
    {
        # "When you access an encrypted DynamoDB table, DynamoDB needs to decrypt the table
        # key ... The user is the principal in your AWS account who is accessing the table."
        "dynamodb": KeyUse(
            reads=("kms:Decrypt",),
            writes=("kms:Decrypt",),
            source="https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html",
        ),
        # Uploading an SSE-KMS object needs kms:GenerateDataKey, downloading kms:Decrypt.
        "s3": KeyUse(
            reads=("kms:Decrypt",),
            writes=("kms:GenerateDataKey",),
            source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
        ),
        # Reading a SecureString with decryption needs kms:Decrypt on its key.
        "ssm": KeyUse(
            reads=("kms:Decrypt",),
            writes=("kms:Encrypt",),
            source="https://docs.aws.amazon.com/systems-manager/latest/userguide/"
            "secure-string-parameter-kms-encryption.html",
        ),
        # Producers of an SSE-KMS queue need kms:GenerateDataKey and kms:Decrypt.
        "sqs": KeyUse(
            reads=("kms:Decrypt",),
            writes=("kms:Decrypt", "kms:GenerateDataKey"),
            source="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
            "sqs-key-management.html",
        ),
    }
)
#: Data actions that store something (everything else a function calls only reads).
WRITE_ACTIONS = frozenset(
    {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "s3:PutObject",
        "ssm:PutParameter",
        "sqs:SendMessage",
    }
)


def key_actions(service: str, actions: Iterable[str]) -> tuple[str, ...]:
    """What calling ``actions`` of ``service`` needs on the data's key (sorted; maybe none)."""
    use = KEY_USE.get(service)
    if use is None:
        return ()
    needed: set[str] = set()
    for action in actions:
        needed.update(use.writes if action in WRITE_ACTIONS else use.reads)
    return tuple(sorted(needed))


def via_services(services: Iterable[str], region: str) -> str | list[str]:
    """``kms:ViaService`` values: the key is used only through these services of ``region``."""
    return iam.one_or_list(f"{s}.{region}.amazonaws.com" for s in services)


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
        purpose: Names the alias (``alias/kms-<purpose>-<region>-<suffix>``).
        rotation_period_days: Automatic rotation period (KMS allows 90-2560).
        deletion_window_days: Waiting period before deletion (KMS allows 7-30);
            short by default so test deployments clean up.
    """

    placement: Placement
    purpose: str = "data"
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
        self.alias_name = p.name(ResourceType.KMS_ALIAS, props.purpose)
        self.resource = KmsKey(
            self,
            "resource",
            provider=p.provider,
            description=f"drkit {props.purpose} key, {p.region}",
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

    def grant(
        self,
        policy: RolePolicy,
        actions: Iterable[str],
        *,
        via: Iterable[str],
        label: str,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        """Let the role of ``policy`` use this key only through the ``via`` services of its region.

        Writes both halves: a statement in the role's ``policy`` (id ``<label><KeyRegion>``)
        and one naming the role in the key policy (id ``<label><RoleName>``).

        Args:
            context: Extra condition block for the role's statement (e.g. an encryption
                context the service always sends).
        """
        actions = tuple(actions)
        services = via_services(via, self.region)
        policy.add(
            iam.Statement(
                sid=iam.sid(label, self.region),
                actions=actions,
                resources=(self.key_arn,),
                conditions={"StringEquals": {"kms:ViaService": services}, **(context or {})},
            )
        )
        self.grant_role(iam.sid(label, policy.role.role_name), policy.role.role_arn, actions, via)

    def grant_role(
        self, sid: str, role_arn: str, actions: Iterable[str], via: Iterable[str]
    ) -> None:
        """Name one role in the key policy only (its own policy is written elsewhere)."""
        self._policy.add(
            iam.Statement(
                sid=sid,
                principals={"AWS": (role_arn,)},
                actions=tuple(actions),
                resources=("*",),
                conditions={"StringEquals": {"kms:ViaService": via_services(via, self.region)}},
                resource_policy=True,
            )
        )

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
