"""TableBackup's vault: kept and locked (Vault Lock, governance mode) when data is protected,
destroyable otherwise."""

from __future__ import annotations

import pytest

from drkit.services.backup import TableBackup, TableBackupProps
from tests.constructs.conftest import ROLE_ARN
from tests.helpers import ref, resources

pytestmark = pytest.mark.synth


def _synth(h, *, protect_data: bool, retention_days: int = 35) -> dict:
    TableBackup(
        h.stack,
        "backup",
        props=TableBackupProps(
            placement=h["us-east-1"],
            key=h.key("us-east-1"),
            role_arn=ROLE_ARN,
            copy_regions=("us-west-2",),
            retention_days=retention_days,
            protect_data=protect_data,
        ),
    )
    return h.synth()


def test_a_protected_vault_is_locked_in_governance_mode_for_its_retention(h):
    """protect_data: one lock on the region's own vault, without changeable_for_days (that
    would be compliance mode, immutable after its grace time), its minimum the plan's
    retention and no maximum."""
    out = _synth(h, protect_data=True, retention_days=90)
    (lock,) = resources(out, "aws_backup_vault_lock_configuration").values()
    (vault_id,) = resources(out, "aws_backup_vault")
    assert ref(lock["backup_vault_name"])[:2] == ("aws_backup_vault", vault_id)
    assert lock["min_retention_days"] == 90
    assert "changeable_for_days" not in lock and "max_retention_days" not in lock
    (vault,) = resources(out, "aws_backup_vault").values()
    assert vault["force_destroy"] is False


def test_every_recovery_point_the_plan_makes_satisfies_the_lock(h):
    """The plan's own backups and its copies are kept at least the lock's minimum: a lock
    stricter than the plan would fail every backup and copy job."""
    out = _synth(h, protect_data=True)
    (lock,) = resources(out, "aws_backup_vault_lock_configuration").values()
    (plan,) = resources(out, "aws_backup_plan").values()
    for rule in plan["rule"]:
        assert rule["lifecycle"]["delete_after"] >= lock["min_retention_days"]
        for copy in rule["copy_action"]:
            assert copy["lifecycle"]["delete_after"] >= lock["min_retention_days"]


def test_an_unprotected_vault_has_no_lock_and_goes_with_destroy(h):
    """Without protect_data nothing holds recovery points back: no lock, force_destroy."""
    out = _synth(h, protect_data=False)
    assert resources(out, "aws_backup_vault_lock_configuration") == {}
    (vault,) = resources(out, "aws_backup_vault").values()
    assert vault["force_destroy"] is True
