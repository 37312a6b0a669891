"""The DynamoDB extension (global tables, stream records, tags), driven with boto3.

The DynamoDB global-tables extension is tested the way Terraform and the DR
runtime use it: UpdateTable ReplicaUpdates, DescribeTable in each region, and
reads in one region of what was written in the other.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit_emulator.runner import Emulator

EAST, WEST = "us-east-1", "us-west-2"


def key(pk: str, sk: str = "v0") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def kms_key(aws: Emulator, region: str) -> str:
    return str(
        aws.client("kms", region).create_key(Description=f"records {region}")["KeyMetadata"]["Arn"]
    )


def create_table(
    aws: Emulator, table: str, *, sse_key: str | None = None, region: str = EAST
) -> Any:
    """A table shaped like the stack's: pk/sk, a GSI, NEW_AND_OLD_IMAGES stream, on-demand."""
    ddb = aws.client("dynamodb", region)
    extra: dict[str, Any] = {}
    if sse_key is not None:
        extra["SSESpecification"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": sse_key}
    ddb.create_table(
        TableName=table,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "patient_id", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-patient",
                "KeySchema": [{"AttributeName": "patient_id", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        **extra,
    )
    return ddb


@pytest.fixture(name="table")
def _table(unique_name: str) -> str:
    """This test's table name."""
    return unique_name


@pytest.fixture
def global_table(aws: Emulator, table: str) -> dict[str, Any]:
    """A KMS-encrypted table in us-east-1 with a replica in us-west-2."""
    east_key, west_key = kms_key(aws, EAST), kms_key(aws, WEST)
    east = create_table(aws, table, sse_key=east_key)
    east.update_table(
        TableName=table,
        ReplicaUpdates=[{"Create": {"RegionName": WEST, "KMSMasterKeyId": west_key}}],
    )
    return {
        "east": east,
        "west": aws.client("dynamodb", WEST),
        "east_key": east_key,
        "west_key": west_key,
    }


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


# -- replication ----------------------------------------------------------------------


def test_writes_replicate_in_both_directions(global_table: dict[str, Any], table: str) -> None:
    """Put, update and delete in either region are visible in the other at once."""
    east, west = global_table["east"], global_table["west"]
    east.put_item(TableName=table, Item={**key("a"), "n": {"N": "1"}})
    assert west.get_item(TableName=table, Key=key("a"))["Item"]["n"] == {"N": "1"}

    west.update_item(
        TableName=table,
        Key=key("a"),
        UpdateExpression="SET n = n + :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    assert east.get_item(TableName=table, Key=key("a"))["Item"]["n"] == {"N": "2"}

    west.put_item(TableName=table, Item={**key("b"), "patient_id": {"S": "p1"}})
    found = east.query(
        TableName=table,
        IndexName="by-patient",
        KeyConditionExpression="patient_id = :p",
        ExpressionAttributeValues={":p": {"S": "p1"}},
    )["Items"]
    assert [i["pk"]["S"] for i in found] == ["b"]

    east.delete_item(TableName=table, Key=key("b"))
    assert "Item" not in west.get_item(TableName=table, Key=key("b"))


def test_last_writer_wins(global_table: dict[str, Any], table: str) -> None:
    """Two writes to the same item from different regions leave both regions with the later one."""
    east, west = global_table["east"], global_table["west"]
    east.put_item(TableName=table, Item={**key("x"), "by": {"S": "east"}})
    west.put_item(TableName=table, Item={**key("x"), "by": {"S": "west"}})
    for client in (east, west):
        assert client.get_item(TableName=table, Key=key("x"))["Item"]["by"] == {"S": "west"}


def test_batch_and_transactional_writes_replicate(global_table: dict[str, Any], table: str) -> None:
    """BatchWriteItem and TransactWriteItems in one region reach the other."""
    east, west = global_table["east"], global_table["west"]
    east.batch_write_item(
        RequestItems={table: [{"PutRequest": {"Item": key(f"batch{n}")}} for n in range(3)]}
    )
    west.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table, "Item": key("tx")}},
            {"Delete": {"TableName": table, "Key": key("batch0")}},
            {
                "Update": {
                    "TableName": table,
                    "Key": key("batch1"),
                    "UpdateExpression": "SET s = :s",
                    "ExpressionAttributeValues": {":s": {"S": "done"}},
                }
            },
        ]
    )
    keys = sorted(i["pk"]["S"] for i in east.scan(TableName=table)["Items"])
    assert keys == ["batch1", "batch2", "tx"]
    assert east.get_item(TableName=table, Key=key("batch1"))["Item"]["s"] == {"S": "done"}


