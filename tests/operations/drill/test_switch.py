"""The drain switch: read with its type and key, written back with them, restored by retrying."""

from __future__ import annotations

from typing import Any

from drkit.operations.drill.switch import (
    RESTORE_ATTEMPTS,
    Switch,
    read_switch,
    restore_command,
    restore_switch,
    write_switch,
)
from tests.operations.drill.support import SECONDARY, param


def test_read_switch_sees_value_type_and_key(deployment):
    """A SecureString switch is read with its type and its own KMS key."""
    switch = read_switch(deployment.ssm(SECONDARY), param(SECONDARY), SECONDARY)
    assert (switch.value, switch.parameter_type, switch.key_id) == (
        "active",
        "SecureString",
        deployment.key_ids[SECONDARY],
    )


class _Recording:
    """An SSM client that records the arguments of every write."""

    def __init__(self, real: Any) -> None:
        self._real, self.writes = real, []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def put_parameter(self, **kwargs: Any) -> Any:
        self.writes.append(kwargs)
        return self._real.put_parameter(**kwargs)


def test_writing_names_the_type_and_key(deployment):
    """Every write of a SecureString switch names its type and its own key: without KeyId,
    AWS would re-encrypt the value under the account's default key (moto does not)."""
    ssm = _Recording(deployment.ssm(SECONDARY))
    switch = read_switch(ssm, param(SECONDARY), SECONDARY)
    write_switch(ssm, switch, "drained")
    write_switch(ssm, switch, "active")

    key = deployment.key_ids[SECONDARY]
    assert [(w["Value"], w["Type"], w.get("KeyId")) for w in ssm.writes] == [
        ("drained", "SecureString", key),
        ("active", "SecureString", key),
    ]
    assert all(w["Overwrite"] for w in ssm.writes)
    assert deployment.history(SECONDARY) == ["active", "drained", "active"]


class _Flaky:
    """An SSM client whose first ``failures`` writes raise."""

    def __init__(self, real: Any, failures: int) -> None:
        self._real, self.failures, self.writes = real, failures, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def put_parameter(self, **kwargs: Any) -> Any:
        self.writes += 1
        if self.writes <= self.failures:
            raise RuntimeError("Throttled")
        return self._real.put_parameter(**kwargs)


def test_restore_retries_until_a_read_shows_active(deployment):
    """A failed write is retried after a pause; the restore succeeds on the next attempt."""
    real = deployment.ssm(SECONDARY)
    switch = read_switch(real, param(SECONDARY), SECONDARY)
    write_switch(real, switch, "drained")
    flaky, lines, pauses = _Flaky(real, failures=1), [], []

    assert restore_switch(flaky, switch, out=lines.append, sleep=pauses.append)
    assert flaky.writes == 2 and pauses == [1.0]
    assert lines == ["restore attempt 1 failed: Throttled", f"restored {switch.name} := 'active'"]
    assert deployment.switch(SECONDARY) == "active"


def test_restore_gives_up_after_its_attempts_and_says_what_to_run(deployment):
    """Every write failing: False, one line per attempt, then the command to run by hand."""
    real = deployment.ssm(SECONDARY)
    switch = read_switch(real, param(SECONDARY), SECONDARY)
    write_switch(real, switch, "drained")
    flaky, lines = _Flaky(real, failures=RESTORE_ATTEMPTS), []

    assert not restore_switch(flaky, switch, out=lines.append, sleep=lambda s: None)
    assert flaky.writes == RESTORE_ATTEMPTS
    assert lines[-1].startswith("!! THE DRAIN SWITCH COULD NOT BE RESTORED (Throttled)")
    assert lines[-1].endswith(restore_command(switch))


def test_the_restore_command_names_the_key_only_for_a_secure_string():
    """The by-hand command keeps a SecureString's key; a String has none to keep."""
    secure = Switch(
        name="/drkit/prod/drain-usw2",
        region="us-west-2",
        value="drained",
        parameter_type="SecureString",
        key_id="alias/kms-data-usw2-prod",
    )
    assert restore_command(secure) == (
        "aws ssm put-parameter --region us-west-2 --name /drkit/prod/drain-usw2 "
        "--type SecureString --value active --overwrite --key-id alias/kms-data-usw2-prod"
    )
    plain = Switch(name="/p", region="us-west-2", value="drained", parameter_type="String")
    assert "--key-id" not in restore_command(plain)
    assert plain.pinned_key_id is None
