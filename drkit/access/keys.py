"""What using a region's data key takes: the actions per service, and the two halves of a grant.

A role that uses a key through a service needs a statement in its own policy and one naming
it in the key's policy. The two live in different stacks (roles in the IAM stack, the key in
its region's), so both halves are computed here from names alone: the role's statement names
the key by its alias (``kms:ResourceAliases``; a key id is random), the key's statement names
the role by its ARN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from drkit import iam
from drkit.regions.names import DATA_KEY, Account
from drkit.regions.naming import Namer
from drkit.regions.validators import to_strings

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
#: "kms:ResourceAliases ... allows or denies access to a KMS key based on the aliases
#: associated with the KMS key"; ForAnyValue: the key must have this alias. Alias changes
#: take up to five minutes to affect authorization.
ALIAS_AUTHORIZATION = (
    "https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html"
)


@attrs.frozen
class KeyActions:
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
KEY_USE: Mapping[str, KeyActions] = MappingProxyType(
    {
        # "When you access an encrypted DynamoDB table, DynamoDB needs to decrypt the table
        # key ... The user is the principal in your AWS account who is accessing the table."
        "dynamodb": KeyActions(
            reads=("kms:Decrypt",),
            writes=("kms:Decrypt",),
            source="https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html",
        ),
        # Uploading an SSE-KMS object needs kms:GenerateDataKey, downloading kms:Decrypt.
        "s3": KeyActions(
            reads=("kms:Decrypt",),
            writes=("kms:GenerateDataKey",),
            source="https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
        ),
        # Reading a SecureString with decryption needs kms:Decrypt on its key.
        "ssm": KeyActions(
            reads=("kms:Decrypt",),
            writes=("kms:Encrypt",),
            source="https://docs.aws.amazon.com/systems-manager/latest/userguide/"
            "secure-string-parameter-kms-encryption.html",
        ),
        # Producers of an SSE-KMS queue need kms:GenerateDataKey and kms:Decrypt.
        "sqs": KeyActions(
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


@attrs.frozen(kw_only=True)
class KeyUse:
    """A role's use of one region's data key, through some of that region's services.

    Attributes:
        region: The key's region.
        actions: The KMS actions.
        via: The services the key is used through (``kms:ViaService``).
        label: Names both statements (``<label><region>``, ``<label><role name>``).
        context: Extra conditions for the role's statement (an encryption context).
    """

    region: str
    actions: tuple[str, ...] = attrs.field(converter=to_strings)
    via: tuple[str, ...] = attrs.field(converter=to_strings)
    label: str
    context: Mapping[str, Any] | None = None

    def role_statement(self, namer: Namer, account: Account) -> iam.Statement:
        """The half in the role's policy: the key with this deployment's alias, via ``via``."""
        return iam.Statement(
            sid=iam.sid(self.label, self.region),
            actions=self.actions,
            resources=(account.arn("kms", self.region, "key/*"),),
            conditions={
                "StringEquals": {"kms:ViaService": via_services(self.via, self.region)},
                "ForAnyValue:StringEquals": {"kms:ResourceAliases": DATA_KEY(namer, self.region)},
                **(self.context or {}),
            },
        )

    def key_statement(self, role_name: str, role_arn: str) -> iam.Statement:
        """The half in the key's policy: the role, by ARN, via ``via``."""
        return iam.Statement(
            sid=iam.sid(self.label, role_name),
            principals={"AWS": (role_arn,)},
            actions=self.actions,
            resources=("*",),
            conditions={"StringEquals": {"kms:ViaService": via_services(self.via, self.region)}},
            resource_policy=True,
        )
