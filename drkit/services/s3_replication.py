"""S3 cross-region replication: every object of one bucket to buckets in other regions, with RTC."""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit import iam
from drkit.aws import (
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
)
from drkit.errors import SpecError
from drkit.services.iam import Role, RoleProps
from drkit.services.placement import Placement
from drkit.services.s3 import EncryptedBucket

#: Replication Time Control's only supported threshold, in minutes.
RTC_MINUTES = 15


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
        self.role = self._role(props)
        self.rule_ids = {d.region: f"to-{d.region}" for d in props.destinations}
        self.resource = self._configuration(props)

    def _role(self, props: BucketReplicationProps) -> Role:
        """Read source versions, write replicas, decrypt and re-encrypt with each region's key."""
        p, src, dests = props.placement, props.source, props.destinations
        role = Role(
            self,
            "role",
            props=RoleProps(
                placement=p,
                purpose=props.role_purpose,
                trusted_services=("s3.amazonaws.com",),
                # Both confused-deputy keys, as S3's replication set-up shows:
                # https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
                trust_conditions={
                    "StringEquals": {"aws:SourceAccount": p.account.account_id},
                    "ArnLike": {"aws:SourceArn": src.bucket_arn},
                },
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
                ),
            ),
        )
        policy = role.policy
        src.key.grant(
            policy,
            ("kms:Decrypt",),
            via=("s3",),
            label="DecryptSourceObjectsIn",
            context={"StringLike": {"kms:EncryptionContext:aws:s3:arn": src.kms_context_arns()}},
        )
        for d in dests:
            d.key.grant(
                policy,
                ("kms:Encrypt", "kms:GenerateDataKey"),
                via=("s3",),
                label="EncryptReplicasIn",
                context={"StringLike": {"kms:EncryptionContext:aws:s3:arn": d.kms_context_arns()}},
            )
        return role

    def _configuration(self, props: BucketReplicationProps) -> S3BucketReplicationConfiguration:
        """One rule per destination: RTC, metrics, delete markers, replica modifications."""
        p, src, dests = props.placement, props.source, props.destinations
        return S3BucketReplicationConfiguration(
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
