"""The AWS Backup extension (selections, recovery points, ListTags), driven with boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit_emulator.runner import Emulator
from tests.emulator.roles import service_role

EAST = "us-east-1"


def backup_role(aws: Emulator, name: str) -> str:
    return service_role(aws, name, "backup.amazonaws.com", EAST)


def create_plan(aws: Emulator, name: str) -> str:
    backup = aws.client("backup", EAST)
    backup.create_backup_vault(BackupVaultName=name)
    plan = backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": name,
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": name,
                    "ScheduleExpression": "cron(0 5 * * ? *)",
                    "Lifecycle": {"DeleteAfterDays": 35},
                }
            ],
        }
    )
    return str(plan["BackupPlanId"])


def table_arns(name: str) -> list[str]:
    return [f"arn:aws:dynamodb:{EAST}:123456789012:table/{name}-{i}" for i in (1, 2)]


@pytest.fixture
def plan_and_role(aws: Emulator, unique_name: str) -> dict[str, str]:
    """A backup plan (with its vault) and a role AWS Backup can use, both named for the test."""
    return {"plan_id": create_plan(aws, unique_name), "role_arn": backup_role(aws, unique_name)}


def create_selection(aws: Emulator, plan_and_role: dict[str, str], name: str) -> dict[str, Any]:
    # The shape Terraform sends: empty Conditions, ListOfTags and NotResources included.
    return dict(
        aws.client("backup", EAST).create_backup_selection(
            BackupPlanId=plan_and_role["plan_id"],
            BackupSelection={
                "SelectionName": "tables",
                "IamRoleArn": plan_and_role["role_arn"],
                "Resources": table_arns(name),
                "NotResources": [],
                "ListOfTags": [],
                "Conditions": {},
            },
        )
    )


def test_selection_round_trips(
    aws: Emulator, plan_and_role: dict[str, str], unique_name: str
) -> None:
    """GetBackupSelection returns the name, role and resources CreateBackupSelection stored."""
    created = create_selection(aws, plan_and_role, unique_name)
    assert created["BackupPlanId"] == plan_and_role["plan_id"]
    got = aws.client("backup", EAST).get_backup_selection(
        BackupPlanId=plan_and_role["plan_id"], SelectionId=created["SelectionId"]
    )
    assert got["SelectionId"] == created["SelectionId"]
    selection = got["BackupSelection"]
    assert selection["SelectionName"] == "tables"
    assert selection["IamRoleArn"] == plan_and_role["role_arn"]
    assert sorted(selection["Resources"]) == sorted(table_arns(unique_name))


def test_selections_are_listed_per_plan(
    aws: Emulator, plan_and_role: dict[str, str], unique_name: str
) -> None:
    """ListBackupSelections lists the plan's selections with their names and roles."""
    created = create_selection(aws, plan_and_role, unique_name)
    listed = aws.client("backup", EAST).list_backup_selections(
        BackupPlanId=plan_and_role["plan_id"]
    )
    assert [
        (s["SelectionId"], s["SelectionName"], s["IamRoleArn"])
        for s in listed["BackupSelectionsList"]
    ] == [(created["SelectionId"], "tables", plan_and_role["role_arn"])]


def test_deleted_selection_is_gone_and_deleting_again_is_invalid(
    aws: Emulator, plan_and_role: dict[str, str], unique_name: str
) -> None:
    """After DeleteBackupSelection, Get is ResourceNotFound, a 2nd Delete InvalidParameterValue."""
    backup = aws.client("backup", EAST)
    selection_id = create_selection(aws, plan_and_role, unique_name)["SelectionId"]
    key = {"BackupPlanId": plan_and_role["plan_id"], "SelectionId": selection_id}
    backup.delete_backup_selection(**key)
    with pytest.raises(ClientError) as caught:
        backup.get_backup_selection(**key)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as caught:
        backup.delete_backup_selection(**key)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException"


