"""Lambda code-signing configurations and the refusal of untrusted code, driven with boto3.

Code is signed by the emulated Signer (signing_support.py); functions are
created and updated, never invoked.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit_emulator.runner import Emulator
from tests.emulator import lambda_support
from tests.emulator.signing_support import EAST, buckets, signed, upload, zipped


@pytest.fixture
def signing(aws: Emulator, unique_name: str) -> dict[str, Any]:
    """The test's archive signed by a profile of its own."""
    return signed(aws, unique_name)


def config(aws: Emulator, profile_version_arns: list[str], policy: str, **extra: Any) -> str:
    made = aws.client("lambda", EAST).create_code_signing_config(
        AllowedPublishers={"SigningProfileVersionArns": profile_version_arns},
        CodeSigningPolicies={"UntrustedArtifactOnDeployment": policy},
        **extra,
    )
    return str(made["CodeSigningConfig"]["CodeSigningConfigArn"])


def create_function(
    aws: Emulator, name: str, role_arn: str, config_arn: str, code: dict[str, Any]
) -> dict[str, Any]:
    """A function of ``code`` under the code-signing configuration ``config_arn``."""
    return lambda_support.create_function(
        aws, name, role_arn, code=code, CodeSigningConfigArn=config_arn
    )


def altered(archive: bytes) -> bytes:
    """``archive`` with one file changed and its signature (the archive comment) kept."""
    with zipfile.ZipFile(io.BytesIO(archive)) as original:
        files = {name: original.read(name) for name in original.namelist()}
        comment = original.comment
    files["index.py"] += b"\nimport os  # injected\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as changed:
        for name, data in files.items():
            changed.writestr(name, data)
        changed.comment = comment
    return buffer.getvalue()


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


# -- the configurations ------------------------------------------------------------------


def test_config_round_trips(aws: Emulator, signing: dict[str, Any]) -> None:
    """GetCodeSigningConfig returns what CreateCodeSigningConfig stored, under AWS's id pattern."""
    arn = config(aws, [signing["profile_version_arn"]], "Enforce", Description="signed only")
    got = aws.client("lambda", EAST).get_code_signing_config(CodeSigningConfigArn=arn)
    found = got["CodeSigningConfig"]
    assert re.fullmatch(r"csc-[a-z0-9]{17}", found["CodeSigningConfigId"])
    assert (
        arn
        == f"arn:aws:lambda:{EAST}:123456789012:code-signing-config:{found['CodeSigningConfigId']}"
    )
    assert found["AllowedPublishers"]["SigningProfileVersionArns"] == [
        signing["profile_version_arn"]
    ]
    assert found["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Enforce"}
    assert found["Description"] == "signed only"
    listed = aws.client("lambda", EAST).list_code_signing_configs()["CodeSigningConfigs"]
    assert arn in [c["CodeSigningConfigArn"] for c in listed]


def test_update_changes_only_the_fields_given(aws: Emulator, signing: dict[str, Any]) -> None:
    """UpdateCodeSigningConfig with a policy alone keeps the description and publishers."""
    arn = config(aws, [signing["profile_version_arn"]], "Warn", Description="kept")
    client = aws.client("lambda", EAST)
    client.update_code_signing_config(
        CodeSigningConfigArn=arn,
        CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"},
    )
    found = client.get_code_signing_config(CodeSigningConfigArn=arn)["CodeSigningConfig"]
    assert found["CodeSigningPolicies"]["UntrustedArtifactOnDeployment"] == "Enforce"
    assert found["Description"] == "kept"
    assert found["AllowedPublishers"]["SigningProfileVersionArns"] == [
        signing["profile_version_arn"]
    ]


def test_config_tags_are_listed_and_changed(aws: Emulator, signing: dict[str, Any]) -> None:
    """Tags given on create are listed by ListTags; TagResource adds to them."""
    arn = config(aws, [signing["profile_version_arn"]], "Warn", Tags={"team": "dr"})
    client = aws.client("lambda", EAST)
    client.tag_resource(Resource=arn, Tags={"stage": "test"})
    assert client.list_tags(Resource=arn)["Tags"] == {"team": "dr", "stage": "test"}


def test_config_in_use_cannot_be_deleted(
    aws: Emulator, unique_name: str, role_arn: str, signing: dict[str, Any]
) -> None:
    """DeleteCodeSigningConfig is refused (409) while a function uses it, then deletes it."""
    arn = config(aws, [signing["profile_version_arn"]], "Enforce")
    create_function(aws, unique_name, role_arn, arn, {"ZipFile": signing["archive"]})
    client = aws.client("lambda", EAST)
    with pytest.raises(ClientError) as caught:
        client.delete_code_signing_config(CodeSigningConfigArn=arn)
    assert error_of(caught) == ("ResourceConflictException", 409)
    client.delete_function_code_signing_config(FunctionName=unique_name)
    assert not client.get_function_code_signing_config(FunctionName=unique_name).get(
        "CodeSigningConfigArn"
    )
    client.delete_code_signing_config(CodeSigningConfigArn=arn)
    with pytest.raises(ClientError) as caught:
        client.get_code_signing_config(CodeSigningConfigArn=arn)
    assert error_of(caught) == ("ResourceNotFoundException", 404)


def test_unknown_config_is_refused(aws: Emulator, unique_name: str, role_arn: str) -> None:
    """CreateFunction and PutFunctionCodeSigningConfig with an unknown ARN: 404."""
    unknown = f"arn:aws:lambda:{EAST}:123456789012:code-signing-config:csc-0000000000000000a"
    with pytest.raises(ClientError) as caught:
        create_function(aws, unique_name, role_arn, unknown, {"ZipFile": zipped()})
    assert error_of(caught) == ("CodeSigningConfigNotFoundException", 404)


