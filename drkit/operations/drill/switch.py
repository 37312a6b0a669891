"""The drain switch (an SSM parameter): read it, flip it, and restore it against the odds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from drkit.errors import DrillError
from drkit.operations.drill.signals import sigint_ignored
from drkit_runtime.contract import DRAIN_ACTIVE

RESTORE_ATTEMPTS = 3


@attrs.frozen(kw_only=True)
class Switch:
    """A drain switch as read before the drill; written back with the same type and key.

    Attributes:
        name: Parameter name.
        region: Its region.
        value: Its value.
        parameter_type: ``String`` or ``SecureString``.
        key_id: The KMS key of a SecureString (kept on overwrite, so the value
            is not silently re-encrypted under the account's default key).
    """

    name: str
    region: str
    value: str
    parameter_type: str
    key_id: str | None = None

    @property
    def pinned_key_id(self) -> str | None:
        """The key a write must name: a SecureString's own, else None."""
        return self.key_id if self.parameter_type == "SecureString" and self.key_id else None


def read_switch(ssm: Any, name: str, region: str) -> Switch:
    """The switch's value, type and key; DrillError if it does not exist."""
    try:
        value = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        raise DrillError(
            f"no drain switch {name} in {region}: is this deployment applied, and is "
            "ENVIRONMENT_SUFFIX the one it was deployed with?"
        ) from None
    filters = [{"Key": "Name", "Values": [name]}]
    described = ssm.describe_parameters(ParameterFilters=filters)["Parameters"]
    meta = described[0] if described else {}
    return Switch(
        name=name,
        region=region,
        value=value,
        parameter_type=meta.get("Type", "String"),
        key_id=meta.get("KeyId"),
    )


def write_switch(ssm: Any, switch: Switch, value: str) -> None:
    """Overwrite the switch with ``value``, keeping its type and key."""
    extra = {"KeyId": switch.pinned_key_id} if switch.pinned_key_id else {}
    ssm.put_parameter(
        Name=switch.name, Value=value, Type=switch.parameter_type, Overwrite=True, **extra
    )


def restore_switch(
    ssm: Any, switch: Switch, *, out: Callable[[str], None], sleep: Callable[[float], None]
) -> bool:
    """Set the switch back to active, retrying; Ctrl-C cannot interrupt it.

    True once a read shows ``active``; False (after saying how to restore it by
    hand) when every attempt failed.
    """
    last: Exception | None = None
    with sigint_ignored():
        for attempt in range(1, RESTORE_ATTEMPTS + 1):
            # Write, then believe only a read: a write that failed may have found
            # the switch never flipped, and one that "failed" may have landed.
            try:
                write_switch(ssm, switch, DRAIN_ACTIVE)
            except Exception as err:  # noqa: BLE001 - any failure: read, retry, then shout
                last = err
                out(f"restore attempt {attempt} failed: {err}")
            try:
                if read_switch(ssm, switch.name, switch.region).value == DRAIN_ACTIVE:
                    out(f"restored {switch.name} := {DRAIN_ACTIVE!r}")
                    return True
            except Exception as err:  # noqa: BLE001
                last = err
                out(f"reading {switch.name} back failed: {err}")
            if attempt < RESTORE_ATTEMPTS:
                sleep(1.0)
    out(
        f"!! THE DRAIN SWITCH COULD NOT BE RESTORED ({last}); {switch.region} stays out of DNS. "
        f"Restore it now: {restore_command(switch)}"
    )
    return False


def restore_command(switch: Switch) -> str:
    """The AWS CLI command that sets the switch back to active by hand."""
    command = (
        f"aws ssm put-parameter --region {switch.region} --name {switch.name} "
        f"--type {switch.parameter_type} --value {DRAIN_ACTIVE} --overwrite"
    )
    return command + (f" --key-id {switch.pinned_key_id}" if switch.pinned_key_id else "")
