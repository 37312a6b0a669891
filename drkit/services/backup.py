"""AWS Backup: daily backups of the global tables, copied to every other region.

PITR covers the last 35 days at second granularity; these backups are the
contingency plan's (HIPAA 164.308(a)(7)) independent copies, kept in vaults
encrypted with each region's key, so losing a region or a bad write does not
lose the only copy.
"""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit import iam
from drkit.aws import (
    BackupPlan,
    BackupPlanRule,
    BackupPlanRuleCopyAction,
    BackupPlanRuleCopyActionLifecycle,
    BackupPlanRuleLifecycle,
    BackupSelection,
    BackupVault,
)
from drkit.errors import SpecError
from drkit.regions.naming import ResourceType
from drkit.services.dynamodb import GlobalTable
from drkit.services.iam import Role, RoleProps
from drkit.services.kms import ENCRYPT_DECRYPT, EncryptionKey
from drkit.services.placement import Placement

DAILY = "cron(0 5 * * ? *)"


class Vault(Construct):
    """A vault in one region, encrypted with that region's key.

    Attributes:
        vault_name: Its name.
        vault_arn: Its ARN.
        region: Its region.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        placement: Placement,
        key: EncryptionKey,
        protect_data: bool,
    ) -> None:
        super().__init__(scope, id)
        if key.region != placement.region:
            raise SpecError("key", key.region, f"a key in the vault's region {placement.region}")
        self.region = placement.region
        self.vault_name = placement.name(ResourceType.BACKUP_VAULT, "tables")
        self.resource = BackupVault(
            self,
            "resource",
            provider=placement.provider,
            name=self.vault_name,
            kms_key_arn=key.key_arn,
            force_destroy=not protect_data,
            tags=placement.tagged(self.vault_name),
        )
        self.vault_arn: str = self.resource.arn


@attrs.frozen(kw_only=True)
class TableBackupProps:
    """Props of :class:`TableBackup`.

    Attributes:
        placement: The tables' primary region (where backups are taken).
        keys: One key per region of the tables (the vaults' keys).
        placements: One placement per copy region.
        tables: The global tables to back up.
        retention_days: How long backups and copies are kept.
        protect_data: Keep vaults with recovery points on ``terraform destroy``.
    """

    placement: Placement
    keys: tuple[EncryptionKey, ...]
    placements: tuple[Placement, ...]
    tables: tuple[GlobalTable, ...]
    retention_days: int = 35
    protect_data: bool = False

    def __attrs_post_init__(self) -> None:
        if not 7 <= self.retention_days <= 36500:
            raise SpecError("retention_days", self.retention_days, "7 to 36500")
        regions = {k.region for k in self.keys}
        for p in (self.placement, *self.placements):
            if p.region not in regions:
                raise SpecError(
                    "keys", sorted(regions), f"a key for every vault region, including {p.region}"
                )


class TableBackup(Construct):
    """A backup plan for the tables with a cross-region copy of every recovery point.

    Attributes:
        vaults: ``region -> vault``; the primary's first.
        plan_name: The plan's name.
    """

    def __init__(self, scope: Construct, id: str, *, props: TableBackupProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        keys = {k.region: k for k in props.keys}
        self.vaults = {
            place.region: Vault(
                self,
                f"vault-{place.region}",
                placement=place,
                key=keys[place.region],
                protect_data=props.protect_data,
            )
            for place in (p, *props.placements)
        }
        self.plan_name = p.name(ResourceType.BACKUP_PLAN, "tables", regional=False)
        plan = self._plan(props)
        table_arns = tuple(t.arn_in(p.region) for t in props.tables)
        self.role = self._role(p, table_arns)
        for region in self.vaults:
            keys[region].grant(
                self.role.policy,
                (*ENCRYPT_DECRYPT, "kms:CreateGrant"),
                via=("backup", "dynamodb"),
                label="UseVaultKeyIn",
            )
        BackupSelection(
            self,
            "selection",
            provider=p.provider,
            name=p.name(ResourceType.BACKUP_SELECTION, "tables", regional=False),
            plan_id=plan.id,
            iam_role_arn=self.role.role_arn,
            resources=list(table_arns),
        )

    def _plan(self, props: TableBackupProps) -> BackupPlan:
        """Daily, kept ``retention_days``, each recovery point copied to every other vault."""
        p = props.placement
        home = self.vaults[p.region]
        copies = [v for region, v in self.vaults.items() if region != p.region]
        lifecycle = BackupPlanRuleLifecycle(delete_after=props.retention_days)
        return BackupPlan(
            self,
            "plan",
            provider=p.provider,
            name=self.plan_name,
            rule=[
                BackupPlanRule(
                    rule_name="daily-with-cross-region-copy",
                    target_vault_name=home.resource.name,
                    schedule=DAILY,
                    start_window=60,
                    completion_window=180,
                    lifecycle=lifecycle,
                    copy_action=[
                        BackupPlanRuleCopyAction(
                            destination_vault_arn=v.vault_arn,
                            lifecycle=BackupPlanRuleCopyActionLifecycle(
                                delete_after=props.retention_days
                            ),
                        )
                        for v in copies
                    ],
                )
            ],
            tags=p.tagged(self.plan_name),
        )

    def _role(self, p: Placement, table_arns: tuple[str, ...]) -> Role:
        """What AWS Backup needs to back up the tables and copy into the other vaults."""
        return Role(
            self,
            "role",
            props=RoleProps(
                placement=p,
                purpose="backup",
                regional=False,
                trusted_services=("backup.amazonaws.com",),
                trust_conditions={"StringEquals": {"aws:SourceAccount": p.account.account_id}},
                statements=(
                    iam.Statement(
                        sid="BackUpTables",
                        actions=(
                            "dynamodb:CreateBackup",
                            "dynamodb:DescribeTable",
                            "dynamodb:ListTagsOfResource",
                            "dynamodb:StartAwsBackupJob",
                        ),
                        resources=table_arns,
                    ),
                    iam.Statement(
                        sid="ManageTableBackups",
                        actions=("dynamodb:DeleteBackup", "dynamodb:DescribeBackup"),
                        resources=tuple(f"{arn}/backup/*" for arn in table_arns),
                    ),
                    iam.Statement(
                        sid="CopyToOtherRegions",
                        actions=("backup:CopyIntoBackupVault", "backup:DescribeBackupVault"),
                        resources=tuple(v.vault_arn for v in self.vaults.values()),
                    ),
                ),
            ),
        )
