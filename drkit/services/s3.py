"""S3: encrypted, versioned, private buckets; their access-log bucket; and cross-region replication."""

from __future__ import annotations

from collections.abc import Sequence

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
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
    S3BucketPolicy,
    S3BucketPublicAccessBlock,
    S3BucketReplicationConfiguration,
    S3BucketReplicationConfigurationRule,
    S3BucketReplicationConfigurationRuleDeleteMarkerReplication,
    S3BucketReplicationConfigurationRuleDestination,
    S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration,
    S3BucketReplicationConfigurationRuleDestinationMetrics,
    S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold,
    S3BucketReplicationConfigurationRuleDestinationReplicationTime,
    S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime,
    S3BucketReplicationConfigurationRuleFilter,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteria,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaReplicaModifications,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects,
    S3BucketServerSideEncryptionConfiguration,
    S3BucketServerSideEncryptionConfigurationRule,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault,
    S3BucketVersioning,
    S3BucketVersioningVersioningConfiguration,
)
from drkit.errors import SpecError
from drkit.regions.naming import ResourceType
from drkit.services.iam import Role, RoleProps
from drkit.services.kms import EncryptionKey
from drkit.services.placement import Placement
from drkit_runtime.contract import CANARY_OBJECT_PREFIX

#: Replication Time Control's only supported threshold, in minutes.
RTC_MINUTES = 15


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


class _PrivateBucket(Construct):
    """What every drkit bucket has: versioning, no public access, owner-enforced objects."""

    def __init__(
        self, scope: Construct, id: str, *, placement: Placement, name: str, force_destroy: bool
    ) -> None:
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

    def _policy(self, statements: Sequence[iam.Statement]) -> S3BucketPolicy:
        # After the public access block, or S3 may refuse the policy while it is being set.
        return S3BucketPolicy(
            self,
            "policy",
            provider=self._placement.provider,
            bucket=self.bucket_id,
            policy=iam.document(statements),
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


def _abort_multipart() -> S3BucketLifecycleConfigurationRule:
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
            name=p.name(ResourceType.S3_BUCKET, "accesslogs"),
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
                S3BucketLifecycleConfigurationRule(
                    id="archive-then-expire-access-logs",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    transition=[
                        S3BucketLifecycleConfigurationRuleTransition(
                            days=90, storage_class="GLACIER_IR"
                        )
                    ],
                    expiration=[
                        S3BucketLifecycleConfigurationRuleExpiration(days=props.retention_days)
                    ],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=30
                        )
                    ],
                ),
                _abort_multipart(),
            ]
        )
        self.policy = self._policy(
            (
                iam.Statement(
                    sid="S3ServerAccessLogDelivery",
                    principals={"Service": ("logging.s3.amazonaws.com",)},
                    actions=("s3:PutObject",),
                    resources=(f"{self.bucket_arn}/*",),
                    conditions={"StringEquals": {"aws:SourceAccount": p.account.account_id}},
                    resource_policy=True,
                ),
                *deny_insecure_transport(self.bucket_arn),
            )
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
    ) -> None:
        for field, region in (("key", key.region), ("access_logs", access_logs.region)):
            if region != placement.region:
                raise SpecError(field, region, f"the bucket's own region {placement.region}")
        super().__init__(scope, id, placement=placement, name=name, force_destroy=force_destroy)
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
        """Values of ``kms:EncryptionContext:aws:s3:arn`` for this bucket (bucket keys use the bucket ARN)."""
        return [self.bucket_arn, f"{self.bucket_arn}/*"]


@attrs.frozen(kw_only=True)
class DataBucketProps:
    """Props of :class:`DataBucket`.

    Attributes:
        placement: Region, provider and naming.
        key: The region's key (SSE-KMS with bucket keys); same region as the bucket.
        access_logs: Where S3 server access logs go; same region.
        purpose: Names the bucket (``s3-<purpose>-<region>-<suffix>``).
        protect_data: Keep the bucket and its objects on ``terraform destroy``.
    """

    placement: Placement
    key: EncryptionKey
    access_logs: AccessLogBucket
    purpose: str = "data"
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
            name=p.name(ResourceType.S3_BUCKET, props.purpose),
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
                _abort_multipart(),
            ]
        )
        self._policy(deny_insecure_transport(self.bucket_arn))


@attrs.frozen(kw_only=True)
class BucketReplicationProps:
    """Props of :class:`BucketReplication`.

    Attributes:
        placement: The source bucket's region.
        source: The bucket whose objects are replicated (SSE-KMS, versioned).
        destinations: Buckets in other regions that receive every object.
        role_purpose: Names the replication role (one role per source bucket).
    """

    placement: Placement
    source: EncryptedBucket
    destinations: tuple[EncryptedBucket, ...]
    role_purpose: str = "s3replication"

    def __attrs_post_init__(self) -> None:
        if not self.destinations:
            raise SpecError("destinations", (), "at least one bucket in another region")
        for d in self.destinations:
            if d.region == self.source.region:
                raise SpecError(
                    "destinations",
                    d.region,
                    f"regions other than the source's {self.source.region}",
                )


