"""Buckets: SSE-KMS with a bucket key, access logs to an SSE-S3 bucket, TLS only, regional keys."""

from __future__ import annotations

import json

import pytest

from drkit.errors import SpecError
from drkit.services.s3 import AccessLogBucket, AccessLogBucketProps, DataBucket, DataBucketProps
from tests.helpers import resources

pytestmark = pytest.mark.synth


def _algorithm(sse: dict) -> str:
    return sse["rule"][0]["apply_server_side_encryption_by_default"]["sse_algorithm"]


def test_data_bucket_is_kms_encrypted_logged_and_tls_only(h):
    """The data bucket is SSE-KMS with a bucket key, logs to an SSE-S3 bucket, refuses HTTP."""
    h.buckets("us-east-1")
    out = h.synth()
    sse = list(resources(out, "aws_s3_bucket_server_side_encryption_configuration").values())
    algorithms = sorted(_algorithm(s) for s in sse)
    assert algorithms == ["AES256", "aws:kms"]  # the access-log target must be SSE-S3
    kms = next(s for s in sse if _algorithm(s) == "aws:kms")
    assert kms["rule"][0]["bucket_key_enabled"] is True
    assert len(resources(out, "aws_s3_bucket_logging")) == 1
    for policy in resources(out, "aws_s3_bucket_policy").values():
        sids = {s["Sid"] for s in json.loads(policy["policy"])["Statement"]}
        assert {"DenyInsecureTransport", "DenyOutdatedTls"} <= sids


def test_bucket_refuses_a_key_from_another_region(h):
    """A data bucket with a key of another region is refused, named."""
    logs = AccessLogBucket(h.stack, "logs", props=AccessLogBucketProps(placement=h["us-east-1"]))
    with pytest.raises(SpecError, match="key"):
        DataBucket(
            h.stack,
            "d",
            props=DataBucketProps(
                placement=h["us-east-1"], key=h.key("us-west-2"), access_logs=logs
            ),
        )