# -- what is deployed under an Enforce configuration ---------------------------------------


def test_enforce_refuses_unsigned_code_and_takes_signed_code(
    aws: Emulator, unique_name: str, role_arn: str, signing: dict[str, Any]
) -> None:
    """CreateFunction: unsigned code is CodeVerificationFailedException (400); signed code is
    deployed byte for byte, with the signing profile version and job on the function."""
    arn = config(aws, [signing["profile_version_arn"]], "Enforce")
    with pytest.raises(ClientError) as caught:
        create_function(aws, unique_name, role_arn, arn, {"ZipFile": zipped()})
    assert error_of(caught) == ("CodeVerificationFailedException", 400)
    created = create_function(aws, unique_name, role_arn, arn, {"ZipFile": signing["archive"]})
    digest = base64.b64encode(hashlib.sha256(signing["archive"]).digest()).decode()
    assert created["CodeSha256"] == digest
    assert created["SigningProfileVersionArn"] == signing["profile_version_arn"]
    assert created["SigningJobArn"].endswith(f":/signing-jobs/{signing['job_id']}")
    got = aws.client("lambda", EAST).get_function_code_signing_config(FunctionName=unique_name)
    assert got["CodeSigningConfigArn"] == arn


def test_enforce_refuses_unsigned_code_on_update(
    aws: Emulator, unique_name: str, role_arn: str, signing: dict[str, Any]
) -> None:
    """UpdateFunctionCode: unsigned code is refused and the deployed code stays; another
    signed archive is deployed."""
    again = signed(aws, f"{unique_name}-2", zipped({"index.py": "VERSION = 2\n"}))
    publishers = [signing["profile_version_arn"], again["profile_version_arn"]]
    arn = config(aws, publishers, "Enforce")
    before = create_function(aws, unique_name, role_arn, arn, {"ZipFile": signing["archive"]})
    client = aws.client("lambda", EAST)
    with pytest.raises(ClientError) as caught:
        client.update_function_code(FunctionName=unique_name, ZipFile=zipped())
    assert error_of(caught) == ("CodeVerificationFailedException", 400)
    deployed = client.get_function(FunctionName=unique_name)["Configuration"]
    assert deployed["CodeSha256"] == before["CodeSha256"]
    updated = client.update_function_code(FunctionName=unique_name, ZipFile=again["archive"])
    assert updated["CodeSha256"] != before["CodeSha256"]
    assert updated["SigningJobArn"].endswith(again["job_id"])


@pytest.mark.parametrize("policy", ["Enforce", "Warn"])
def test_archive_altered_after_signing_is_refused(
    aws: Emulator, unique_name: str, role_arn: str, signing: dict[str, Any], policy: str
) -> None:
    """Changed code under a kept signature: InvalidCodeSignatureException, even with Warn."""
    arn = config(aws, [signing["profile_version_arn"]], policy)
    with pytest.raises(ClientError) as caught:
        create_function(aws, unique_name, role_arn, arn, {"ZipFile": altered(signing["archive"])})
    assert error_of(caught) == ("InvalidCodeSignatureException", 400)


def test_profile_not_allowed_is_refused(
    aws: Emulator, unique_name: str, role_arn: str, signing: dict[str, Any]
) -> None:
    """Code signed by a profile outside AllowedPublishers: CodeVerificationFailedException."""
    other = signed(aws, f"{unique_name}-other")
    arn = config(aws, [other["profile_version_arn"]], "Enforce")
    with pytest.raises(ClientError) as caught:
        create_function(aws, unique_name, role_arn, arn, {"ZipFile": signing["archive"]})
    assert error_of(caught) == ("CodeVerificationFailedException", 400)
    assert signing["profile_version_arn"] in caught.value.response["Error"]["Message"]


@pytest.mark.parametrize("code", ["unsigned", "another profile's"])
def test_warn_deploys_untrusted_code(
    aws: Emulator, unique_name: str, role_arn: str, signing: dict[str, Any], code: str
) -> None:
    """With Warn, unsigned code and code of a profile not allowed are deployed."""
    other = signed(aws, f"{unique_name}-other")
    arn = config(aws, [other["profile_version_arn"]], "Warn")
    archive = zipped() if code == "unsigned" else signing["archive"]
    created = create_function(aws, unique_name, role_arn, arn, {"ZipFile": archive})
    assert created["FunctionName"] == unique_name


def test_signed_version_in_s3_is_deployed_and_unsigned_one_refused(
    aws: Emulator, unique_name: str, role_arn: str, signing: dict[str, Any]
) -> None:
    """Code from S3: the signed version is taken, the unsigned later version of the same key
    refused; the version given is the one checked."""
    arn = config(aws, [signing["profile_version_arn"]], "Enforce")
    bucket, _ = buckets(aws, f"{unique_name}-code")
    signed_version = upload(aws, bucket, "function.zip", signing["archive"])
    unsigned_version = upload(aws, bucket, "function.zip", zipped())
    location = {"S3Bucket": bucket, "S3Key": "function.zip"}
    with pytest.raises(ClientError) as caught:
        create_function(
            aws, unique_name, role_arn, arn, {**location, "S3ObjectVersion": unsigned_version}
        )
    assert error_of(caught) == ("CodeVerificationFailedException", 400)
    created = create_function(
        aws, unique_name, role_arn, arn, {**location, "S3ObjectVersion": signed_version}
    )
    assert created["SigningProfileVersionArn"] == signing["profile_version_arn"]
