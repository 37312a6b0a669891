"""A region's release: its archive bucket, signing profile, code-signing configuration and the
signed archive every function of the region deploys.

Each region signs its own copy (Signer is regional), so a region's stack applies, and its
functions deploy, with every other region down.
"""

from __future__ import annotations

import attrs
from cdktf import TerraformAsset
from constructs import Construct

from drkit.services.kms import EncryptionKey
from drkit.services.lambda_ import CodeSigningConfig
from drkit.services.placement import Placement
from drkit.services.s3 import AccessLogBucket
from drkit.services.s3_releases import ReleaseBucket, ReleaseBucketProps
from drkit.services.signer import SignedArchive, SignedArchiveProps, SigningProfile


@attrs.frozen(kw_only=True)
class Release:
    """What a region's functions need to deploy signed code.

    Attributes:
        bucket: The release bucket (archives and their signed copies).
        profile: The region's signing profile.
        code_signing: The configuration every function names (``Enforce``).
        archive: The signed release archive.
    """

    bucket: ReleaseBucket
    profile: SigningProfile
    code_signing: CodeSigningConfig
    archive: SignedArchive


def build_release(
    scope: Construct,
    *,
    placement: Placement,
    code: TerraformAsset,
    key: EncryptionKey,
    access_logs: AccessLogBucket,
    protect_data: bool,
) -> Release:
    """The region's release, under the construct ids ``releases``, ``signing-profile``,
    ``code-signing`` and ``release`` (a construct-id contract)."""
    bucket = ReleaseBucket(
        scope,
        "releases",
        props=ReleaseBucketProps(
            placement=placement, key=key, access_logs=access_logs, protect_data=protect_data
        ),
    )
    profile = SigningProfile(scope, "signing-profile", placement=placement)
    return Release(
        bucket=bucket,
        profile=profile,
        code_signing=CodeSigningConfig(scope, "code-signing", placement=placement, profile=profile),
        archive=SignedArchive(
            scope,
            "release",
            props=SignedArchiveProps(
                placement=placement, code=code, bucket=bucket, profile=profile
            ),
        ),
    )
