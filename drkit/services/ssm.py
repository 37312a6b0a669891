"""SSM Parameter Store: the per-region drain switch operators flip to evacuate a region."""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit.aws import SsmParameter
from drkit.regions.naming import ResourceType
from drkit.services.kms import EncryptionKey
from drkit.services.placement import Placement
from drkit_runtime.contract import DRAIN_ACTIVE, DRAIN_DRAINED


@attrs.frozen(kw_only=True)
class DrainSwitchProps:
    """Props of :class:`DrainSwitch`.

    Attributes:
        placement: Region, provider and naming.
        key: Encrypts the value (a SecureString, like every parameter drkit writes).
    """

    placement: Placement
    key: EncryptionKey


class DrainSwitch(Construct):
    """``active`` normally; ``drained`` makes the region's ``/health`` answer 503 on purpose.

    Terraform creates it ``active`` and then ignores its value, so a drill or a
    maintenance drain is never reverted by the next apply.

    Attributes:
        parameter_name: The SSM parameter's name.
        parameter_arn: Its ARN.
    """

    def __init__(self, scope: Construct, id: str, *, props: DrainSwitchProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.parameter_name = p.name(ResourceType.SSM_PARAMETER, "drain")
        self.resource = SsmParameter(
            self,
            "resource",
            provider=p.provider,
            name=self.parameter_name,
            type="SecureString",
            key_id=props.key.key_arn,
            value=DRAIN_ACTIVE,
            description=f"drkit drain switch for {p.region}: '{DRAIN_ACTIVE}' or '{DRAIN_DRAINED}'",
            tags=p.tagged(self.parameter_name),
            lifecycle={"ignore_changes": ["value"]},
        )
        self.parameter_arn: str = self.resource.arn
