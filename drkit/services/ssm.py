"""SSM Parameter Store: the per-region drain switch, and where each region reaches its peers."""

from __future__ import annotations

import json
from collections.abc import Mapping

import attrs
from constructs import Construct

from drkit.aws import SsmParameter
from drkit.regions import names
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
        self.parameter_name = p.named(names.DRAIN_SWITCH)
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


@attrs.frozen(kw_only=True)
class PeerEndpointsProps:
    """Props of :class:`PeerEndpoints`.

    Attributes:
        placement: The region whose functions read it.
        endpoints: ``{peer region: {service: URL}}``: where those functions reach each peer.
    """

    placement: Placement
    endpoints: Mapping[str, Mapping[str, str]]


class PeerEndpoints(Construct):
    """Where a region's functions reach the other regions' interface endpoints.

    Written by the peering stack, which knows every region's endpoint names; the region's
    own stack knows only this parameter's name (``drkit.regions.names.PEER_ENDPOINTS``). A
    SecureString under the region's key, named by its alias (Parameter Store accepts an
    alias name as ``KeyId``: https://docs.aws.amazon.com/systems-manager/latest/APIReference/
    API_PutParameter.html).

    Attributes:
        parameter_name: The parameter's name.
    """

    def __init__(self, scope: Construct, id: str, *, props: PeerEndpointsProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.parameter_name = p.named(names.PEER_ENDPOINTS)
        self.resource = SsmParameter(
            self,
            "resource",
            provider=p.provider,
            name=self.parameter_name,
            type="SecureString",
            key_id=p.named(names.DATA_KEY),
            value=json.dumps(
                {r: dict(urls) for r, urls in sorted(props.endpoints.items())},
                separators=(",", ":"),
                sort_keys=True,
            ),
            description=f"drkit: the other regions' interface endpoints, for {p.region}",
            tags=p.tagged(self.parameter_name),
        )
