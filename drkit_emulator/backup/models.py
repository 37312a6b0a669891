"""drkit's AWS Backup backend: plan updates, backup selections, a vault's recovery points (none).

The gaps and what is emulated: :mod:`drkit_emulator.backup`.
"""

from __future__ import annotations

import copy
import threading
from types import ModuleType
from typing import Any

from moto.backup.exceptions import (
    AlreadyExistsException,
    InvalidParameterValueException,
    InvalidRequestException,
    ResourceNotFoundException,
)
from moto.backup.models import BackupBackend, Plan
from moto.core.utils import unix_time
from moto.iam.models import iam_backends
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

from drkit_emulator.backup import urls

# Held while moto's create_backup_plan runs with the deleted plans set aside.
_PLANS_LOCK = threading.Lock()

SELECTIONS_IN_USE = "Related backup plan selections must be deleted prior to backup plan deletion"


class BackupSelection:
    """One selection of a backup plan. Immutable in AWS; a plain class as moto's models are.

    Attributes:
        selection_id: Its id (a UUID).
        backup_plan_id: The plan it belongs to.
        selection: The ``BackupSelection`` structure as sent.
        creator_request_id: The idempotency token sent, if any.
        creation_date: Seconds since the epoch.
    """

    def __init__(
        self, backup_plan_id: str, selection: dict[str, Any], creator_request_id: str | None
    ) -> None:
        self.selection_id = str(mock_random.uuid4())
        self.backup_plan_id = backup_plan_id
        self.selection = selection
        self.creator_request_id = creator_request_id
        self.creation_date = unix_time()

    def to_get_dict(self) -> dict[str, Any]:
        result = {
            "BackupPlanId": self.backup_plan_id,
            "BackupSelection": self.selection,
            "CreationDate": self.creation_date,
            "SelectionId": self.selection_id,
        }
        if self.creator_request_id:
            result["CreatorRequestId"] = self.creator_request_id
        return result

    def to_list_dict(self) -> dict[str, Any]:
        result = {
            "BackupPlanId": self.backup_plan_id,
            "CreationDate": self.creation_date,
            "IamRoleArn": self.selection.get("IamRoleArn"),
            "SelectionId": self.selection_id,
            "SelectionName": self.selection.get("SelectionName"),
        }
        if self.creator_request_id:
            result["CreatorRequestId"] = self.creator_request_id
        return result