class BucketReplication(Construct):
    """Cross-region replication from one bucket to every destination, with its own role.

    Every rule replicates KMS-encrypted objects re-encrypted with the
    destination region's key, replicates delete markers, and turns on
    Replication Time Control and replication metrics so lag can be watched.

    Attributes:
        role: The replication role (least privilege on exactly these buckets and keys).
        rule_ids: Rule id per destination region.
    """

    def __init__(self, scope: Construct, id: str, *, props: BucketReplicationProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        src = props.source
        dests = props.destinations
        self.role = Role(
            self,
            "role",
            props=RoleProps(
                placement=p,
                purpose=props.role_purpose,
                trusted_services=("s3.amazonaws.com",),
                trust_conditions={"StringEquals": {"aws:SourceAccount": p.account.account_id}},
                statements=(
                    iam.Statement(
                        sid="ReadSourceConfiguration",
                        actions=("s3:GetReplicationConfiguration", "s3:ListBucket"),
                        resources=(src.bucket_arn,),
                    ),
                    iam.Statement(
                        sid="ReadSourceObjectVersions",
                        actions=(
                            "s3:GetObjectVersionAcl",
                            "s3:GetObjectVersionForReplication",
                            "s3:GetObjectVersionTagging",
                        ),
                        resources=(f"{src.bucket_arn}/*",),
                    ),
                    iam.Statement(
                        sid="WriteReplicas",
                        actions=("s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"),
                        resources=tuple(f"{d.bucket_arn}/*" for d in dests),
                    ),
                    iam.Statement(
                        sid="DecryptSourceObjects",
                        actions=("kms:Decrypt",),
                        resources=(src.key.key_arn,),
                        conditions={
                            "StringEquals": {"kms:ViaService": f"s3.{src.region}.amazonaws.com"},
                            "StringLike": {
                                "kms:EncryptionContext:aws:s3:arn": src.kms_context_arns()
                            },
                        },
                    ),
                    *(
                        iam.Statement(
                            sid=f"EncryptReplicasIn{d.region.replace('-', '').title()}",
                            actions=("kms:Encrypt", "kms:GenerateDataKey"),
                            resources=(d.key.key_arn,),
                            conditions={
                                "StringEquals": {"kms:ViaService": f"s3.{d.region}.amazonaws.com"},
                                "StringLike": {
                                    "kms:EncryptionContext:aws:s3:arn": d.kms_context_arns()
                                },
                            },
                        )
                        for d in dests
                    ),
                ),
            ),
        )
        tag = props.role_purpose.title()
        src.key.grant(
            f"{tag}ReadFrom{src.region.replace('-', '').title()}",
            [self.role.role_arn],
            ("kms:Decrypt",),
            via_services=("s3",),
        )
        for d in dests:
            d.key.grant(
                f"{tag}From{src.region.replace('-', '').title()}",
                [self.role.role_arn],
                ("kms:Encrypt", "kms:GenerateDataKey"),
                via_services=("s3",),
            )
        self.rule_ids = {d.region: f"to-{d.region}" for d in dests}
        self.resource = S3BucketReplicationConfiguration(
            self,
            "resource",
            provider=p.provider,
            bucket=src.bucket_id,
            role=self.role.role_arn,
            rule=[
                S3BucketReplicationConfigurationRule(
                    id=self.rule_ids[d.region],
                    priority=index,
                    status="Enabled",
                    filter=S3BucketReplicationConfigurationRuleFilter(prefix=""),
                    delete_marker_replication=S3BucketReplicationConfigurationRuleDeleteMarkerReplication(
                        status="Enabled"
                    ),
                    source_selection_criteria=S3BucketReplicationConfigurationRuleSourceSelectionCriteria(
                        sse_kms_encrypted_objects=S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects(
                            status="Enabled"
                        ),
                        # Two-way replication: metadata changes on replicas flow back.
                        replica_modifications=S3BucketReplicationConfigurationRuleSourceSelectionCriteriaReplicaModifications(
                            status="Enabled"
                        ),
                    ),
                    destination=S3BucketReplicationConfigurationRuleDestination(
                        bucket=d.bucket_arn,
                        storage_class="STANDARD",
                        encryption_configuration=S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration(
                            replica_kms_key_id=d.key.key_arn
                        ),
                        replication_time=S3BucketReplicationConfigurationRuleDestinationReplicationTime(
                            status="Enabled",
                            time=S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime(
                                minutes=RTC_MINUTES
                            ),
                        ),
                        metrics=S3BucketReplicationConfigurationRuleDestinationMetrics(
                            status="Enabled",
                            event_threshold=S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold(
                                minutes=RTC_MINUTES
                            ),
                        ),
                    ),
                )
                for index, d in enumerate(dests)
            ],
            depends_on=[src.versioning, *(d.versioning for d in dests)],
        )
