"""The synthesized AWS Backup plans: each region backs up its replicas daily and copies them
to every other region.

Checked over the default stack and the three-region example: the schedules, the copies,
the vaults' keys, what each region selects, and who may run the jobs.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import (
    account_token,
    as_list,
    ref,
    region_of,
    resources,
    role_logical,
    role_statements,
    statements,
    table_arn_parts,
)

pytestmark = pytest.mark.synth

#: An AWS cron expression firing once a day: fixed minute and hour, every day of every month.
DAILY = re.compile(r"cron\((?P<minute>\d{1,2}) (?P<hour>\d{1,2}) \* \* \? \*\)")
VAULT_ARN = re.compile(r"arn:[^:]+:backup:(?P<region>[a-z0-9-]+):[^:]+:backup-vault:(?P<name>.+)")


def _by_region(stack, kind: str) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for body in resources(stack, kind).values():
        region = region_of(stack, body)
        assert region not in found, f"two {kind} in {region}"
        found[region] = body
    return found


def _vault_region(stack, value: str) -> str:
    """The region of the vault ``value`` names: a reference (its own region's) or an ARN."""
    found = ref(value)
    if found is not None:
        assert found[0] == "aws_backup_vault", value
        return region_of(stack, resources(stack, "aws_backup_vault")[found[1]])
    match = VAULT_ARN.fullmatch(value)
    assert match, value
    names = {v["name"]: region_of(stack, v) for v in resources(stack, "aws_backup_vault").values()}
    assert names[match["name"]] == match["region"], value
    return match["region"]


def test_every_region_backs_up_daily(case):
    """One plan per region, in that region, every rule firing once a day: backups go on
    while any region is down."""
    spec, stack = case
    plans = _by_region(stack, "aws_backup_plan")
    assert set(plans) == {r.region for r in spec.regions}
    for plan in plans.values():
        assert plan["rule"]
        for rule in plan["rule"]:
            when = DAILY.fullmatch(rule["schedule"])
            assert when, f"{rule['schedule']} is not a daily schedule"
            assert int(when["minute"]) < 60 and int(when["hour"]) < 24


def test_every_recovery_point_is_copied_to_every_other_region(case):
    """Each region's rules back up to its own vault and copy, kept as long, to each other
    region's vault (named by ARN: that vault is in its own region's stack)."""
    spec, stack = case
    for region, plan in _by_region(stack, "aws_backup_plan").items():
        others = sorted(r.region for r in spec.regions if r.region != region)
        for rule in plan["rule"]:
            assert _vault_region(stack, rule["target_vault_name"]) == region
            copies = rule["copy_action"]
            assert sorted(_vault_region(stack, c["destination_vault_arn"]) for c in copies) == (
                others
            )
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


def test_each_selection_covers_both_tables_in_its_region(case):
    """Each region's selection names both global tables' replicas there, for its own plan."""
    _, stack = case
    plans = _by_region(stack, "aws_backup_plan")
    tables = resources(stack, "aws_dynamodb_table").values()
    assert len(tables) == 2
    for region, selection in _by_region(stack, "aws_backup_selection").items():
        plan = resources(stack, "aws_backup_plan")[ref(selection["plan_id"])[1]]
        assert plan is plans[region]
        assert sorted(table_arn_parts(arn) for arn in selection["resources"]) == sorted(
            (region, t["name"]) for t in tables
        )


def test_each_role_is_trusted_by_backup_for_this_account_only(case):
    """Each selection's role trusts backup.amazonaws.com, only on behalf of this account."""
    _, stack = case
    for selection in resources(stack, "aws_backup_selection").values():
        role = role_logical(stack, selection["iam_role_arn"])
        (trust,) = statements(resources(stack, "aws_iam_role")[role], "assume_role_policy")
        assert trust["Effect"] == "Allow" and trust["Action"] == "sts:AssumeRole"
        assert trust["Principal"] == {"Service": "backup.amazonaws.com"}
        assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": account_token(stack)}}


def test_each_role_may_use_every_vaults_key_through_backup(case):
    """Both halves of each vault key's permission for every region's backup role: its policy
    (the key named by its alias) and the key's policy (the role named by ARN)."""
    _, stack = case
    keys = resources(stack, "aws_kms_key")
    aliases = {
        ref(a["target_key_id"])[1]: a["name"] for a in resources(stack, "aws_kms_alias").values()
    }
    for selection in resources(stack, "aws_backup_selection").values():
        role_arn = selection["iam_role_arn"]
        identity = role_statements(stack, role_logical(stack, role_arn))
        for vault in resources(stack, "aws_backup_vault").values():
            key = ref(vault["kms_key_arn"])[1]
            region = region_of(stack, vault)
            allowed = [
                s
                for s in identity
                if s["Effect"] == "Allow"
                and "kms:CreateGrant" in as_list(s["Action"])
                and s["Condition"].get("ForAnyValue:StringEquals", {}).get("kms:ResourceAliases")
                == aliases[key]
            ]
            assert allowed, f"the backup role may not use the key of the vault in {region}"
            granted = [
                s
                for s in statements(keys[key])
                if s["Effect"] == "Allow"
                and s["Principal"] == {"AWS": role_arn}
                and "kms:CreateGrant" in as_list(s["Action"])
            ]
            assert granted, f"the key of the vault in {region} does not admit {role_arn}"
            for statement in (*allowed, *granted):
                via = as_list(statement["Condition"]["StringEquals"]["kms:ViaService"])
                assert f"backup.{region}.amazonaws.com" in via


def test_vaults_are_locked_exactly_when_data_is_protected(case):
    """One Vault Lock per vault with protect_data, none without (a test layout must stay
    destroyable); tests/constructs/test_backup.py checks the lock itself."""
    spec, stack = case
    locks = resources(stack, "aws_backup_vault_lock_configuration").values()
    vaults = resources(stack, "aws_backup_vault")
    locked = sorted(ref(lock["backup_vault_name"])[1] for lock in locks)
    assert locked == (sorted(vaults) if spec.protect_data else [])
