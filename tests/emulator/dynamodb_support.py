"""The DynamoDB emulator tests' tables: a stack-shaped table, KMS keys and a two-region
global table (fixtures re-exported by conftest.py for test_dynamodb*.py)."""

from __future__ import annotations

from typing import Any

import pytest

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
