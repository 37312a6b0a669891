"""What the Signer and code-signing tests share: a Lambda archive, a versioned source bucket,
a Lambda signing profile, and a signed copy of an archive (test_signer.py, test_code_signing.py)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from drkit_emulator.runner import Emulator

EAST = "us-east-1"
LAMBDA_PLATFORM = "AWSLambda-SHA384-ECDSA"
FILES = {
    "index.py": "def handler(event, context):\n    return {'ok': True}\n",
    "lib/util.py": "ANSWER = 42\n",
}


def zipped(files: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (files or FILES).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def extracted(archive: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name).decode() for name in opened.namelist()}


def buckets(aws: Emulator, name: str, *, versioned: bool = True) -> tuple[str, str]:
    """A source bucket (versioned unless told) and a destination bucket, named for the test."""
    s3 = aws.client("s3", EAST)
    source, destination = f"{name}-src".lower(), f"{name}-dst".lower()
    s3.create_bucket(Bucket=source)
    s3.create_bucket(Bucket=destination)
    if versioned:
        s3.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Enabled"})
    return source, destination


def profile(aws: Emulator, name: str) -> dict[str, Any]:
    """A Lambda signing profile named for the test (names allow letters, digits and _)."""
    return dict(
        aws.client("signer", EAST).put_signing_profile(
            profileName=name.replace("-", "_"), platformId=LAMBDA_PLATFORM
        )
    )


def upload(aws: Emulator, bucket: str, key: str, body: bytes) -> str:
    """Put ``body`` at ``bucket/key``; its version id."""
    return str(aws.client("s3", EAST).put_object(Bucket=bucket, Key=key, Body=body)["VersionId"])


def start_job(
    aws: Emulator, profile_name: str, source: dict[str, str], destination: str, prefix: str = ""
) -> dict[str, Any]:
    return dict(
        aws.client("signer", EAST).start_signing_job(
            source={"s3": source},
            destination={"s3": {"bucketName": destination, "prefix": prefix}},
            profileName=profile_name,
        )
    )


def signed(aws: Emulator, name: str, archive: bytes | None = None) -> dict[str, Any]:
    """``archive`` (the test's by default) signed by a new profile named ``name``.

    Returns the profile's version ARN, the job id and the signed object's bucket, key,
    version id and bytes.
    """
    source, destination = buckets(aws, name)
    made = profile(aws, name)
    version = upload(aws, source, "code.zip", archive or zipped())
    job = start_job(
        aws,
        name.replace("-", "_"),
        {"bucketName": source, "key": "code.zip", "version": version},
        destination,
        prefix="signed/",
    )
    described = aws.client("signer", EAST).describe_signing_job(jobId=job["jobId"])
    location = described["signedObject"]["s3"]
    s3 = aws.client("s3", EAST)
    got = s3.get_object(Bucket=location["bucketName"], Key=location["key"])
    return {
        "profile_version_arn": made["profileVersionArn"],
        "job_id": job["jobId"],
        "bucket": location["bucketName"],
        "key": location["key"],
        "version": got.get("VersionId"),
        "archive": got["Body"].read(),
    }
