"""drkit's AWS Backup request handler: plan updates, selections, recovery points, ``ListTags``."""

from __future__ import annotations

import json
from typing import Any

from moto.backup.responses import BackupResponse

from drkit_emulator.core.routing import uri_param


class DrkitBackupResponse(BackupResponse):
    """moto's handler, serving the operations it lacks and ``ListTags`` with or without a slash."""

    @property
    def _backend(self) -> Any:
        """drkit's backend (see .models), which has the operations moto's lacks."""
        return self.backup_backend

    # -- plans ------------------------------------------------------------------------

    def update_backup_plan(self) -> str:
        params = json.loads(self.body or "{}")
        plan = self._backend.update_backup_plan(
            uri_param(self, "backupPlanId"), params.get("BackupPlan") or {}
        )
        # UpdateBackupPlan's answer has CreateBackupPlan's fields (moto leaves empty ones out).
        return json.dumps(plan.to_dict())

    # -- selections -----------------------------------------------------------------

    def create_backup_selection(self) -> str:
        params = json.loads(self.body or "{}")
        selection = self._backend.create_backup_selection(
            backup_plan_id=uri_param(self, "backupPlanId"),
            selection=params.get("BackupSelection") or {},
            creator_request_id=params.get("CreatorRequestId"),
        )
        return json.dumps(
            {
                "BackupPlanId": selection.backup_plan_id,
                "CreationDate": selection.creation_date,
                "SelectionId": selection.selection_id,
            }
        )

    def get_backup_selection(self) -> str:
        selection = self._backend.get_backup_selection(
            uri_param(self, "backupPlanId"), uri_param(self, "selectionId")
        )
        return json.dumps(selection.to_get_dict())

    def list_backup_selections(self) -> str:
        selections = self._backend.list_backup_selections(uri_param(self, "backupPlanId"))
        return json.dumps({"BackupSelectionsList": [s.to_list_dict() for s in selections]})

    def delete_backup_selection(self) -> str:
        self._backend.delete_backup_selection(
            uri_param(self, "backupPlanId"), uri_param(self, "selectionId")
        )
        return "{}"

    # -- recovery points ----------------------------------------------------------------

    def list_recovery_points_by_backup_vault(self) -> str:
        points = self._backend.list_recovery_points_by_backup_vault(
            uri_param(self, "backupVaultName")
        )
        return json.dumps({"RecoveryPoints": points})

    def delete_recovery_point(self) -> str:
        self._backend.delete_recovery_point(
            uri_param(self, "backupVaultName"), uri_param(self, "recoveryPointArn")
        )
        return "{}"

    # -- tags -------------------------------------------------------------------------------

    def list_tags(self) -> str:
        tags = self.backup_backend.list_tags(resource_arn=uri_param(self, "resourceArn"))
        return json.dumps({"Tags": tags})
