"""IAM enforced in the emulator: a role's session may do what its policies and the bucket's
policy allow, as AWS would decide, and nothing else. One emulator for the module, enforcing
from the start (its own process: enforcement would refuse the shared emulator's dummy keys)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from drkit_emulator.runner import Emulator
from tests.runtime.support import create_audit_table

# The module's emulator is a server process of its own.
pytestmark = pytest.mark.slow

EAST = "us-east-1"
ACCOUNT = "123456789012"
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@pytest.fixture(scope="module")
def enforced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with Emulator(log_dir=tmp_path_factory.mktemp("iam-logs")) as emulator:
        emulator.enforce_iam()
        yield emulator


def _session(emulator: Emulator, statements: list[dict[str, Any]]) -> boto3.Session:
    """The session Lambda would hand a function whose role holds exactly ``statements``."""
    function = _function(emulator, LAMBDA_TRUST, statements)
    status, answer = _execution_credentials(emulator, function)
    assert status == 200, answer
    return boto3.Session(
        aws_access_key_id=answer["AccessKeyId"],
        aws_secret_access_key=answer["SecretAccessKey"],
        aws_session_token=answer["SessionToken"],
        region_name=EAST,
    )


def _client(emulator: Emulator, session: boto3.Session, service: str) -> Any:
    return session.client(service, endpoint_url=emulator.endpoint_url)


def _code(call: Any) -> str:
    try:
        call()
    except ClientError as exc:
        return str(exc.response["Error"]["Code"])
    return "ok"


@pytest.fixture(scope="module")
def tables(enforced: Emulator) -> tuple[str, str]:
    ddb = enforced.client("dynamodb")
    names = (f"records-{uuid.uuid4().hex[:6]}", f"audit-{uuid.uuid4().hex[:6]}")
    for name in names:
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    return names


def _table_arn(name: str) -> str:
    return f"arn:aws:dynamodb:{EAST}:{ACCOUNT}:table/{name}"


def test_a_role_reads_its_table_and_is_refused_another_as_dynamodb_refuses(enforced, tables):
    records, audit = tables
    session = _session(
        enforced,
        [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": _table_arn(records)}],
    )
    ddb = _client(enforced, session, "dynamodb")
    key = {"id": {"S": "x"}}
    assert _code(lambda: ddb.get_item(TableName=records, Key=key)) == "ok"
    assert _code(lambda: ddb.get_item(TableName=audit, Key=key)) == "AccessDeniedException"
    assert _code(lambda: ddb.put_item(TableName=records, Item=key)) == "AccessDeniedException"


def test_a_transaction_needs_each_item_s_action_on_each_item_s_table(enforced, tables):
    records, audit = tables
    put_records = {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": _table_arn(records)}
    items = [
        {"Put": {"TableName": records, "Item": {"id": {"S": "t1"}}}},
        {"Put": {"TableName": audit, "Item": {"id": {"S": "t1"}}}},
    ]
    only_records = _client(enforced, _session(enforced, [put_records]), "dynamodb")
    assert (
        _code(lambda: only_records.transact_write_items(TransactItems=items))
        == "AccessDeniedException"
    )
    both = {**put_records, "Resource": [_table_arn(records), _table_arn(audit)]}
    ddb = _client(enforced, _session(enforced, [both]), "dynamodb")
    assert _code(lambda: ddb.transact_write_items(TransactItems=items)) == "ok"


def test_metrics_only_in_the_namespace_the_condition_names(enforced):
    statement = {
        "Effect": "Allow",
        "Action": "cloudwatch:PutMetricData",
        "Resource": "*",
        "Condition": {"StringEquals": {"cloudwatch:namespace": "DrKit/Replication"}},
    }
    cw = _client(enforced, _session(enforced, [statement]), "cloudwatch")
    datum = [{"MetricName": "m", "Value": 1.0}]
    assert (
        _code(lambda: cw.put_metric_data(Namespace="DrKit/Replication", MetricData=datum)) == "ok"
    )
    assert _code(lambda: cw.put_metric_data(Namespace="Other", MetricData=datum)) != "ok"


@pytest.fixture
def bucket(enforced: Emulator) -> str:
    name = f"data-{uuid.uuid4().hex[:8]}"
    enforced.client("s3").create_bucket(Bucket=name)
    return name


def _bucket_policy(bucket: str) -> dict[str, Any]:
    """drkit's data-bucket denials: plain HTTP, old TLS, another encryption named."""
    objects = f"arn:aws:s3:::{bucket}/*"
    header = "s3:x-amz-server-side-encryption"

    def deny(sid: str, condition: dict[str, Any]) -> dict[str, Any]:
        resource = [f"arn:aws:s3:::{bucket}", objects]
        return {
            "Sid": sid,
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "s3:*",
            "Resource": resource,
            "Condition": condition,
        }

    return {
        "Version": "2012-10-17",
        "Statement": [
            deny("DenyInsecureTransport", {"Bool": {"aws:SecureTransport": "false"}}),
            deny("DenyOutdatedTls", {"NumericLessThan": {"s3:TlsVersion": "1.2"}}),
            deny(
                "DenyUploadsNamingAnotherEncryption",
                {"StringNotEquals": {header: "aws:kms"}, "Null": {header: "false"}},
            ),
        ],
    }