class DrkitBackupBackend(BackupBackend):
    """moto's AWS Backup backend with backup selections and a vault's (empty) recovery points."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        # plan id -> selection id -> selection
        self.selections: dict[str, dict[str, BackupSelection]] = {}
        # plan id -> version id -> the plan as it was at that version (superseded ones only)
        self.plan_versions: dict[str, dict[str, Plan]] = {}

    @property
    def _url_module(self) -> ModuleType:
        return urls

    def create_backup_plan(
        self,
        backup_plan: dict[str, Any],
        backup_plan_tags: dict[str, str],
        creator_request_id: str,
    ) -> Plan:
        name = backup_plan["BackupPlanName"]
        if any(p.backup_plan["BackupPlanName"] == name for p in self._live_plans()):
            raise AlreadyExistsException(
                msg="Backup plan with the same plan document already exists"
            )
        with _PLANS_LOCK:
            # moto's own check also counts deleted plans; set those aside meanwhile.
            deleted = {i: p for i, p in self.plans.items() if p.deletion_date is not None}
            for plan_id in deleted:
                del self.plans[plan_id]
            try:
                return super().create_backup_plan(backup_plan, backup_plan_tags, creator_request_id)
            finally:
                self.plans.update(deleted)

    def update_backup_plan(self, backup_plan_id: str, backup_plan: dict[str, Any]) -> Plan:
        """Replace a live plan's document; same id, ARN and creation date, a new version id.

        https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateBackupPlan.html
        """
        plan = self._live_plan_or_not_found(backup_plan_id)
        if not backup_plan.get("BackupPlanName") or not backup_plan.get("Rules"):
            raise InvalidParameterValueException(
                msg="BackupPlan.BackupPlanName and at least one rule are required"
            )
        name = backup_plan["BackupPlanName"]
        if any(
            p.backup_plan["BackupPlanName"] == name and p is not plan for p in self._live_plans()
        ):
            raise AlreadyExistsException(msg=f"Backup plan named {name} already exists")
        # moto's Plan fills in the rules' defaults and ids and draws a version id.
        drafted = Plan(backup_plan=backup_plan, creator_request_id="", backend=self)
        self.plan_versions.setdefault(backup_plan_id, {})[plan.version_id] = copy.copy(plan)
        plan.backup_plan = drafted.backup_plan
        plan.advanced_backup_settings = drafted.advanced_backup_settings
        plan.version_id = drafted.version_id
        return plan

    def get_backup_plan(self, backup_plan_id: str, version_id: Any | None) -> Plan:
        earlier = self.plan_versions.get(backup_plan_id, {}).get(version_id or "")
        return earlier or super().get_backup_plan(backup_plan_id, version_id)

    def delete_backup_plan(self, backup_plan_id: str) -> tuple[str, str, float, str]:
        if self.selections.get(backup_plan_id):
            raise InvalidRequestException(msg=SELECTIONS_IN_USE)
        return super().delete_backup_plan(backup_plan_id)

    def create_backup_selection(
        self, backup_plan_id: str, selection: dict[str, Any], creator_request_id: str | None
    ) -> BackupSelection:
        """Store a selection for a live plan; its role must exist in IAM."""
        self._live_plan(backup_plan_id)
        for field in ("SelectionName", "IamRoleArn"):
            if not selection.get(field):
                raise InvalidParameterValueException(msg=f"BackupSelection.{field} is required")
        role_arn = str(selection["IamRoleArn"])
        if not self._role_exists(role_arn):
            raise InvalidParameterValueException(
                msg=f"IAM Role {role_arn} does not exist (drkit emulator: create the role first)"
            )
        plan_selections = self.selections.setdefault(backup_plan_id, {})
        if any(
            s.selection["SelectionName"] == selection["SelectionName"]
            for s in plan_selections.values()
        ):
            raise AlreadyExistsException(
                msg=f"Backup selection {selection['SelectionName']} already exists "
                f"in plan {backup_plan_id}"
            )
        created = BackupSelection(backup_plan_id, selection, creator_request_id)
        plan_selections[created.selection_id] = created
        return created

    def get_backup_selection(self, backup_plan_id: str, selection_id: str) -> BackupSelection:
        found = self.selections.get(backup_plan_id, {}).get(selection_id)
        if found is None:
            raise ResourceNotFoundException(
                msg=f"Failed reading backup selection {selection_id} of plan {backup_plan_id}"
            )
        return found

    def list_backup_selections(self, backup_plan_id: str) -> list[BackupSelection]:
        self._live_plan(backup_plan_id)
        return list(self.selections.get(backup_plan_id, {}).values())

    def delete_backup_selection(self, backup_plan_id: str, selection_id: str) -> None:
        plan_selections = self.selections.get(backup_plan_id, {})
        if selection_id not in plan_selections:
            raise InvalidParameterValueException(
                msg=f"Cannot find backup selection {selection_id} in plan {backup_plan_id}"
            )
        del plan_selections[selection_id]

    def _live_plan_or_not_found(self, backup_plan_id: str) -> Plan:
        plan = self.plans.get(backup_plan_id)
        if plan is None or plan.deletion_date is not None:
            raise ResourceNotFoundException(msg=f"Failed reading Backup plan {backup_plan_id}")
        return plan

    def _live_plans(self) -> list[Plan]:
        return [p for p in self.plans.values() if p.deletion_date is None]

    def _live_plan(self, backup_plan_id: str) -> Plan:
        plan = self.plans.get(backup_plan_id)
        if plan is None or plan.deletion_date is not None:
            raise InvalidParameterValueException(msg=f"Cannot find Backup plan {backup_plan_id}")
        return plan

    def _role_exists(self, role_arn: str) -> bool:
        parts = role_arn.split(":")
        if len(parts) < 6 or not parts[5].startswith("role/"):
            return False
        iam = iam_backends[parts[4] or self.account_id][get_partition(self.region_name)]
        return any(r.arn == role_arn for r in iam.roles.values())

    # -- recovery points --------------------------------------------------------

    def list_recovery_points_by_backup_vault(self, backup_vault_name: str) -> list[dict[str, Any]]:
        """The vault's recovery points: none, since the emulator runs no backup jobs."""
        self.describe_backup_vault(backup_vault_name)  # raises for an unknown vault
        return []

    def delete_recovery_point(self, backup_vault_name: str, recovery_point_arn: str) -> None:
        self.describe_backup_vault(backup_vault_name)
        raise ResourceNotFoundException(
            msg=f"Recovery point {recovery_point_arn} not found in vault {backup_vault_name}"
        )
