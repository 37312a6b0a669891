"""drkit's AWS Signer backend: signing jobs that sign Lambda archives in the emulated S3.

The gaps and what is emulated: :mod:`drkit_emulator.signer`.
"""

from __future__ import annotations

import calendar
import datetime
from types import ModuleType
from typing import Any

from moto.core.utils import unix_time
from moto.moto_api._internal import mock_random
from moto.s3.exceptions import MissingBucket
from moto.s3.models import s3_backends
from moto.signer.models import SignerBackend, SigningProfile
from moto.utilities.utils import get_partition

from drkit_emulator.signer import signatures, urls
from drkit_emulator.signer.exceptions import ResourceNotFoundException, ValidationException

#: The one platform whose signatures the emulated Lambda checks.
LAMBDA_PLATFORM = "AWSLambda-SHA384-ECDSA"
SUCCEEDED = "Signing Succeeded"  # the statusReason AWS reports for a finished job


class SigningJob:
    """One signing job, finished when it is created (AWS runs it asynchronously).

    Attributes:
        job_id: Its id (a UUID, as AWS's).
        job_arn: ``arn:<partition>:signer:<region>:<account>:/signing-jobs/<id>``.
        profile: The signing profile it used (its version at the time is kept).
        source: ``{"s3": {"bucketName", "key", "version"}}`` as sent.
        destination: ``{"s3": {"bucketName", "prefix"}}`` as sent.
        status: ``Succeeded`` or ``Failed`` (never ``InProgress`` here).
        status_reason: Why, in AWS's words for success, the emulator's for failures.
        signed_key: The signed object's key in the destination bucket, once succeeded.
    """

    def __init__(
        self,
        backend: DrkitSignerBackend,
        profile: SigningProfile,
        source: dict[str, Any],
        destination: dict[str, Any],
        requested_by: str,
    ) -> None:
        self.job_id = str(mock_random.uuid4())
        partition = get_partition(backend.region_name)
        self.job_arn = (
            f"arn:{partition}:signer:{backend.region_name}:{backend.account_id}"
            f":/signing-jobs/{self.job_id}"
        )
        self.account_id = backend.account_id
        self.profile_name = profile.name
        self.profile_version = profile.profile_version
        self.profile_version_arn = profile.profile_version_arn
        self.platform_id = profile.platform_id
        self.platform_display_name = profile.to_dict()["platformDisplayName"]
        self.signing_material = profile.signing_material
        self.validity = profile.signature_validity_period
        self.source = source
        self.destination = destination
        self.requested_by = requested_by
        self.created_at = unix_time()
        self.completed_at: float | None = None
        self.expires_at: float | None = None
        self.status = "InProgress"
        self.status_reason = ""
        self.signed_key: str | None = None

    def succeed(self, signed_key: str, expires_at: float) -> None:
        self.status, self.status_reason = "Succeeded", SUCCEEDED
        self.signed_key, self.expires_at = signed_key, expires_at
        self.completed_at = unix_time()

    def fail(self, reason: str) -> None:
        self.status, self.status_reason = "Failed", reason
        self.completed_at = unix_time()

    def to_summary(self) -> dict[str, Any]:
        """The ``SigningJob`` structure of ``ListSigningJobs``."""
        summary = {
            "jobId": self.job_id,
            "source": self.source,
            "createdAt": self.created_at,
            "status": self.status,
            "isRevoked": False,
            "profileName": self.profile_name,
            "profileVersion": self.profile_version,
            "platformId": self.platform_id,
            "platformDisplayName": self.platform_display_name,
            "jobOwner": self.account_id,
            "jobInvoker": self.account_id,
        }
        if self.signing_material:
            summary["signingMaterial"] = self.signing_material
        if self.signed_key is not None:
            bucket = self.destination["s3"]["bucketName"]
            summary["signedObject"] = {"s3": {"bucketName": bucket, "key": self.signed_key}}
            summary["signatureExpiresAt"] = self.expires_at
        return summary

    def to_describe(self) -> dict[str, Any]:
        """What ``DescribeSigningJob`` answers (AWS's shape has no destination or version ARN)."""
        described = {**self.to_summary(), "requestedBy": self.requested_by}
        del described["isRevoked"]
        described["statusReason"] = self.status_reason
        if self.completed_at is not None:
            described["completedAt"] = self.completed_at
        return described


def expiry(signed_at: float, validity: dict[str, Any]) -> float:
    """``signed_at`` plus a profile's ``signatureValidityPeriod`` (DAYS, MONTHS or YEARS)."""
    start = datetime.datetime.fromtimestamp(signed_at, tz=datetime.UTC)
    value, unit = int(validity["value"]), str(validity["type"]).upper()
    if unit == "DAYS":
        return (start + datetime.timedelta(days=value)).timestamp()
    months = start.month - 1 + (value * 12 if unit == "YEARS" else value)
    year, month = start.year + months // 12, months % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day).timestamp()