def test_cancelled_transaction_replicates_nothing(global_table: dict[str, Any], table: str) -> None:
    """A transaction cancelled by a failed condition changes neither region."""
    east, west = global_table["east"], global_table["west"]
    with pytest.raises(ClientError, match="TransactionCanceled"):
        east.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": key("ghost")}},
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": key("missing"),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
    for client in (east, west):
        assert client.scan(TableName=table)["Items"] == []


def test_partiql_writes_replicate(global_table: dict[str, Any], table: str) -> None:
    """PartiQL INSERT and DELETE in one region reach the other."""
    east, west = global_table["east"], global_table["west"]
    east.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'q', 'sk': 'v0'}}")
    assert "Item" in west.get_item(TableName=table, Key=key("q"))
    west.execute_statement(Statement=f"DELETE FROM \"{table}\" WHERE pk = 'q' AND sk = 'v0'")
    assert "Item" not in east.get_item(TableName=table, Key=key("q"))


def test_ttl_setting_replicates(global_table: dict[str, Any], table: str) -> None:
    """Turning TTL on in one region turns it on for the replica too (as in AWS)."""
    global_table["east"].update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    ttl = global_table["west"].describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def stream_records(aws: Emulator, table: str, region: str) -> list[dict[str, Any]]:
    ddb, streams = aws.client("dynamodb", region), aws.client("dynamodbstreams", region)
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )
    return list(streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"])


def test_replicated_writes_appear_in_the_replica_stream_with_its_region(
    global_table: dict[str, Any], aws: Emulator, table: str
) -> None:
    """A write in us-east-1 is in us-west-2's stream as INSERT/MODIFY/REMOVE labelled us-west-2."""
    east = global_table["east"]
    east.put_item(TableName=table, Item={**key("s"), "v": {"N": "1"}})
    east.put_item(TableName=table, Item={**key("s"), "v": {"N": "2"}})
    east.delete_item(TableName=table, Key=key("s"))
    west_records = stream_records(aws, table, WEST)
    assert [r["eventName"] for r in west_records] == ["INSERT", "MODIFY", "REMOVE"]
    assert {r["awsRegion"] for r in west_records} == {WEST}
    assert west_records[1]["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert {r["awsRegion"] for r in stream_records(aws, table, EAST)} == {EAST}


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


def test_a_held_region_lags_until_released(
    aws: Emulator, global_table: dict[str, Any], table: str
) -> None:
    """Replication into a held region waits; release applies the source's current item."""
    east, west = global_table["east"], global_table["west"]
    status, _ = aws.post("/_drkit/dynamodb/replication", json.dumps({"hold": [WEST]}).encode())
    assert status == 200
    try:
        east.put_item(TableName=table, Item={**key("lagging"), "n": {"N": "1"}})
        east.put_item(TableName=table, Item={**key("lagging"), "n": {"N": "2"}})
        assert "Item" not in west.get_item(TableName=table, Key=key("lagging"))
    finally:
        status, body = aws.post("/_drkit/dynamodb/replication", b'{"release": true}')
    assert status == 200 and json.loads(body)["released"] == 2
    assert west.get_item(TableName=table, Key=key("lagging"))["Item"]["n"] == {"N": "2"}
