"""S3: encrypted, versioned, private buckets and their access-log bucket.

Cross-region replication between them is drkit.services.s3_replication.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
from constructs import Construct

from drkit import iam
from drkit.aws import (
    S3Bucket,
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionTransition,
    S3BucketLifecycleConfigurationRuleTransition,
    S3BucketLogging,
    S3BucketNotification,
    S3BucketObjectLockConfiguration,
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
    S3BucketPolicy,
    S3BucketPublicAccessBlock,
    S3BucketServerSideEncryptionConfiguration,
    S3BucketServerSideEncryptionConfigurationRule,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault,
    S3BucketVersioning,
    S3BucketVersioningVersioningConfiguration,
)
from drkit.errors import SpecError
from drkit.regions import names
from drkit.regions.names import Name
from drkit.services.kms import EncryptionKey
from drkit.services.placement import Placement
from drkit.services.policy import lazy_string
from drkit.services.s3_lock import check_lock_retention_days, default_retention
from drkit.services.s3_policy import deny_insecure_transport, pin_key
from drkit_runtime.contract import CANARY_OBJECT_PREFIX


class _PrivateBucket(Construct):
    """What every drkit bucket has: versioning, no public access, owner-enforced objects.

    Attributes:
        object_lock: The default retention of every new version, when the bucket was made
            with ``lock_retention_days``; None otherwise.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        placement: Placement,
        name: str,
        force_destroy: bool,
        lock_retention_days: int | None = None,
    ) -> None:
        check_lock_retention_days(lock_retention_days)
        super().__init__(scope, id)
        p = placement
        self._placement = p
        self.bucket_name = name
        self.region = p.region
        self.resource = S3Bucket(
            self,
            "resource",
            provider=p.provider,
            bucket=name,
            force_destroy=force_destroy,
            # At creation: the provider replaces a bucket whose object_lock_enabled changes
            # (turning it on in place: docs/compliance.md, "Immutability"). None, not false,
            # without a lock: such a bucket's JSON stays as it was.
            object_lock_enabled=True if lock_retention_days is not None else None,
            tags=p.tagged(name),
        )
        self.bucket_arn: str = self.resource.arn
        # Read once: every attribute read is a round trip to the jsii kernel.
        self.bucket_id: str = self.resource.id
        self.versioning = S3BucketVersioning(
            self,
            "versioning",
            provider=p.provider,
            bucket=self.bucket_id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        self.public_access_block = S3BucketPublicAccessBlock(
            self,
            "public-access-block",
            provider=p.provider,
            bucket=self.bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        S3BucketOwnershipControls(
            self,
            "ownership",
            provider=p.provider,
            bucket=self.bucket_id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        # Object events go to EventBridge (the canary listens for replicas arriving).
        S3BucketNotification(
            self, "notification", provider=p.provider, bucket=self.bucket_id, eventbridge=True
        )
        self.object_lock: S3BucketObjectLockConfiguration | None = None
        if lock_retention_days is not None:
            self.object_lock = default_retention(
                self,
                "object-lock",
                placement=p,
                bucket_id=self.bucket_id,
                versioning=self.versioning,
                retention_days=lock_retention_days,
            )

    def _policy(self, statements: Sequence[iam.Statement] | Callable[[], str]) -> S3BucketPolicy:
        """The bucket policy: statements, or a function rendering them at synth."""
        document = lazy_string(statements) if callable(statements) else iam.document(statements)
        # After the public access block, or S3 may refuse the policy while it is being set.
        return S3BucketPolicy(
            self,
            "policy",
            provider=self._placement.provider,
            bucket=self.bucket_id,
            policy=document,
            depends_on=[self.public_access_block],
        )

    def _lifecycle(self, rules: list[S3BucketLifecycleConfigurationRule]) -> None:
        S3BucketLifecycleConfiguration(
            self,
            "lifecycle",
            provider=self._placement.provider,
            bucket=self.bucket_id,
            rule=rules,
            depends_on=[self.versioning],
        )


def abort_multipart_rule() -> S3BucketLifecycleConfigurationRule:
    return S3BucketLifecycleConfigurationRule(
        id="abort-incomplete-multipart-uploads",
        status="Enabled",
        filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
        abort_incomplete_multipart_upload=[
            S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                days_after_initiation=7
            )
        ],
    )


def archive_then_expire_rule(rule_id: str, days: int) -> S3BucketLifecycleConfigurationRule:
    """Logs kept for audit: Glacier Instant Retrieval after 90 days, deleted after ``days``."""
    return S3BucketLifecycleConfigurationRule(
        id=rule_id,
        status="Enabled",
        filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
        transition=[
            S3BucketLifecycleConfigurationRuleTransition(days=90, storage_class="GLACIER_IR")
        ],
        expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=days)],
        noncurrent_version_expiration=[
            S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=30)
        ],
    )


@attrs.frozen(kw_only=True)
class AccessLogBucketProps:
    """Props of :class:`AccessLogBucket`.

    Attributes:
        placement: Region, provider and naming.
        protect_data: Keep the bucket (no force-destroy) on ``terraform destroy``.
        retention_days: How long access logs are kept (HIPAA documentation: 6 years).
    """

    placement: Placement
    protect_data: bool = False
    retention_days: int = 2190


