"""The DynamoDB extension's replication, driven with boto3: writes in one region read in the
other, stream records of replicated writes, and a held region's lag."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit_emulator.runner import Emulator
from tests.emulator.dynamodb_support import EAST, WEST, key

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


# -- lag ------------------------------------------------------------------------------


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


def test_concurrent_writes_in_two_regions_settle_on_the_last(
    aws: Emulator, global_table: dict[str, Any], table: str
) -> None:
    """One item written in each region while replication waits both ways: once released both
    replicas hold the later write (last writer wins), not each other's."""
    east, west = global_table["east"], global_table["west"]
    east.put_item(TableName=table, Item={**key("both"), "n": {"N": "0"}})
    aws.post("/_drkit/dynamodb/replication", json.dumps({"hold": [EAST, WEST]}).encode())
    try:
        east.put_item(TableName=table, Item={**key("both"), "n": {"N": "1"}})
        west.put_item(TableName=table, Item={**key("both"), "n": {"N": "2"}})
    finally:
        aws.post("/_drkit/dynamodb/replication", b'{"release": true}')
    for client in (east, west):
        assert client.get_item(TableName=table, Key=key("both"))["Item"]["n"] == {"N": "2"}
    # A later write anywhere still replicates: the discarded one left no stale time behind.
    east.put_item(TableName=table, Item={**key("both"), "n": {"N": "3"}})
    assert west.get_item(TableName=table, Key=key("both"))["Item"]["n"] == {"N": "3"}