def test_objects_under_a_bucket_policy_are_decided_as_aws_decides(enforced, bucket):
    """moto alone refuses every object request here (it reads Bool and Null as met)."""
    enforced.client("s3").put_bucket_policy(
        Bucket=bucket, Policy=json.dumps(_bucket_policy(bucket))
    )
    statements = [
        {
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:GetObject"],
            "Resource": f"arn:aws:s3:::{bucket}/own/*",
        },
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}"},
    ]
    s3 = _client(enforced, _session(enforced, statements), "s3")
    assert _code(lambda: s3.put_object(Bucket=bucket, Key="own/a", Body=b"x")) == "ok"
    assert _code(lambda: s3.get_object(Bucket=bucket, Key="own/a")) == "ok"
    assert _code(lambda: s3.head_bucket(Bucket=bucket)) == "ok"  # s3:ListBucket
    assert (
        _code(
            lambda: s3.put_object(
                Bucket=bucket, Key="own/b", Body=b"x", ServerSideEncryption="AES256"
            )
        )
        == "AccessDenied"
    )
    assert _code(lambda: s3.put_object(Bucket=bucket, Key="other/a", Body=b"x")) == "AccessDenied"


def test_an_unknown_access_key_is_refused(enforced):
    stranger = boto3.client(
        "dynamodb",
        endpoint_url=enforced.endpoint_url,
        region_name=EAST,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="x",
    )
    assert _code(lambda: stranger.list_tables()) != "ok"


def _function(
    emulator: Emulator, trust: dict[str, Any], statements: list[dict[str, Any]] | None = None
) -> str:
    """A function whose role has ``trust`` and an inline policy of ``statements``."""
    iam, name = emulator.client("iam"), f"fn-{uuid.uuid4().hex[:8]}"
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    if statements:
        document = {"Version": "2012-10-17", "Statement": statements}
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(document))
    emulator.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="h.handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
    )
    return name


def _execution_credentials(emulator: Emulator, function: str) -> tuple[int, dict[str, Any]]:
    body = json.dumps({"FunctionName": function, "Region": EAST}).encode()
    status, answer = emulator.post("/_drkit/lambda/execution-credentials", body)
    return status, json.loads(answer)


def test_lambda_gets_its_role_s_session_only_if_the_role_trusts_lambda(enforced):
    status, answer = _execution_credentials(enforced, _function(enforced, LAMBDA_TRUST))
    assert status == 200 and answer["SessionToken"]
    ec2_trust = json.loads(
        json.dumps(LAMBDA_TRUST).replace("lambda.amazonaws.com", "ec2.amazonaws.com")
    )
    status, answer = _execution_credentials(enforced, _function(enforced, ec2_trust))
    assert status == 403 and "does not trust lambda.amazonaws.com" in answer["error"]


