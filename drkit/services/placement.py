"""What every regional construct is handed: where it lives and how things are named."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from drkit.aws import AwsProvider
from drkit.regions.names import Account, Name
from drkit.regions.naming import Namer, ResourceType

__all__ = ["Account", "Placement"]


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

    def name(self, kind: ResourceType, purpose: str) -> str:
        """A name made per use (alarms, dashboards, Name tags): ``purpose`` in this region."""
        return self.namer(kind, purpose, self.region)

    def named(self, name: Name) -> str:
        """The physical name of one named resource here (``drkit.regions.names``)."""
        return name(self.namer, self.region)

    def arn(self, name: Name) -> str:
        """The ARN of one named resource here."""
        return name.arn(self.namer, self.account, self.region)

    def tagged(self, name: str | None = None, **extra: str) -> dict[str, str]:
        """Tags for one resource: its Name, then extras, then the construct's tags."""
        tags: dict[str, str] = {"Name": name} if name else {}
        return {**tags, **extra, **self.tags}
