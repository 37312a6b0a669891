"""AWS Backup: each region's daily backups of its table replicas, copied to every other region.

PITR covers the last 35 days at second granularity; these backups are the
contingency plan's (HIPAA 164.308(a)(7)) independent copies, kept in vaults
encrypted with each region's key, so losing a region or a bad write does not
lose the only copy. With ``protect_data`` each vault is also locked (Vault Lock,
governance mode), so no recovery point is deleted before its retention ends.
"""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit.aws import (
    BackupPlan,
    BackupPlanRule,
    BackupPlanRuleCopyAction,
    BackupPlanRuleCopyActionLifecycle,
    BackupPlanRuleLifecycle,
    BackupSelection,
    BackupVault,
    BackupVaultLockConfiguration,
)
from drkit.errors import SpecError
from drkit.regions import names
from drkit.regions.validators import to_strings
from drkit.services.kms import EncryptionKey
from drkit.services.placement import Placement

DAILY = "cron(0 5 * * ? *)"


class Vault(Construct):
    """A vault in one region, encrypted with that region's key; locked when data is protected.

    Attributes:
        vault_name: Its name.
        vault_arn: Its ARN.
        region: Its region.
        lock: Its Vault Lock (``protect_data``); None otherwise.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        placement: Placement,
        key: EncryptionKey,
        protect_data: bool,
        retention_days: int,
    ) -> None:
        super().__init__(scope, id)
        if key.region != placement.region:
            raise SpecError("key", key.region, f"a key in the vault's region {placement.region}")
        self.region = placement.region
        self.vault_name = placement.named(names.BACKUP_VAULT)
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
        self.lock = self._lock(placement, retention_days) if protect_data else None

    def _lock(self, placement: Placement, retention_days: int) -> BackupVaultLockConfiguration:
        """Vault Lock in governance mode: no recovery point leaves before its retention ends.

        Governance, not compliance: compliance mode (``changeable_for_days``) becomes
        immutable after its grace time, for AWS too, so a wrong minimum or a decommissioned
        deployment could never be undone and its vault never deleted; governance lets only a
        principal allowed ``backup:DeleteBackupVaultLockConfiguration`` lift it, which is
        what the contingency plan needs: protection from mistakes and from anyone without
        that permission. Minimum: the plan's retention, so every backup and every copy
        from the other regions is kept that long. No maximum: a longer retention (a copy
        kept for an investigation) must stay possible.
        https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
        """
        return BackupVaultLockConfiguration(
            self,
            "lock",
            provider=placement.provider,
            backup_vault_name=self.resource.name,
            min_retention_days=retention_days,
        )


@attrs.frozen(kw_only=True)
class TableBackupProps:
    """Props of :class:`TableBackup`.

    Attributes:
        placement: The region whose table replicas are backed up (its vault is there).
        key: That region's key (the vault's).
        role_arn: The role AWS Backup runs as (the IAM stack's, from ``drkit.access``).
        copy_regions: Every other region: each recovery point is copied into its vault,
            named by ARN (that vault is in its own region's stack).
        retention_days: How long backups and copies are kept.
        protect_data: Keep the vault with its recovery points on ``terraform destroy``, and
            lock it (governance mode) so none is deleted before ``retention_days``.
    """

    placement: Placement
    key: EncryptionKey
    role_arn: str
    copy_regions: tuple[str, ...] = attrs.field(converter=to_strings)
    retention_days: int = 35
    protect_data: bool = False

    def __attrs_post_init__(self) -> None:
        if not 7 <= self.retention_days <= 36500:
            raise SpecError("retention_days", self.retention_days, "7 to 36500")
        if self.placement.region in self.copy_regions:
            raise SpecError(
                "copy_regions", self.copy_regions, f"regions other than {self.placement.region}"
            )


class TableBackup(Construct):
    """A region's daily backup of its own replicas, copied into every other region's vault.

    Each region backs up its own replicas, so backups go on while any region is down. The
    plan names the other regions' vaults by ARN: CreateBackupPlan takes the destination as
    a string, and AWS documents no check of it at that time (an assumption, written down in
    docs/architecture.md: a missing vault would fail the copy job, not the plan).

    Attributes:
        vault: This region's vault.
        plan_name: The plan's name.
    """

    def __init__(self, scope: Construct, id: str, *, props: TableBackupProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.vault = Vault(
            self,
            "vault",
            placement=p,
            key=props.key,
            protect_data=props.protect_data,
            retention_days=props.retention_days,
        )
        self.plan_name = p.named(names.BACKUP_PLAN)
        plan = self._plan(props)
        BackupSelection(
            self,
            "selection",
            provider=p.provider,
            name=p.named(names.BACKUP_SELECTION),
            plan_id=plan.id,
            iam_role_arn=props.role_arn,
            resources=[p.arn(t) for t in names.TABLES.values()],
        )

    def _plan(self, props: TableBackupProps) -> BackupPlan:
        """Daily, kept ``retention_days``, each recovery point copied to every other vault."""
        p = props.placement
        lifecycle = BackupPlanRuleLifecycle(delete_after=props.retention_days)
        return BackupPlan(
            self,
            "plan",
            provider=p.provider,
            name=self.plan_name,
            rule=[
                BackupPlanRule(
                    rule_name="daily-with-cross-region-copy",
                    target_vault_name=self.vault.resource.name,
                    schedule=DAILY,
                    start_window=60,
                    completion_window=180,
                    lifecycle=lifecycle,
                    copy_action=[
                        BackupPlanRuleCopyAction(
                            destination_vault_arn=names.BACKUP_VAULT.arn(p.namer, p.account, r),
                            lifecycle=BackupPlanRuleCopyActionLifecycle(
                                delete_after=props.retention_days
                            ),
                        )
                        for r in props.copy_regions
                    ],
                )
            ],
            tags=p.tagged(self.plan_name),
        )
