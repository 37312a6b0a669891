"""AWS Signer: the region's signing profile, and the release archive signed with it.

Signer is regional: a profile signs objects in buckets of its own region only
(https://docs.aws.amazon.com/signer/latest/api/API_StartSigningJob.html, "Cross-Region
signing isn't supported"), so every region signs its own copy of the release.
"""

from __future__ import annotations

import attrs
from cdktf import TerraformAsset
from constructs import Construct

from drkit.aws import (
    S3Object,
    SignerSigningJob,
    SignerSigningJobDestination,
    SignerSigningJobDestinationS3,
    SignerSigningJobSource,
    SignerSigningJobSourceS3,
    SignerSigningProfile,
)
from drkit.errors import SpecError
from drkit.regions import names
from drkit.services.placement import Placement
from drkit.services.s3_releases import ReleaseBucket

#: Lambda's signing platform, the only one a code-signing configuration accepts for ZIP
#: archives (https://docs.aws.amazon.com/lambda/latest/dg/configuration-codesigning.html).
LAMBDA_PLATFORM = "AWSLambda-SHA384-ECDSA"


class SigningProfile(Construct):
    """The region's Signer profile for Lambda code.

    Its signatures are valid for Signer's default 135 months: an expired signature stops
    deploying the code, never running it.

    Attributes:
        region: Its region.
        profile_name: Its name (Terraform completes the prefix ``names.SIGNING_PROFILE``).
        version_arn: The profile version's ARN (what a code-signing configuration allows).
    """

    def __init__(self, scope: Construct, id: str, *, placement: Placement) -> None:
        super().__init__(scope, id)
        p = placement
        self.region = p.region
        prefix = p.named(names.SIGNING_PROFILE)
        self.resource = SignerSigningProfile(
            self,
            "resource",
            provider=p.provider,
            name_prefix=prefix,
            platform_id=LAMBDA_PLATFORM,
            tags=p.tagged(prefix),
        )
        self.profile_name: str = self.resource.name
        self.version_arn: str = self.resource.version_arn


@attrs.frozen(kw_only=True)
class SignedArchiveProps:
    """Props of :class:`SignedArchive`.

    Attributes:
        placement: Region, provider and naming.
        code: The packaged release (a ZIP archive asset).
        bucket: The region's release bucket: the archive's and the signed copy's.
        profile: The region's signing profile.
    """

    placement: Placement
    code: TerraformAsset
    bucket: ReleaseBucket
    profile: SigningProfile

    def __attrs_post_init__(self) -> None:
        for field in ("bucket", "profile"):
            region = getattr(self, field).region
            if region != self.placement.region:
                raise SpecError(field, region, f"the archive's region {self.placement.region}")


class SignedArchive(Construct):
    """The release archive uploaded to the region's bucket, and that exact version signed.

    A new archive is a new version of one key; the signing job names the version, so a
    changed archive is a new job and a new signed object (``signed/<job id>.zip``), and
    every function that deploys it publishes a new version.

    Attributes:
        region: Its region.
        s3_bucket: The bucket of the signed archive.
        s3_key: The signed archive's key.
        source_version_id: The uploaded version the job signed.
    """

    def __init__(self, scope: Construct, id: str, *, props: SignedArchiveProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.region = p.region
        bucket = props.bucket
        self.archive = S3Object(
            self,
            "archive",
            provider=p.provider,
            bucket=bucket.bucket_id,
            key=names.RELEASE_ARCHIVE_KEY,
            source=props.code.path,
            # The asset's hash, not an ETag: an SSE-KMS object's ETag is not its MD5.
            source_hash=props.code.asset_hash,
            server_side_encryption="aws:kms",
            kms_key_id=bucket.key.key_arn,
            bucket_key_enabled=True,
            tags=p.tagged(names.RELEASE_ARCHIVE_KEY),
            # Versioning first: Signer signs only a version of a versioned bucket; and the
            # policy, so that the upload meets the pinned key.
            depends_on=[bucket.versioning, bucket.policy],
        )
        self.source_version_id: str = self.archive.version_id
        self.resource = SignerSigningJob(
            self,
            "resource",
            provider=p.provider,
            profile_name=props.profile.profile_name,
            source=SignerSigningJobSource(
                s3=SignerSigningJobSourceS3(
                    bucket=bucket.bucket_id,
                    key=self.archive.key,
                    version=self.source_version_id,
                )
            ),
            destination=SignerSigningJobDestination(
                s3=SignerSigningJobDestinationS3(
                    bucket=bucket.bucket_id, prefix=names.SIGNED_PREFIX
                )
            ),
            # A failed job fails the apply: no function is ever left on unsigned code.
            ignore_signing_job_failure=False,
        )
        signed = self.resource.signed_object.get(0).s3.get(0)
        self.s3_bucket: str = signed.bucket
        self.s3_key: str = signed.key
