"""S3: a region's bucket of release archives, the source and destination of its signing jobs.

Signer signs only objects in its own region, in a versioned bucket
(https://docs.aws.amazon.com/signer/latest/api/API_StartSigningJob.html), so every region has
one; it carries every control of the data buckets (SSE-KMS with the region key, TLS only,
the key pinned, versioning, no public access, server access logs).
"""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit.aws import (
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from drkit.regions import names
from drkit.services.kms import EncryptionKey
from drkit.services.placement import Placement
from drkit.services.s3 import AccessLogBucket, EncryptedBucket, abort_multipart_rule
from drkit.services.s3_policy import deny_insecure_transport, pin_key

#: An archive replaced by a newer upload is kept this long: a function's published versions
#: hold their own copy of the code (Lambda copies it when it deploys), so an old archive is
#: needed only to sign it again, and a rollback moves an alias instead.
NONCURRENT_ARCHIVE_DAYS = 90


@attrs.frozen(kw_only=True)
class ReleaseBucketProps:
    """Props of :class:`ReleaseBucket`.

    Attributes:
        placement: Region, provider and naming.
        key: The region's key (SSE-KMS with bucket keys); same region as the bucket.
        access_logs: Where S3 server access logs go; same region.
        protect_data: Keep the bucket and its archives on ``terraform destroy``.
    """

    placement: Placement
    key: EncryptionKey
    access_logs: AccessLogBucket
    protect_data: bool = False


class ReleaseBucket(EncryptedBucket):
    """The region's release archives (``releases/``) and their signed copies (``signed/``).

    Attributes:
        bucket_name: Its name.
        bucket_arn: Its ARN.
        key: The key that encrypts it.
    """

    def __init__(self, scope: Construct, id: str, *, props: ReleaseBucketProps) -> None:
        p = props.placement
        super().__init__(
            scope,
            id,
            placement=p,
            name=p.named(names.RELEASE_BUCKET),
            key=props.key,
            access_logs=props.access_logs,
            force_destroy=not props.protect_data,
        )
        # Current objects never expire: the functions' code is read from the current signed
        # archive whenever Terraform replaces a function.
        self._lifecycle(
            [
                S3BucketLifecycleConfigurationRule(
                    id="expire-replaced-archives",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=NONCURRENT_ARCHIVE_DAYS
                        )
                    ],
                ),
                abort_multipart_rule(),
            ]
        )
        self.policy = self._policy(
            (*deny_insecure_transport(self.bucket_arn), *pin_key(self.bucket_arn, self.key.key_arn))
        )
