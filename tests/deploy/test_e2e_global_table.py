"""End to end: the real Terraform and hashicorp/aws 5.100.0 build a global table on the emulator.

This is the scenario that hung before the global-tables extension: the
provider waited forever for the replica. It now applies, a second plan shows
no changes (the emulator describes the table exactly as the provider expects),
and destroy leaves no table in either region. Everything runs offline: the
provider comes from the local mirror.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from drkit.deploy.terraform import Terraform
from drkit_emulator.runner import Emulator

FIXTURE = Path(__file__).parent / "fixtures" / "global_table" / "main.tf"
TABLE = "drkit-e2e-records"


@pytest.mark.e2e
@pytest.mark.usefixtures("real_terraform")
def test_global_table_applies_plans_clean_and_destroys(tmp_path: Path) -> None:
    """apply succeeds, the next plan has no changes, destroy removes the table in both regions."""
    stack = tmp_path / "stack"
    stack.mkdir()
    shutil.copy(FIXTURE, stack / "main.tf")
    with Emulator(log_dir=tmp_path / "emulator") as aws:
        (stack / "terraform.auto.tfvars.json").write_text(
            json.dumps({"endpoint": aws.endpoint_url})
        )
        # A hang (the old failure mode) must fail the test, not stall the run.
        tf = Terraform.for_stack(stack, step_timeout_seconds=180)
        try:
            tf.init()
            tf.apply()
            east, west = aws.client("dynamodb", "us-east-1"), aws.client("dynamodb", "us-west-2")
            replica = west.describe_table(TableName=TABLE)["Table"]
            assert replica["TableStatus"] == "ACTIVE"
            assert replica["Replicas"] == [
                {
                    "RegionName": "us-east-1",
                    "ReplicaStatus": "ACTIVE",
                    "KMSMasterKeyId": east.describe_table(TableName=TABLE)["Table"][
                        "SSEDescription"
                    ]["KMSMasterKeyArn"],
                }
            ]
            tags = west.list_tags_of_resource(ResourceArn=replica["TableArn"])["Tags"]
            assert {t["Key"]: t["Value"] for t in tags} == {
                "DataClassification": "PHI",
                "Owner": "drkit-e2e",
            }
            pitr = west.describe_continuous_backups(TableName=TABLE)["ContinuousBackupsDescription"]
            assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
            outputs = tf.output_json()
            assert outputs["replica_arns"]["value"] == [replica["TableArn"]]

            # Written in one region, read in the other: Terraform's table replicates too.
            east.put_item(TableName=TABLE, Item={"pk": {"S": "patient#1"}, "sk": {"S": "v0"}})
            assert "Item" in west.get_item(
                TableName=TABLE, Key={"pk": {"S": "patient#1"}, "sk": {"S": "v0"}}
            )

            assert tf.plan() is False, "a plan right after apply must show no changes"
            # The plan just refreshed every resource; no refresh saves a provider start-up.
            tf.destroy(refresh=False)
            assert east.list_tables()["TableNames"] == []
            assert west.list_tables()["TableNames"] == []
            assert tf.state_list() == []
        finally:
            print(tf.timing_report())
