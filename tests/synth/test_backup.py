"""The synthesized AWS Backup plan: daily table backups copied to every other region.

Checked over the default stack and the three-region example: the schedule, the copies,
the vaults' keys, what is selected, and who may run the jobs.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import (
    account_token,
    as_list,
    only,
    ref,
    region_of,
    resources,
    role_statements,
    statements,
    table_arn_parts,
)

pytestmark = pytest.mark.synth

#: An AWS cron expression firing once a day: fixed minute and hour, every day of every month.
DAILY = re.compile(r"cron\((?P<minute>\d{1,2}) (?P<hour>\d{1,2}) \* \* \? \*\)")


def _vault_region(stack, reference: str) -> str:
    kind, name, _ = ref(reference)
    assert kind == "aws_backup_vault", reference
    return region_of(stack, resources(stack, "aws_backup_vault")[name])


def test_plan_runs_daily_in_the_primary(case):
    """The plan lives in the primary region and every rule fires once a day."""
    spec, stack = case
    plan = only(stack, "aws_backup_plan")
    assert region_of(stack, plan) == spec.primary.region
    assert plan["rule"]
    for rule in plan["rule"]:
        when = DAILY.fullmatch(rule["schedule"])
        assert when, f"{rule['schedule']} is not a daily schedule"
        assert int(when["minute"]) < 60 and int(when["hour"]) < 24


def test_every_recovery_point_is_copied_to_every_other_region(case):
    """Every rule backs up to the primary's vault and copies, kept as long, to each other region."""
    spec, stack = case
    others = sorted(r.region for r in spec.secondaries)
    for rule in only(stack, "aws_backup_plan")["rule"]:
        assert _vault_region(stack, rule["target_vault_name"]) == spec.primary.region
        copies = rule["copy_action"]
        assert sorted(_vault_region(stack, c["destination_vault_arn"]) for c in copies) == others
        for copy in copies:
            assert copy["lifecycle"]["delete_after"] >= rule["lifecycle"]["delete_after"]


def test_every_vault_is_encrypted_with_its_own_regions_key(case):
    """One vault per region, each encrypted with a key of that region."""
    spec, stack = case
    keys = resources(stack, "aws_kms_key")
    vaults = resources(stack, "aws_backup_vault").values()
    assert sorted(region_of(stack, v) for v in vaults) == sorted(r.region for r in spec.regions)
    for vault in vaults:
        kind, key, _ = ref(vault["kms_key_arn"])
        assert kind == "aws_kms_key"
        assert region_of(stack, keys[key]) == region_of(stack, vault)


def test_selection_covers_both_tables(case):
    """The plan's selection names both global tables, in the primary region."""
    spec, stack = case
    selection = only(stack, "aws_backup_selection")
    (plan,) = resources(stack, "aws_backup_plan")
    assert ref(selection["plan_id"])[:2] == ("aws_backup_plan", plan)
    tables = resources(stack, "aws_dynamodb_table").values()
    assert len(tables) == 2
    assert sorted(table_arn_parts(arn) for arn in selection["resources"]) == sorted(
        (spec.primary.region, t["name"]) for t in tables
    )


def test_role_is_trusted_by_backup_for_this_account_only(case):
    """The selection's role trusts backup.amazonaws.com, only on behalf of this account."""
    _, stack = case
    kind, role, _ = ref(only(stack, "aws_backup_selection")["iam_role_arn"])
    assert kind == "aws_iam_role"
    (trust,) = statements(resources(stack, "aws_iam_role")[role], "assume_role_policy")
    assert trust["Effect"] == "Allow" and trust["Action"] == "sts:AssumeRole"
    assert trust["Principal"] == {"Service": "backup.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": account_token(stack)}}


def test_role_may_use_every_vaults_key_through_backup(case):
    """Both halves of each vault key's permission: the role's policy and the key's grant."""
    _, stack = case
    role_arn = only(stack, "aws_backup_selection")["iam_role_arn"]
    role = ref(role_arn)[1]
    keys = resources(stack, "aws_kms_key")
    identity = role_statements(stack, role)
    for vault in resources(stack, "aws_backup_vault").values():
        key_arn = vault["kms_key_arn"]
        region = region_of(stack, vault)
        allowed = [
            s
            for s in identity
            if s["Effect"] == "Allow"
            and key_arn in as_list(s["Resource"])
            and "kms:CreateGrant" in as_list(s["Action"])
        ]
        assert allowed, f"the backup role may not use the key of the vault in {region}"
        granted = [
            s
            for s in statements(keys[ref(key_arn)[1]])
            if s["Effect"] == "Allow"
            and s["Principal"] == {"AWS": role_arn}
            and "kms:CreateGrant" in as_list(s["Action"])
        ]
        assert granted, f"the key of the vault in {region} does not admit the backup role"
        for statement in (*allowed, *granted):
            via = as_list(statement["Condition"]["StringEquals"]["kms:ViaService"])
            assert f"backup.{region}.amazonaws.com" in via