class AccessLogBucket(_PrivateBucket):
    """The region's S3 server-access-log target.

    S3 server access logging can only deliver to a bucket encrypted with SSE-S3
    (AES-256), not SSE-KMS, so this is the one bucket without the region key.

    Attributes:
        bucket_name: Its name.
        bucket_arn: Its ARN.
    """

    def __init__(self, scope: Construct, id: str, *, props: AccessLogBucketProps) -> None:
        p = props.placement
        super().__init__(
            scope,
            id,
            placement=p,
            name=p.named(names.ACCESS_LOG_BUCKET),
            force_destroy=not props.protect_data,
        )
        self._sources: list[str] = []
        S3BucketServerSideEncryptionConfiguration(
            self,
            "encryption",
            provider=p.provider,
            bucket=self.bucket_id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRule(
                    apply_server_side_encryption_by_default=S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault(
                        sse_algorithm="AES256"
                    )
                )
            ],
        )
        self._lifecycle(
            [
                archive_then_expire_rule("archive-then-expire-access-logs", props.retention_days),
                abort_multipart_rule(),
            ]
        )
        self.policy = self._policy(lambda: iam.document(self._statements(p)))

    def log_from(self, bucket_arn: str) -> None:
        """Accept the server access logs of ``bucket_arn`` (and of no other bucket)."""
        self._sources.append(bucket_arn)

    def _statements(self, p: Placement) -> tuple[iam.Statement, ...]:
        """Log delivery for this account's source buckets only (both confused-deputy keys)."""
        deny = deny_insecure_transport(self.bucket_arn)
        if not self._sources:
            return deny
        return (
            iam.Statement(
                sid="S3ServerAccessLogDelivery",
                principals={"Service": ("logging.s3.amazonaws.com",)},
                actions=("s3:PutObject",),
                resources=(f"{self.bucket_arn}/*",),
                conditions={
                    "StringEquals": {"aws:SourceAccount": p.account.account_id},
                    "ArnLike": {"aws:SourceArn": iam.one_or_list(self._sources)},
                },
                resource_policy=True,
            ),
            *deny,
        )


class EncryptedBucket(_PrivateBucket):
    """A private bucket encrypted with its region's key (SSE-KMS, bucket keys), access-logged.

    Attributes:
        bucket_name: Its name.
        bucket_arn: Its ARN.
        key: The key that encrypts it.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        placement: Placement,
        name: str,
        key: EncryptionKey,
        access_logs: AccessLogBucket,
        force_destroy: bool,
        lock_retention_days: int | None = None,
    ) -> None:
        for field, region in (("key", key.region), ("access_logs", access_logs.region)):
            if region != placement.region:
                raise SpecError(field, region, f"the bucket's own region {placement.region}")
        super().__init__(
            scope,
            id,
            placement=placement,
            name=name,
            force_destroy=force_destroy,
            lock_retention_days=lock_retention_days,
        )
        p = placement
        self.key = key
        S3BucketServerSideEncryptionConfiguration(
            self,
            "encryption",
            provider=p.provider,
            bucket=self.bucket_id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRule(
                    apply_server_side_encryption_by_default=S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault(
                        sse_algorithm="aws:kms", kms_master_key_id=key.key_arn
                    ),
                    bucket_key_enabled=True,
                )
            ],
        )
        access_logs.log_from(self.bucket_arn)
        S3BucketLogging(
            self,
            "logging",
            provider=p.provider,
            bucket=self.bucket_id,
            target_bucket=access_logs.bucket_id,
            target_prefix=f"s3/{self.bucket_name}/",
            # S3 checks that the target's policy lets the logging service write.
            depends_on=[access_logs.policy],
        )

    def kms_context_arns(self) -> list[str]:
        """``kms:EncryptionContext:aws:s3:arn`` values (with bucket keys, the bucket's ARN)."""
        return [self.bucket_arn, f"{self.bucket_arn}/*"]


@attrs.frozen(kw_only=True)
class DataBucketProps:
    """Props of :class:`DataBucket`.

    Attributes:
        placement: Region, provider and naming.
        key: The region's key (SSE-KMS with bucket keys); same region as the bucket.
        access_logs: Where S3 server access logs go; same region.
        name: The bucket's name (``s3-<purpose>-<region>-<suffix>``).
        protect_data: Keep the bucket and its objects on ``terraform destroy``.
    """

    placement: Placement
    key: EncryptionKey
    access_logs: AccessLogBucket
    name: Name = names.DATA_BUCKET
    protect_data: bool = False


class DataBucket(EncryptedBucket):
    """A region's data bucket: SSE-KMS with the region key, TLS only, logged, versioned.

    Attributes:
        bucket_name: Its name.
        bucket_arn: Its ARN.
        key: The key that encrypts it.
    """

    def __init__(self, scope: Construct, id: str, *, props: DataBucketProps) -> None:
        p = props.placement
        super().__init__(
            scope,
            id,
            placement=p,
            name=p.named(props.name),
            key=props.key,
            access_logs=props.access_logs,
            force_destroy=not props.protect_data,
        )
        self._lifecycle(
            [
                S3BucketLifecycleConfigurationRule(
                    id="tier-then-expire-noncurrent-versions",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    noncurrent_version_transition=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionTransition(
                            noncurrent_days=30, storage_class="STANDARD_IA"
                        )
                    ],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=365
                        )
                    ],
                ),
                S3BucketLifecycleConfigurationRule(
                    id="expire-canary-versions",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix=CANARY_OBJECT_PREFIX)],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=1
                        )
                    ],
                ),
                abort_multipart_rule(),
            ]
        )
        self._policy(
            (*deny_insecure_transport(self.bucket_arn), *pin_key(self.bucket_arn, self.key.key_arn))
        )
