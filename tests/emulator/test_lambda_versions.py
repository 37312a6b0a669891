"""Versions and aliases as a release uses them: each published version keeps its own code
(``/_drkit/lambda/code`` hands out what Lambda would run for a version or alias), an alias
moves between versions, and an event source mapping keeps the alias it was given."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile

from drkit_emulator.runner import Emulator
from tests.emulator.lambda_support import EAST, create_function


def archive(answer: str) -> bytes:
    """The same bytes for the same answer: a fixed entry time (a name alone takes the current
    time, 2 s resolution, and a later copy could differ from the one deployed)."""
    buffer = io.BytesIO()
    entry = zipfile.ZipInfo("index.py", date_time=(2026, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr(entry, f"def handler(event, context):\n    return {answer!r}\n")
    return buffer.getvalue()


def code_of(aws: Emulator, function: str, qualifier: str) -> tuple[int, dict]:
    body = {"FunctionName": function, "Region": EAST, "Qualifier": qualifier}
    status, answer = aws.post("/_drkit/lambda/code", json.dumps(body).encode())
    return status, json.loads(answer)


def sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def two_versions(aws: Emulator, name: str, role_arn: str) -> None:
    """Version 1 answers "one", version 2 "two"; the alias ``live`` points at version 2."""
    lambda_ = aws.client("lambda", EAST)
    create_function(aws, name, role_arn, code={"ZipFile": archive("one")}, Publish=True)
    lambda_.update_function_code(FunctionName=name, ZipFile=archive("two"), Publish=True)
    lambda_.create_alias(FunctionName=name, Name="live", FunctionVersion="2")


def test_each_version_keeps_its_code_and_the_alias_names_one(
    aws: Emulator, unique_name: str, role_arn: str
) -> None:
    two_versions(aws, unique_name, role_arn)
    for qualifier, version, answer in (("1", "1", "one"), ("2", "2", "two"), ("live", "2", "two")):
        status, code = code_of(aws, unique_name, qualifier)
        assert status == 200, code
        zipped = base64.b64decode(code["ZipFile"])
        assert code["Version"] == version
        assert code["CodeSha256"] == sha256(zipped) == sha256(archive(answer))


def test_moving_the_alias_back_serves_the_earlier_code(
    aws: Emulator, unique_name: str, role_arn: str
) -> None:
    two_versions(aws, unique_name, role_arn)
    lambda_ = aws.client("lambda", EAST)
    lambda_.update_alias(FunctionName=unique_name, Name="live", FunctionVersion="1")
    config = lambda_.get_function_configuration(FunctionName=unique_name, Qualifier="live")
    _, code = code_of(aws, unique_name, "live")
    assert config["Version"] == code["Version"] == "1"
    assert config["CodeSha256"] == code["CodeSha256"] == sha256(archive("one"))


def test_code_of_an_unknown_qualifier_is_a_404(
    aws: Emulator, unique_name: str, role_arn: str
) -> None:
    two_versions(aws, unique_name, role_arn)
    status, answer = code_of(aws, unique_name, "7")
    assert status == 404 and "Function not found" in answer["error"]


def test_a_mapping_keeps_the_alias_it_names(aws: Emulator, unique_name: str, role_arn: str) -> None:
    """AWS reports the alias's ARN as the mapping's function (it follows the alias when it
    moves); moto recorded the version the alias resolved to, a drift on every plan."""
    two_versions(aws, unique_name, role_arn)
    table = aws.client("dynamodb", EAST).create_table(
        TableName=unique_name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]
    lambda_ = aws.client("lambda", EAST)
    alias_arn = lambda_.get_alias(FunctionName=unique_name, Name="live")["AliasArn"]
    mapping = lambda_.create_event_source_mapping(
        EventSourceArn=table["LatestStreamArn"], FunctionName=alias_arn, StartingPosition="LATEST"
    )
    assert mapping["FunctionArn"] == alias_arn
    read = lambda_.get_event_source_mapping(UUID=mapping["UUID"])
    assert read["FunctionArn"] == alias_arn
    updated = lambda_.update_event_source_mapping(
        UUID=mapping["UUID"], FunctionName=f"{unique_name}:1", BatchSize=10
    )
    assert updated["FunctionArn"] == alias_arn.removesuffix(":live") + ":1"