def test_selection_needs_an_existing_role(aws: Emulator, unique_name: str) -> None:
    """A role that does not exist is refused at once, without the words the provider retries on."""
    plan_id = create_plan(aws, unique_name)
    with pytest.raises(ClientError) as caught:
        aws.client("backup", EAST).create_backup_selection(
            BackupPlanId=plan_id,
            BackupSelection={
                "SelectionName": "tables",
                "IamRoleArn": f"arn:aws:iam::123456789012:role/{unique_name}-missing",
                "Resources": table_arns(unique_name),
            },
        )
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert "does not exist" in error["Message"] and "cannot be assumed" not in error["Message"]


def test_selection_needs_an_existing_plan(aws: Emulator, unique_name: str) -> None:
    """An unknown plan is InvalidParameterValue "Cannot find Backup plan" (provider: not found)."""
    role = backup_role(aws, unique_name)
    with pytest.raises(ClientError) as caught:
        aws.client("backup", EAST).create_backup_selection(
            BackupPlanId="no-such-plan",
            BackupSelection={"SelectionName": "tables", "IamRoleArn": role, "Resources": []},
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "Cannot find Backup plan" in caught.value.response["Error"]["Message"]


def test_plan_with_selections_cannot_be_deleted(
    aws: Emulator, plan_and_role: dict[str, str], unique_name: str
) -> None:
    """DeleteBackupPlan refuses while selections remain, as AWS does; after they go, it succeeds."""
    backup = aws.client("backup", EAST)
    selection_id = create_selection(aws, plan_and_role, unique_name)["SelectionId"]
    with pytest.raises(ClientError) as caught:
        backup.delete_backup_plan(BackupPlanId=plan_and_role["plan_id"])
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"
    backup.delete_backup_selection(BackupPlanId=plan_and_role["plan_id"], SelectionId=selection_id)
    backup.delete_backup_plan(BackupPlanId=plan_and_role["plan_id"])


def test_deleted_plan_name_can_be_used_again(aws: Emulator, unique_name: str) -> None:
    """A plan created, deleted and created again by name (a re-apply after destroy) works."""
    backup = aws.client("backup", EAST)
    first = create_plan(aws, unique_name)
    backup.delete_backup_plan(BackupPlanId=first)
    backup.delete_backup_vault(BackupVaultName=unique_name)
    second = create_plan(aws, unique_name)
    assert second != first
    with pytest.raises(ClientError) as caught:
        create_plan(aws, unique_name)  # a live plan's name is still taken (after its vault)
    assert caught.value.response["Error"]["Code"] == "AlreadyExistsException"


def test_vault_has_no_recovery_points(aws: Emulator, unique_name: str) -> None:
    """ListRecoveryPointsByBackupVault answers an empty list (the provider's force_destroy path)."""
    backup = aws.client("backup", EAST)
    backup.create_backup_vault(BackupVaultName=unique_name)
    assert (
        backup.list_recovery_points_by_backup_vault(BackupVaultName=unique_name)["RecoveryPoints"]
        == []
    )


def test_recovery_points_of_an_unknown_vault_are_not_found(aws: Emulator, unique_name: str) -> None:
    """Listing the recovery points of a vault that does not exist is ResourceNotFound."""
    with pytest.raises(ClientError) as caught:
        aws.client("backup", EAST).list_recovery_points_by_backup_vault(BackupVaultName=unique_name)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_deleting_a_recovery_point_is_not_found(aws: Emulator, unique_name: str) -> None:
    """DeleteRecoveryPoint is routed and answers ResourceNotFound: there are none."""
    backup = aws.client("backup", EAST)
    backup.create_backup_vault(BackupVaultName=unique_name)
    with pytest.raises(ClientError) as caught:
        backup.delete_recovery_point(
            BackupVaultName=unique_name,
            RecoveryPointArn=f"arn:aws:backup:{EAST}:123456789012:recovery-point:{unique_name}",
        )
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize("trailing_slash", [True, False], ids=["boto3-style", "go-sdk-style"])
def test_list_tags_finds_the_resource_with_or_without_trailing_slash(
    aws: Emulator, unique_name: str, trailing_slash: bool
) -> None:
    """ListTags finds the vault's tags whether the path ends in / (boto3) or not (the Go SDK)."""
    backup = aws.client("backup", EAST)
    arn = backup.create_backup_vault(
        BackupVaultName=unique_name, BackupVaultTags={"Name": unique_name}
    )["BackupVaultArn"]

    def strip_trailing_slash(request: Any, **_: Any) -> None:
        if not trailing_slash and request.url.endswith("/"):
            request.url = request.url[:-1]

    backup.meta.events.register("before-sign.backup.ListTags", strip_trailing_slash)
    assert backup.list_tags(ResourceArn=arn)["Tags"] == {"Name": unique_name}


# -- plan updates (day-2 changes: a region added or removed) ----------------------------


def test_update_backup_plan_makes_a_new_version_that_get_returns(
    aws: Emulator, unique_name: str
) -> None:
    """What the provider sends when a rule changes, and what it reads back afterwards."""
    backup = aws.client("backup", EAST)
    plan_id = create_plan(aws, unique_name)
    before = backup.get_backup_plan(BackupPlanId=plan_id)
    copy_to = f"arn:aws:backup:us-west-2:123456789012:backup-vault:{unique_name}"
    new_plan = {
        "BackupPlanName": unique_name,
        "Rules": [
            {
                "RuleName": "daily",
                "TargetBackupVaultName": unique_name,
                "ScheduleExpression": "cron(0 6 * * ? *)",
                "Lifecycle": {"DeleteAfterDays": 35},
                "CopyActions": [
                    {"DestinationBackupVaultArn": copy_to, "Lifecycle": {"DeleteAfterDays": 35}}
                ],
            }
        ],
        "AdvancedBackupSettings": [
            {"ResourceType": "EC2", "BackupOptions": {"WindowsVSS": "enabled"}}
        ],
    }
    updated = backup.update_backup_plan(BackupPlanId=plan_id, BackupPlan=new_plan)
    assert updated["BackupPlanId"] == plan_id
    assert updated["BackupPlanArn"] == before["BackupPlanArn"]
    assert updated["CreationDate"] == before["CreationDate"]
    assert updated["VersionId"] != before["VersionId"]
    assert updated["AdvancedBackupSettings"] == new_plan["AdvancedBackupSettings"]

    after = backup.get_backup_plan(BackupPlanId=plan_id)
    assert after["VersionId"] == updated["VersionId"]
    (rule,) = after["BackupPlan"]["Rules"]
    assert rule["ScheduleExpression"] == "cron(0 6 * * ? *)"
    assert rule["CopyActions"][0]["DestinationBackupVaultArn"] == copy_to
    assert rule["RuleId"] and rule["StartWindowMinutes"] == 480
    assert after["AdvancedBackupSettings"] == new_plan["AdvancedBackupSettings"]
    # The earlier version stays readable by its id; a second update makes a third version.
    old = backup.get_backup_plan(BackupPlanId=plan_id, VersionId=before["VersionId"])
    assert old["BackupPlan"]["Rules"][0]["ScheduleExpression"] == "cron(0 5 * * ? *)"
    new_plan["Rules"][0].pop("CopyActions")
    again = backup.update_backup_plan(BackupPlanId=plan_id, BackupPlan=new_plan)
    assert again["VersionId"] not in {before["VersionId"], updated["VersionId"]}
    assert (
        "CopyActions" not in backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]["Rules"][0]
    )


def test_updating_an_unknown_or_deleted_plan_is_not_found(aws: Emulator, unique_name: str) -> None:
    backup = aws.client("backup", EAST)
    plan_id = create_plan(aws, unique_name)
    document = {
        "BackupPlanName": unique_name,
        "Rules": [{"RuleName": "daily", "TargetBackupVaultName": unique_name}],
    }
    backup.delete_backup_plan(BackupPlanId=plan_id)
    for missing in (plan_id, "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(ClientError) as error:
            backup.update_backup_plan(BackupPlanId=missing, BackupPlan=document)
        assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
