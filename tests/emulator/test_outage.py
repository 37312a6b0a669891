"""Taking a region out of the emulator: its requests get no answer, and it comes back intact."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from drkit_emulator.operations import CredentialScope, credential_scope
from drkit_emulator.outage import GLOBAL_CONTROL_PLANES, RegionOutage
from drkit_emulator.runner import Emulator
from tests.emulator.dynamodb_support import EAST, WEST, key, kms_key

EU = "eu-west-1"
TRANSPORT_ERRORS = (EndpointConnectionError, ConnectionClosedError)
TRUST = json.dumps({"Version": "2012-10-17", "Statement": []})


def client(aws: Emulator, service: str, region: str) -> Any:
    """A boto3 client that tries each call once, so a dropped request fails at once."""
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=aws.endpoint_url,
        aws_access_key_id=aws.credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=aws.credentials["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )


def signed_scopes(boto_client: Any) -> list[CredentialScope | None]:
    """The credential scope of every request ``boto_client`` sends from now on."""
    scopes: list[CredentialScope | None] = []

    def record(request: Any, **_: Any) -> None:
        scopes.append(credential_scope(request.headers.get("Authorization", b"").decode(), ""))

    boto_client.meta.events.register("before-send.*", record)
    return scopes


def fails_at_transport(call: Any) -> bool:
    try:
        call()
    except TRANSPORT_ERRORS:
        return True
    except ClientError as error:
        raise AssertionError(f"the service answered: {error}") from error
    return False


@pytest.fixture
def outage(aws: Emulator) -> Iterator[Emulator]:
    """The shared emulator, every region brought back after the test whatever happens."""
    yield aws
    aws.bring_back()


# -- which requests -----------------------------------------------------------------------


def test_the_scope_comes_from_the_authorization_header_or_a_presigned_query() -> None:
    header = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc"
    )
    assert credential_scope(header, "") == CredentialScope("eu-west-1", "dynamodb")
    query = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
    )
    assert credential_scope(None, query) == CredentialScope("us-east-1", "s3")
    assert credential_scope(None, "") is None
    assert credential_scope("AWS AKID:signature", "AWSAccessKeyId=AKID") is None


def test_us_east_1_takes_the_global_control_planes_along_and_no_other_region_does() -> None:
    outage = RegionOutage()
    assert outage.take_out([WEST]) == {WEST}
    assert outage.unreachable(CredentialScope(WEST, "dynamodb")) == WEST
    assert outage.unreachable(CredentialScope(EAST, "iam")) is None
    assert outage.unreachable(CredentialScope(EU, "iam")) is None
    outage.take_out([EAST])
    assert {"iam", "route53"} <= set(GLOBAL_CONTROL_PLANES)
    assert outage.unreachable(CredentialScope(EU, "iam")) == EAST
    assert outage.unreachable(CredentialScope(EU, "route53")) == EAST
    assert outage.unreachable(CredentialScope(EU, "sts")) is None
    assert outage.unreachable(None) is None
    assert outage.bring_back([EAST]) == {WEST}
    assert outage.bring_back() == frozenset()


# -- against the emulator ---------------------------------------------------------------


def test_an_out_region_answers_nothing_and_comes_back_with_its_state(
    outage: Emulator, unique_name: str
) -> None:
    aws = outage
    name = unique_name.lower()[:60]
    ddb_east, s3_east = client(aws, "dynamodb", EAST), client(aws, "s3", EAST)
    iam_west, route53_west = client(aws, "iam", WEST), client(aws, "route53", WEST)
    ddb_east.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    s3_east.create_bucket(Bucket=name)
    iam_west.create_role(RoleName=name[:64], AssumeRolePolicyDocument=TRUST)
    zone = route53_west.create_hosted_zone(Name=f"{name}.example.", CallerReference=name)

    assert aws.take_out(EAST) == {EAST}
    assert aws.regions_out() == {EAST}
    assert fails_at_transport(lambda: ddb_east.describe_table(TableName=name))
    assert fails_at_transport(lambda: s3_east.head_bucket(Bucket=name))
    assert fails_at_transport(lambda: client(aws, "sts", EAST).get_caller_identity())
    # With a custom endpoint the SDK signs IAM and Route 53 for the client's own region.
    scopes = signed_scopes(iam_west)
    assert fails_at_transport(lambda: iam_west.get_role(RoleName=name[:64]))
    assert scopes == [CredentialScope(WEST, "iam")]
    assert fails_at_transport(lambda: route53_west.get_hosted_zone(Id=zone["HostedZone"]["Id"]))
    # us-west-2's own endpoints, and STS (regional), still answer.
    client(aws, "dynamodb", WEST).list_tables()
    client(aws, "sts", WEST).get_caller_identity()
    # The emulator's own endpoints are never dropped.
    assert aws._request("GET", "/moto-api/")[0] == 200
    assert json.loads(aws._request("GET", "/_drkit/outage")[1])["control_planes_out"] == sorted(
        GLOBAL_CONTROL_PLANES
    )

    assert aws.bring_back() == frozenset()
    assert ddb_east.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
    s3_east.head_bucket(Bucket=name)
    assert iam_west.get_role(RoleName=name[:64])["Role"]["RoleName"] == name[:64]
    route53_west.get_hosted_zone(Id=zone["HostedZone"]["Id"])
    log = aws.log_tail(200)
    assert "dropped (us-east-1 out) POST dynamodb DynamoDB_20120810.DescribeTable" in log
    assert "dropped (us-east-1 out) POST iam GetRole" in log


def test_nothing_at_all_is_written_back_not_even_100_continue(
    outage: Emulator, unique_name: str
) -> None:
    """A raw request signed for an out region, waiting for 100 Continue, reads only EOF."""
    outage.take_out(EU)
    address = urlsplit(outage.endpoint_url)
    request = (
        f"PUT /{unique_name.lower()}/object HTTP/1.1\r\nHost: {address.netloc}\r\n"
        "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/s3/aws4_request, "
        "SignedHeaders=host, Signature=0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(request.encode())
        assert sock.recv(1024) == b""


def test_a_presigned_url_for_an_out_region_gets_no_answer(
    outage: Emulator, unique_name: str
) -> None:
    """A SigV4 presigned URL names its region; a SigV2 one (boto3's default for S3) cannot."""
    s3 = client(outage, "s3", WEST)
    bucket = unique_name.lower()[:60]
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": WEST})
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    params = {"Bucket": bucket, "Key": "k"}
    sigv2 = s3.generate_presigned_url("get_object", Params=params)
    sigv4 = boto3.client(
        "s3",
        region_name=WEST,
        endpoint_url=outage.endpoint_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(signature_version="s3v4"),
    ).generate_presigned_url("get_object", Params=params)
    assert "X-Amz-Credential" in sigv4 and "X-Amz-Credential" not in sigv2
    outage.take_out(WEST)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with pytest.raises((ConnectionError, urllib.error.URLError)):
        opener.open(sigv4, timeout=10)
    assert opener.open(sigv2, timeout=10).read() == b"v"
    outage.bring_back(WEST)
    assert opener.open(sigv4, timeout=10).read() == b"v"


def test_a_name_that_is_not_a_region_is_a_400_naming_it(outage: Emulator) -> None:
    outage.take_out(EU)
    for body in ({"take_out": ["us-east1"]}, {"take_out": [EAST], "bring_back": ["mars-1"]}):
        status, answer = outage.post("/_drkit/outage", json.dumps(body).encode())
        assert status == 400
        assert "us-east1" in answer.decode() or "mars-1" in answer.decode()
    status, answer = outage.post("/_drkit/outage", b'{"take_out": "us-east-1"}')
    assert status == 400 and "list of region names" in answer.decode()
    assert outage.regions_out() == {EU}  # nothing changed


# -- replication --------------------------------------------------------------------------


def pending(aws: Emulator) -> int:
    return int(json.loads(aws._request("GET", "/_drkit/outage")[1])["dynamodb_replication_pending"])


def test_replication_into_an_out_region_waits_for_it_and_the_rest_flows(
    outage: Emulator, global_table: dict[str, Any], table: str
) -> None:
    east, west = global_table["east"], global_table["west"]
    east.update_table(
        TableName=table,
        ReplicaUpdates=[{"Create": {"RegionName": EU, "KMSMasterKeyId": kms_key(outage, EU)}}],
    )
    outage.take_out(EAST)
    west.put_item(TableName=table, Item={**key("during"), "n": {"N": "1"}})
    eu_item = outage.client("dynamodb", EU).get_item(TableName=table, Key=key("during"))
    assert eu_item["Item"]["n"] == {"N": "1"}  # between live regions: at once
    assert pending(outage) == 1
    outage.bring_back(EAST)
    assert pending(outage) == 0
    assert east.get_item(TableName=table, Key=key("during"))["Item"]["n"] == {"N": "1"}


def test_replication_out_of_an_out_region_waits_for_it(
    outage: Emulator, global_table: dict[str, Any], table: str
) -> None:
    """A write held on demand before its region went out leaves only once it is back."""
    east, west = global_table["east"], global_table["west"]
    outage.post("/_drkit/dynamodb/replication", json.dumps({"hold": [WEST]}).encode())
    try:
        east.put_item(TableName=table, Item={**key("before"), "n": {"N": "1"}})
        outage.take_out(EAST)
    finally:
        status, body = outage.post("/_drkit/dynamodb/replication", b'{"release": true}')
    assert status == 200 and json.loads(body)["released"] == 0
    assert "Item" not in west.get_item(TableName=table, Key=key("before"))
    outage.bring_back()
    assert west.get_item(TableName=table, Key=key("before"))["Item"]["n"] == {"N": "1"}
