"""AWS Backup selections: which resources a backup plan covers, and with which role.

The gap (moto 5.2.5): ``CreateBackupSelection``, ``GetBackupSelection``,
``ListBackupSelections`` and ``DeleteBackupSelection`` are not implemented
(moto raises ``NotImplementedError``, a 500), so Terraform's
``aws_backup_selection`` retries until its timeout. Also, a deleted backup
plan keeps its name reserved for good (``CreateBackupPlan`` compares against
deleted plans too), so a stack cannot be applied again after a destroy in the
same emulator.

What this extension does:

* ``CreateBackupSelection`` stores the selection (``SelectionName``,
  ``IamRoleArn``, ``Resources``, ``NotResources``, ``ListOfTags``,
  ``Conditions``, as sent) under its plan and returns ``SelectionId``,
  ``BackupPlanId`` and ``CreationDate``. The plan must exist and not be
  deleted, and the role must exist in the emulator's IAM
  (``InvalidParameterValueException`` otherwise; the message avoids AWS's
  "cannot be assumed", on which the provider retries for minutes).
* ``GetBackupSelection`` returns it (``ResourceNotFoundException`` for an
  unknown one); ``ListBackupSelections`` lists a plan's selections;
  ``DeleteBackupSelection`` removes one (``InvalidParameterValueException``
  for an unknown one, which the provider takes as already gone).
* ``DeleteBackupPlan`` refuses, as AWS does, while selections remain
  ("Related backup plan selections must be deleted prior to backup plan deletion").
* A deleted plan's name can be used again.

Not emulated: selections do nothing (no backup jobs run); ``Conditions`` and
``ListOfTags`` are stored, not evaluated; the role's trust policy is not checked.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import (
    AlreadyExistsException,
    InvalidParameterValueException,
    InvalidRequestException,
    ResourceNotFoundException,
)
from moto.backup.models import Plan
from moto.core.utils import unix_time
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

from drkit.deploy.moto_ext._routing import uri_param

if TYPE_CHECKING:
    from moto.backup.models import BackupBackend
    from moto.backup.responses import BackupResponse

    _BackendBase = BackupBackend
    _HandlerBase = BackupResponse
else:
    _BackendBase = object
    _HandlerBase = object

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


class SelectionsBackendMixin(_BackendBase):
    """Adds backup selections to moto's ``BackupBackend``."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        # plan id -> selection id -> selection
        self.selections: dict[str, dict[str, BackupSelection]] = {}

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
                msg=f"Backup selection {selection['SelectionName']} already exists in plan {backup_plan_id}"
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

    def _live_plans(self) -> list[Plan]:
        return [p for p in self.plans.values() if p.deletion_date is None]

    def _live_plan(self, backup_plan_id: str) -> Plan:
        plan = self.plans.get(backup_plan_id)
        if plan is None or plan.deletion_date is not None:
            raise InvalidParameterValueException(msg=f"Cannot find Backup plan {backup_plan_id}")
        return plan

    def _role_exists(self, role_arn: str) -> bool:
        from moto.iam.models import iam_backends

        parts = role_arn.split(":")
        if len(parts) < 6 or not parts[5].startswith("role/"):
            return False
        iam = iam_backends[parts[4] or self.account_id][get_partition(self.region_name)]
        return any(r.arn == role_arn for r in iam.roles.values())


class SelectionsHandlerMixin(_HandlerBase):
    """Serves the selection operations, which moto's handler lacks."""

    def create_backup_selection(self) -> str:
        params = json.loads(self.body or "{}")
        selection = self.backup_backend.create_backup_selection(  # type: ignore[attr-defined]
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
        selection = self.backup_backend.get_backup_selection(  # type: ignore[attr-defined]
            uri_param(self, "backupPlanId"), uri_param(self, "selectionId")
        )
        return json.dumps(selection.to_get_dict())

    def list_backup_selections(self) -> str:
        selections = self.backup_backend.list_backup_selections(  # type: ignore[attr-defined]
            uri_param(self, "backupPlanId")
        )
        return json.dumps({"BackupSelectionsList": [s.to_list_dict() for s in selections]})

    def delete_backup_selection(self) -> str:
        self.backup_backend.delete_backup_selection(  # type: ignore[attr-defined]
            uri_param(self, "backupPlanId"), uri_param(self, "selectionId")
        )
        return "{}"