class DrkitSignerBackend(SignerBackend):
    """moto's Signer backend with signing jobs; an unknown profile is ResourceNotFoundException."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.signing_jobs: dict[str, SigningJob] = {}
        # clientRequestToken -> the job its first call started
        self.job_tokens: dict[str, str] = {}

    @property
    def _url_module(self) -> ModuleType:
        return urls

    def get_signing_profile(self, profile_name: str) -> SigningProfile:
        profile = self.signing_profiles.get(profile_name)
        if profile is None:
            raise ResourceNotFoundException(f"Signing profile {profile_name} does not exist")
        return profile

    def cancel_signing_profile(self, profile_name: str) -> None:
        self.get_signing_profile(profile_name).cancel()

    def start_signing_job(
        self,
        source: dict[str, Any],
        destination: dict[str, Any],
        profile_name: str,
        client_request_token: str | None,
        requested_by: str,
    ) -> SigningJob:
        """Sign the source object into the destination bucket at once; the job says how it went.

        https://docs.aws.amazon.com/signer/latest/api/API_StartSigningJob.html
        """
        if client_request_token and client_request_token in self.job_tokens:
            return self.signing_jobs[self.job_tokens[client_request_token]]
        profile = self.get_signing_profile(profile_name)
        if profile.status != "Active":
            raise ValidationException(f"Signing profile {profile_name} is {profile.status}")
        s3_source, s3_destination = self._check_buckets(source, destination)
        job = SigningJob(self, profile, source, destination, requested_by)
        self._run(job, s3_source, s3_destination)
        self.signing_jobs[job.job_id] = job
        if client_request_token:
            self.job_tokens[client_request_token] = job.job_id
        return job

    def describe_signing_job(self, job_id: str) -> SigningJob:
        job = self.signing_jobs.get(job_id)
        if job is None:
            raise ResourceNotFoundException(f"Signing job {job_id} does not exist")
        return job

    def list_signing_jobs(
        self, status: str | None = None, platform_id: str | None = None
    ) -> list[SigningJob]:
        return [
            job
            for job in sorted(self.signing_jobs.values(), key=lambda j: j.created_at)
            if status in (None, job.status) and platform_id in (None, job.platform_id)
        ]

    def _s3(self) -> Any:
        return s3_backends[self.account_id][get_partition(self.region_name)]

    def _check_buckets(
        self, source: dict[str, Any], destination: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The S3 parts of source and destination, once their buckets meet AWS's requirements:
        both exist in the profile's region, and the source bucket is versioned."""
        s3_source, s3_destination = source.get("s3") or {}, destination.get("s3") or {}
        for field in ("bucketName", "key", "version"):
            if not s3_source.get(field):
                raise ValidationException(f"source.s3.{field} is required")
        if not s3_destination.get("bucketName"):
            raise ValidationException("destination.s3.bucketName is required")
        for role, name in (
            ("source", s3_source["bucketName"]),
            ("destination", s3_destination["bucketName"]),
        ):
            try:
                bucket = self._s3().get_bucket(name)
            except MissingBucket as error:
                raise ValidationException(f"The {role} bucket {name} does not exist") from error
            if bucket.region_name != self.region_name:
                raise ValidationException(
                    f"The {role} bucket {name} is in {bucket.region_name}, not in the signing "
                    f"profile's region {self.region_name}; cross-Region signing isn't supported"
                )
            if role == "source" and not bucket.is_versioned:
                raise ValidationException(f"The source bucket {name} must be version enabled")
        return s3_source, s3_destination

    def _run(
        self, job: SigningJob, s3_source: dict[str, Any], s3_destination: dict[str, Any]
    ) -> None:
        """Read the exact source version, sign it, write ``<prefix><jobId>.zip``; else fail."""
        if job.platform_id != LAMBDA_PLATFORM:
            job.fail(f"drkit emulator: only {LAMBDA_PLATFORM} signing jobs are emulated")
            return
        key = self._s3().get_object(
            s3_source["bucketName"], s3_source["key"], version_id=s3_source["version"]
        )
        if key is None:
            job.fail(
                f"Source object s3://{s3_source['bucketName']}/{s3_source['key']} version "
                f"{s3_source['version']} does not exist"
            )
            return
        signed_at = unix_time()
        expires_at = expiry(signed_at, job.validity)
        signature = signatures.Signature(
            profile_version_arn=job.profile_version_arn,
            job_arn=job.job_arn,
            signed_at=signed_at,
            expires_at=expires_at,
        )
        try:
            signed = signatures.sign(bytes(key.value), signature)
        except signatures.ArchiveError as error:
            job.fail(f"Signing failed: {error}")
            return
        signed_key = f"{s3_destination.get('prefix') or ''}{job.job_id}.zip"
        self._s3().put_object(s3_destination["bucketName"], signed_key, signed)
        job.succeed(signed_key, expires_at)
