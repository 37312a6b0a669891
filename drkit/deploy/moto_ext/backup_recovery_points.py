"""AWS Backup vault recovery points: an empty list, so vaults with ``force_destroy`` can be destroyed.

The gap (moto 5.2.5): ``ListRecoveryPointsByBackupVault`` and
``DeleteRecoveryPoint`` are not routed (404 with an HTML body). Terraform's
``aws_backup_vault`` with ``force_destroy = true`` lists the vault's recovery
points before deleting it, so every destroy of such a vault fails.

What this extension does: ``ListRecoveryPointsByBackupVault`` returns the
vault's recovery points, which in the emulator are always none (no backup job
ever runs), and ``ResourceNotFoundException`` for an unknown vault.
``DeleteRecoveryPoint`` answers ``ResourceNotFoundException`` for the same
reason. The vault's ``NumberOfRecoveryPoints`` stays 0.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import ResourceNotFoundException

from drkit.deploy.moto_ext._routing import uri_param

if TYPE_CHECKING:
    from moto.backup.models import BackupBackend
    from moto.backup.responses import BackupResponse

    _BackendBase = BackupBackend
    _HandlerBase = BackupResponse
else:
    _BackendBase = object
    _HandlerBase = object


class RecoveryPointsBackendMixin(_BackendBase):
    """Adds the (always empty) recovery points of a vault to moto's ``BackupBackend``."""

    def list_recovery_points_by_backup_vault(self, backup_vault_name: str) -> list[dict[str, Any]]:
        """The vault's recovery points: none, since the emulator runs no backup jobs."""
        self.describe_backup_vault(backup_vault_name)  # raises for an unknown vault
        return []

    def delete_recovery_point(self, backup_vault_name: str, recovery_point_arn: str) -> None:
        self.describe_backup_vault(backup_vault_name)
        raise ResourceNotFoundException(
            msg=f"Recovery point {recovery_point_arn} not found in vault {backup_vault_name}"
        )


class RecoveryPointsHandlerMixin(_HandlerBase):
    """Serves the two recovery-point operations."""

    def list_recovery_points_by_backup_vault(self) -> str:
        points = self.backup_backend.list_recovery_points_by_backup_vault(  # type: ignore[attr-defined]
            uri_param(self, "backupVaultName")
        )
        return json.dumps({"RecoveryPoints": points})

    def delete_recovery_point(self) -> str:
        self.backup_backend.delete_recovery_point(  # type: ignore[attr-defined]
            uri_param(self, "backupVaultName"), uri_param(self, "recoveryPointArn")
        )
        return "{}"


EXTRA_PATHS = (
    # With and without the trailing slash (boto3 sends it, the Go SDK does not);
    # moto's regex-to-Flask conversion does not take "/?".
    "{0}/backup-vaults/(?P<name>[^/]+)/recovery-points$",
    "{0}/backup-vaults/(?P<name>[^/]+)/recovery-points/$",
    "{0}/backup-vaults/(?P<name>[^/]+)/recovery-points/(?P<recovery_point_arn>.+)$",
)
"""Paths moto does not route, which the extension's handler serves."""
