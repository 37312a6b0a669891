"""The AWS Signer extension (signing jobs, unknown profiles), driven with boto3."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from botocore.exceptions import ClientError

from drkit_emulator.runner import Emulator
from tests.emulator.signing_support import (
    EAST,
    FILES,
    LAMBDA_PLATFORM,
    buckets,
    extracted,
    profile,
    signed,
    start_job,
    upload,
    zipped,
)

ACCOUNT = "123456789012"


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_profile_reports_its_version_on_put_and_get(aws: Emulator, unique_name: str) -> None:
    """PutSigningProfile and GetSigningProfile both give profileVersion and its ARN."""
    put = profile(aws, unique_name)
    got = aws.client("signer", EAST).get_signing_profile(profileName=put["arn"].rsplit("/", 1)[1])
    assert put["profileVersionArn"] == f"{put['arn']}/{put['profileVersion']}"
    assert (got["profileVersion"], got["profileVersionArn"]) == (
        put["profileVersion"],
        put["profileVersionArn"],
    )
    assert put["arn"].startswith(f"arn:aws:signer:{EAST}:{ACCOUNT}:/signing-profiles/")


def test_unknown_profile_is_not_found(aws: Emulator, unique_name: str) -> None:
    """GetSigningProfile of a profile that does not exist is ResourceNotFoundException (404)."""
    with pytest.raises(ClientError) as caught:
        aws.client("signer", EAST).get_signing_profile(profileName=unique_name.replace("-", "_"))
    assert error_of(caught) == ("ResourceNotFoundException", 404)


def test_signing_job_is_described_with_the_signed_objects_location(
    aws: Emulator, unique_name: str
) -> None:
    """DescribeSigningJob: Succeeded, signed object at <prefix><jobId>.zip, AWS's fields."""
    result = signed(aws, unique_name)
    described = aws.client("signer", EAST).describe_signing_job(jobId=result["job_id"])
    name = unique_name.replace("-", "_")
    assert described["status"] == "Succeeded"
    assert described["statusReason"] == "Signing Succeeded"
    assert described["signedObject"] == {
        "s3": {"bucketName": f"{unique_name}-dst".lower(), "key": f"signed/{result['job_id']}.zip"}
    }
    assert described["source"]["s3"]["bucketName"] == f"{unique_name}-src".lower()
    assert described["source"]["s3"]["key"] == "code.zip"
    assert (described["profileName"], described["platformId"]) == (name, LAMBDA_PLATFORM)
    assert result["profile_version_arn"].endswith(f"/{described['profileVersion']}")
    assert (described["jobOwner"], described["jobInvoker"]) == (ACCOUNT, ACCOUNT)
    assert described["createdAt"] <= described["completedAt"]
    # The default validity period is 135 months: more than 11 years later.
    assert described["signatureExpiresAt"] - described["createdAt"] > datetime.timedelta(
        days=11 * 365
    )


def test_signed_archive_extracts_to_the_same_files(aws: Emulator, unique_name: str) -> None:
    """The signed archive differs from the source, carries a comment, and extracts the same."""
    source = zipped()
    result = signed(aws, unique_name, source)
    assert result["archive"] != source
    assert zipfile.ZipFile(io.BytesIO(result["archive"])).comment
    assert extracted(result["archive"]) == FILES


def test_the_exact_source_version_is_signed(aws: Emulator, unique_name: str) -> None:
    """A job given an older version signs that version, not the latest."""
    source, destination = buckets(aws, unique_name)
    profile(aws, unique_name)
    first = upload(aws, source, "code.zip", zipped({"index.py": "VERSION = 1\n"}))
    upload(aws, source, "code.zip", zipped({"index.py": "VERSION = 2\n"}))
    job = start_job(
        aws,
        unique_name.replace("-", "_"),
        {"bucketName": source, "key": "code.zip", "version": first},
        destination,
    )
    key = f"{job['jobId']}.zip"
    body = aws.client("s3", EAST).get_object(Bucket=destination, Key=key)["Body"].read()
    assert extracted(body) == {"index.py": "VERSION = 1\n"}


def test_unversioned_source_bucket_is_refused(aws: Emulator, unique_name: str) -> None:
    """StartSigningJob from a bucket without versioning is a ValidationException (400)."""
    source, destination = buckets(aws, unique_name, versioned=False)
    profile(aws, unique_name)
    aws.client("s3", EAST).put_object(Bucket=source, Key="code.zip", Body=zipped())
    with pytest.raises(ClientError) as caught:
        start_job(
            aws,
            unique_name.replace("-", "_"),
            {"bucketName": source, "key": "code.zip", "version": "null"},
            destination,
        )
    assert error_of(caught) == ("ValidationException", 400)
    assert "version enabled" in caught.value.response["Error"]["Message"]


@pytest.mark.parametrize("case", ["missing version", "not a zip", "signed already"])
def test_unsignable_source_fails_the_job(aws: Emulator, unique_name: str, case: str) -> None:
    """A missing version, a non-ZIP or a signed archive: the job is Failed, nothing is written."""
    source, destination = buckets(aws, unique_name)
    profile(aws, unique_name)
    body = zipped()
    if case == "not a zip":
        body = b"just some bytes"
    elif case == "signed already":
        body = signed(aws, f"{unique_name}-pre")["archive"]
    version = upload(aws, source, "code.zip", body)
    if case == "missing version":
        version = "0" * 32
    job = start_job(
        aws,
        unique_name.replace("-", "_"),
        {"bucketName": source, "key": "code.zip", "version": version},
        destination,
    )
    described = aws.client("signer", EAST).describe_signing_job(jobId=job["jobId"])
    assert described["status"] == "Failed"
    assert "signedObject" not in described
    assert "Contents" not in aws.client("s3", EAST).list_objects_v2(Bucket=destination)


def test_list_signing_jobs_filters_by_status(aws: Emulator, unique_name: str) -> None:
    """ListSigningJobs lists a succeeded job under Succeeded and not under Failed."""
    job_id = signed(aws, unique_name)["job_id"]
    client = aws.client("signer", EAST)
    succeeded = [j["jobId"] for j in client.list_signing_jobs(status="Succeeded")["jobs"]]
    failed = [j["jobId"] for j in client.list_signing_jobs(status="Failed")["jobs"]]
    assert job_id in succeeded
    assert job_id not in failed


def test_unknown_job_is_not_found(aws: Emulator) -> None:
    """DescribeSigningJob of an unknown id is ResourceNotFoundException (404)."""
    with pytest.raises(ClientError) as caught:
        aws.client("signer", EAST).describe_signing_job(
            jobId="00000000-0000-0000-0000-000000000000"
        )
    assert error_of(caught) == ("ResourceNotFoundException", 404)
