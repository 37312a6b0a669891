"""The DynamoDB extension's tables, driven with boto3: global-table replica lifecycle, tags.

The DynamoDB global-tables extension is tested the way Terraform and the DR
runtime use it: UpdateTable ReplicaUpdates and DescribeTable in each region.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit_emulator.runner import Emulator
from tests.emulator.dynamodb_support import EAST, WEST, create_table, key, kms_key

# -- replica lifecycle ----------------------------------------------------------------


def test_replica_create_is_active_and_listed_in_both_regions(
    global_table: dict[str, Any], table: str
) -> None:
    """Each region's DescribeTable lists the other region as an ACTIVE replica with its KMS key."""
    east = global_table["east"].describe_table(TableName=table)["Table"]
    west = global_table["west"].describe_table(TableName=table)["Table"]
    assert east["GlobalTableVersion"] == west["GlobalTableVersion"] == "2019.11.21"
    assert east["Replicas"] == [
        {"RegionName": WEST, "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": global_table["west_key"]}
    ]
    assert west["Replicas"] == [
        {"RegionName": EAST, "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": global_table["east_key"]}
    ]
    assert west["TableArn"] == east["TableArn"].replace(EAST, WEST)


def test_update_table_response_lists_the_new_replica(aws: Emulator, table: str) -> None:
    """The UpdateTable response already describes the replica (the provider reads it)."""
    east = create_table(aws, table)
    response = east.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    assert response["TableDescription"]["Replicas"] == [
        {"RegionName": WEST, "ReplicaStatus": "ACTIVE"}
    ]


def test_replica_has_the_source_schema_indexes_stream_and_its_own_key(
    global_table: dict[str, Any], table: str
) -> None:
    """The replica copies schema, attributes, billing, GSIs, stream spec; SSE uses its own key."""
    east = global_table["east"].describe_table(TableName=table)["Table"]
    west = global_table["west"].describe_table(TableName=table)["Table"]
    for field in ("KeySchema", "AttributeDefinitions", "BillingModeSummary", "StreamSpecification"):
        assert west[field] == east[field], field
    assert [i["IndexName"] for i in west["GlobalSecondaryIndexes"]] == ["by-patient"]
    assert west["SSEDescription"]["KMSMasterKeyArn"] == global_table["west_key"]
    assert west["LatestStreamArn"].startswith(west["TableArn"])


def test_existing_items_are_copied_to_a_new_replica(aws: Emulator, table: str) -> None:
    """Items written before the replica existed are readable in the replica."""
    east = create_table(aws, table)
    east.put_item(TableName=table, Item={**key("early"), "n": {"N": "1"}})
    east.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    item = aws.client("dynamodb", WEST).get_item(TableName=table, Key=key("early"))["Item"]
    assert item["n"] == {"N": "1"}


def test_replica_delete_removes_the_replica_then_the_primary_can_go(
    global_table: dict[str, Any], table: str
) -> None:
    """Delete removes the replica table and its listing; the primary then deletes; none is left."""
    east, west = global_table["east"], global_table["west"]
    east.update_table(TableName=table, ReplicaUpdates=[{"Delete": {"RegionName": WEST}}])
    assert table not in west.list_tables()["TableNames"]
    description = east.describe_table(TableName=table)["Table"]
    assert "Replicas" not in description and "GlobalTableVersion" not in description
    east.delete_table(TableName=table)
    assert table not in east.list_tables()["TableNames"]


def test_three_regions_each_list_the_other_two_and_share_writes(
    global_table: dict[str, Any], aws: Emulator, table: str
) -> None:
    """A third replica added through a replica joins the group; a write anywhere reaches all."""
    eu = "eu-west-1"
    global_table["west"].update_table(
        TableName=table,
        ReplicaUpdates=[{"Create": {"RegionName": eu, "KMSMasterKeyId": kms_key(aws, eu)}}],
    )
    clients = {
        EAST: global_table["east"],
        WEST: global_table["west"],
        eu: aws.client("dynamodb", eu),
    }
    for region, client in clients.items():
        listed = [
            r["RegionName"] for r in client.describe_table(TableName=table)["Table"]["Replicas"]
        ]
        assert sorted(listed) == sorted(set(clients) - {region}), region
    clients[eu].put_item(TableName=table, Item=key("from-eu"))
    for client in clients.values():
        assert "Item" in client.get_item(TableName=table, Key=key("from-eu"))