OPERATOR_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    ],
}


def test_assume_role_needs_the_trust_policy_to_admit_the_caller(enforced):
    """A role trusted by the account with MFA: a function's session, even one allowed
    sts:AssumeRole, is refused (no MFA); a role trusting only Lambda refuses the deployer."""
    iam = enforced.client("iam")
    operator = iam.create_role(
        RoleName=f"operator-{uuid.uuid4().hex[:6]}",
        AssumeRolePolicyDocument=json.dumps(OPERATOR_TRUST),
    )["Role"]["Arn"]
    allowed = [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": operator}]
    sts = _client(enforced, _session(enforced, allowed), "sts")
    assert (
        _code(lambda: sts.assume_role(RoleArn=operator, RoleSessionName="probe")) == "AccessDenied"
    )
    # The same call with an MFA device and its code is MFA-authenticated: admitted.
    mfa = {"SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/person", "TokenCode": "123456"}
    assert sts.assume_role(RoleArn=operator, RoleSessionName="probe", **mfa)["Credentials"]
    lambda_only = iam.create_role(
        RoleName=f"fn-only-{uuid.uuid4().hex[:6]}",
        AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
    )["Role"]["Arn"]
    deployer = enforced.client("sts")
    assert (
        _code(lambda: deployer.assume_role(RoleArn=lambda_only, RoleSessionName="probe"))
        == "AccessDenied"
    )


def test_leading_keys_hold_a_role_to_its_partitions(enforced):
    """``dynamodb:LeadingKeys`` (ForAllValues:StringLike), as the canary's role has it: its
    heartbeat items may be read and written, another partition's item may not."""
    table = f"t-{uuid.uuid4().hex[:8]}"
    enforced.client("dynamodb").create_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "record_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "record_id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    statement = {
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
        "Resource": f"arn:aws:dynamodb:{EAST}:{ACCOUNT}:table/{table}",
        "Condition": {
            "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["__drkit_heartbeat__#*"]}
        },
    }
    client = _client(enforced, _session(enforced, [statement]), "dynamodb")
    heartbeat = {"record_id": {"S": "__drkit_heartbeat__#us-east-1"}}
    record = {"record_id": {"S": "p-123"}}
    assert _code(lambda: client.put_item(TableName=table, Item=heartbeat)) == "ok"
    assert _code(lambda: client.get_item(TableName=table, Key=heartbeat)) == "ok"
    assert _code(lambda: client.get_item(TableName=table, Key=record)) == "AccessDeniedException"
    assert _code(lambda: client.put_item(TableName=table, Item=record)) == "AccessDeniedException"


def test_a_query_is_held_to_the_partitions_it_names(enforced):
    """A Query's ``dynamodb:LeadingKeys`` is the partition its key condition names (directly or
    through an attribute name), as the auditor's role has it: its chain's lanes may be walked,
    a patient's audit entries may not."""
    table = f"t-{uuid.uuid4().hex[:8]}"
    create_audit_table(enforced.client("dynamodb"), table)
    statement = {
        "Effect": "Allow",
        "Action": ["dynamodb:Query"],
        "Resource": f"arn:aws:dynamodb:{EAST}:{ACCOUNT}:table/{table}",
        "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["__drkit_chain__#*"]}},
    }
    client = _client(enforced, _session(enforced, [statement]), "dynamodb")

    def query(partition: str, **names: str) -> str:
        key = "#k" if names else "record_id"
        extra = {"ExpressionAttributeNames": {"#k": "record_id"}} if names else {}
        return _code(
            lambda: client.query(
                TableName=table,
                KeyConditionExpression=f"{key} = :p AND event_id > :e",
                ExpressionAttributeValues={":p": {"S": partition}, ":e": {"S": "0"}},
                **extra,
            )
        )

    assert query("__drkit_chain__#us-east-1#00") == "ok"
    assert query("__drkit_chain__#us-east-1#01", aliased="yes") == "ok"
    assert query("p-123") == "AccessDeniedException"
    assert query("p-123", aliased="yes") == "AccessDeniedException"
