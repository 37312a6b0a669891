"""S3 bucket-policy statements every drkit bucket of a kind carries: TLS only, the key pinned."""

from __future__ import annotations

from drkit import iam


def deny_insecure_transport(bucket_arn: str) -> tuple[iam.Statement, ...]:
    """TLS only, and TLS 1.2 or newer (HIPAA 164.312(e)(1) transmission security)."""
    everything = (bucket_arn, f"{bucket_arn}/*")
    return (
        iam.Statement(
            sid="DenyInsecureTransport",
            effect="Deny",
            principals={"AWS": ("*",)},
            actions=("s3:*",),
            resources=everything,
            conditions={"Bool": {"aws:SecureTransport": "false"}},
            resource_policy=True,
        ),
        iam.Statement(
            sid="DenyOutdatedTls",
            effect="Deny",
            principals={"AWS": ("*",)},
            actions=("s3:*",),
            resources=everything,
            conditions={"NumericLessThan": {"s3:TlsVersion": "1.2"}},
            resource_policy=True,
        ),
    )


def pin_key(bucket_arn: str, key_arn: str) -> tuple[iam.Statement, ...]:
    """Uploads get the region's key or name none: a request naming SSE-S3, aws/s3 or
    another key would override the bucket's default encryption, so it is refused.

    Each Deny needs the header present (``Null: false``) and different (``StringNotEquals``):
    a ``...IfExists`` operator holds when the key is absent, so it would refuse every upload
    that relies on the default encryption, the canary's included
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
    Condition keys: https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html
    Replication writes with s3:ReplicateObject, which these statements do not touch.
    """
    objects = (f"{bucket_arn}/*",)
    named = {
        "DenyUploadsNamingAnotherEncryption": ("s3:x-amz-server-side-encryption", "aws:kms"),
        "DenyUploadsNamingAnotherKey": (
            "s3:x-amz-server-side-encryption-aws-kms-key-id",
            key_arn,
        ),
    }
    return tuple(
        iam.Statement(
            sid=sid,
            effect="Deny",
            principals={"AWS": ("*",)},
            actions=("s3:PutObject",),
            resources=objects,
            conditions={"StringNotEquals": {header: allowed}, "Null": {header: "false"}},
            resource_policy=True,
        )
        for sid, (header, allowed) in named.items()
    )