def test_delete_table_of_a_member_leaves_the_others(
    global_table: dict[str, Any], table: str
) -> None:
    """DeleteTable on a replica removes only that member; the other is no longer a global table."""
    global_table["west"].delete_table(TableName=table)
    east = global_table["east"].describe_table(TableName=table)["Table"]
    assert "Replicas" not in east
    global_table["east"].put_item(TableName=table, Item=key("after"))
    assert "Item" in global_table["east"].get_item(TableName=table, Key=key("after"))


def test_creating_an_existing_replica_says_already_exist(
    global_table: dict[str, Any], table: str
) -> None:
    """A second Create for a region fails: 'already exist' (the provider then sends an Update)."""
    with pytest.raises(ClientError, match="already exist"):
        global_table["east"].update_table(
            TableName=table,
            ReplicaUpdates=[
                {"Create": {"RegionName": WEST, "KMSMasterKeyId": global_table["west_key"]}}
            ],
        )


def test_update_changes_the_replica_key(
    global_table: dict[str, Any], aws: Emulator, table: str
) -> None:
    """An Update action moves the replica to another KMS key of its region."""
    new_key = kms_key(aws, WEST)
    global_table["east"].update_table(
        TableName=table,
        ReplicaUpdates=[{"Update": {"RegionName": WEST, "KMSMasterKeyId": new_key}}],
    )
    west = global_table["west"].describe_table(TableName=table)["Table"]
    assert west["SSEDescription"]["KMSMasterKeyArn"] == new_key


def test_deleting_an_unknown_replica_says_not_found(aws: Emulator, table: str) -> None:
    """Deleting an unknown replica fails with the message the provider's destroy accepts."""
    east = create_table(aws, table)
    with pytest.raises(ClientError, match="request was not found"):
        east.update_table(TableName=table, ReplicaUpdates=[{"Delete": {"RegionName": WEST}}])


def test_customer_managed_key_needs_a_replica_key(aws: Emulator, table: str) -> None:
    """As in AWS, a table under a customer managed key cannot get a replica without a key."""
    east = create_table(aws, table, sse_key=kms_key(aws, EAST))
    with pytest.raises(ClientError, match="KMSMasterKeyId must be specified for each replica"):
        east.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])


def test_replica_key_must_live_in_the_replica_region(aws: Emulator, table: str) -> None:
    """Passing the primary region's key for the replica is rejected, naming both regions."""
    east_key = kms_key(aws, EAST)
    east = create_table(aws, table, sse_key=east_key)
    with pytest.raises(
        ClientError, match="is in region us-east-1, but the replica is in us-west-2"
    ):
        east.update_table(
            TableName=table,
            ReplicaUpdates=[{"Create": {"RegionName": WEST, "KMSMasterKeyId": east_key}}],
        )
    assert table not in aws.client("dynamodb", WEST).list_tables()["TableNames"]


def test_reset_forgets_global_tables(
    global_table: dict[str, Any], aws: Emulator, table: str
) -> None:
    """After reset both regions are empty and the same global table can be built again."""
    aws.reset()
    assert aws.client("dynamodb", EAST).list_tables()["TableNames"] == []
    assert aws.client("dynamodb", WEST).list_tables()["TableNames"] == []
    east = create_table(aws, table)
    east.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    assert aws.client("dynamodb", WEST).list_tables()["TableNames"] == [table]


# -- tags -------------------------------------------------------------------------------


def test_tag_resource_overwrites_an_existing_key(aws: Emulator, table: str) -> None:
    """Tagging a key again replaces its value instead of adding a second entry."""
    ddb = create_table(aws, table)
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    ddb.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "Owner", "Value": "a"}, {"Key": "Env", "Value": "dr"}]
    )
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "Owner", "Value": "b"}])
    tags = ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("Env", "dr"), ("Owner", "b")]
