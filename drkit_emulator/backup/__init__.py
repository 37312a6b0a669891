"""AWS Backup: plan updates, backup selections, a vault's (empty) recovery points, ``ListTags``.

Plan updates
------------
The gap (moto 5.2.5): ``UpdateBackupPlan`` is routed but not implemented
(``NotImplementedError``, a 500 with an HTML body), so changing a deployed
``aws_backup_plan`` (adding a region adds a copy action to a rule) fails with
``UpdateBackupPlan ... StatusCode: 500 ... invalid character '<'``.

What this extension does, after AWS's API reference
(https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateBackupPlan.html):
``UpdateBackupPlan`` replaces a live plan's ``BackupPlan`` document (name,
rules, ``AdvancedBackupSettings``) and answers ``BackupPlanId``,
``BackupPlanArn``, ``CreationDate`` (unchanged), a new ``VersionId`` and
``AdvancedBackupSettings`` when set. The rules get moto's defaults and new
``RuleId`` s as on create. ``GetBackupPlan`` then returns the new document and
version; with an earlier ``VersionId`` it returns that version.
``ResourceNotFoundException`` for an unknown or deleted plan,
``AlreadyExistsException`` for the name of another live plan.

Not emulated: ``ListBackupPlanVersions``; ``ScanSettings``; validation of the
rules beyond moto's (a rule naming an unknown vault is accepted).

Selections
----------
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

Recovery points
---------------
The gap (moto 5.2.5): ``ListRecoveryPointsByBackupVault`` and
``DeleteRecoveryPoint`` are not routed (404 with an HTML body). Terraform's
``aws_backup_vault`` with ``force_destroy = true`` lists the vault's recovery
points before deleting it, so every destroy of such a vault fails.

What this extension does: ``ListRecoveryPointsByBackupVault`` returns the
vault's recovery points, which in the emulator are always none (no backup job
ever runs), and ``ResourceNotFoundException`` for an unknown vault.
``DeleteRecoveryPoint`` answers ``ResourceNotFoundException`` for the same
reason. The vault's ``NumberOfRecoveryPoints`` stays 0.

``ListTags``
------------
The gap (moto 5.2.5): ``ListTags`` takes the resource ARN from the
second-to-last path segment, expecting ``/tags/<arn>/``. SDKs that drop the
trailing slash (the Go SDK behind Terraform sends ``/tags/<arn>``) get the
tags of a resource called ``tags``: none. Terraform then sees every backup
vault and plan as untagged and plans to add their tags again on every run.

What this extension does: ``ListTags`` reads the ARN from the request's
``resourceArn`` path parameter, with or without the trailing slash. Tagging
itself was already right.
"""

from __future__ import annotations

from moto.backup.models import backup_backends

from drkit_emulator.backup import models
from drkit_emulator.core.routing import install_backend


def install() -> None:
    """Make every AWS Backup backend created from now on drkit's. Idempotent."""
    install_backend(backup_backends, models.DrkitBackupBackend)
