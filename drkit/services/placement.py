"""What every regional construct is handed: where it lives and how things are named."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from drkit.aws import AwsProvider
from drkit.regions.naming import Namer, ResourceType


@attrs.frozen(kw_only=True)
class Account:
    """The AWS account and partition, as Terraform references.

    Attributes:
        account_id: Token for the deploying account's id.
        partition: Token for the partition (``aws`` for commercial regions).
    """

    account_id: str
    partition: str

    def arn(self, service: str, region: str, resource: str) -> str:
        """An ARN in this account, e.g. ``arn(logs, us-east-1, log-group:x)``."""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"

    @property
    def root_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:root"


@attrs.frozen(kw_only=True)
class Placement:
    """One region of one deployment, as seen by the constructs placed in it.

    Attributes:
        provider: The region's aliased ``AwsProvider``; made once by the stack.
        region: AWS region name.
        namer: Makes the deployment's physical names.
        account: Account id and partition references.
        tags: Extra tags each construct applies last (the required tags come
            from the provider's default tags).
    """

    provider: AwsProvider
    region: str
    namer: Namer
    account: Account
    tags: Mapping[str, str] = attrs.field(factory=dict)

    def name(self, kind: ResourceType, purpose: str, *, regional: bool = True) -> str:
        """The physical name of ``purpose`` in this region (or deployment-wide)."""
        return self.namer(kind, purpose, self.region if regional else None)

    def tagged(self, name: str | None = None, **extra: str) -> dict[str, str]:
        """Tags for one resource: its Name, then extras, then the construct's tags."""
        tags: dict[str, str] = {"Name": name} if name else {}
        return {**tags, **extra, **self.tags}
