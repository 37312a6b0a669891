"""S3 cross-region replication: every object of one bucket to buckets in other regions, with RTC."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
from constructs import Construct

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
from drkit.services.placement import Placement

#: Replication Time Control's only supported threshold, in minutes.
RTC_MINUTES = 15


@attrs.frozen(kw_only=True)
class ReplicaSite:
    """Where one region's copy of a bucket is.

    Attributes:
        region: Its region.
        bucket_arn: The destination bucket.
        key_arn: The destination region's key (or its alias ARN, which S3 accepts).
    """

    region: str
    bucket_arn: str
    key_arn: str


def _to_sites(value: Iterable[ReplicaSite]) -> tuple[ReplicaSite, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class BucketReplicationProps:
    """Props of :class:`BucketReplication`.

    Attributes:
        placement: The source bucket's region.
        bucket_name: The bucket whose objects are replicated (SSE-KMS, versioned), in that
            region's stack.
        role_arn: The replication role (the IAM stack's, from ``drkit.access``).
        destinations: Buckets in other regions that receive every object.
        replicate_delete_markers: Copy a delete marker (a DELETE without a version id) to
            every destination, so that an object deleted in one region reads as deleted in all.
            False: it stays in the source, and the other regions keep serving the object (S3's
            default, against accidental or malicious deletes). A version deleted by its id
            is never replicated either way; nor is a marker a lifecycle rule adds.
            https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html
    """

    placement: Placement
    bucket_name: str
    role_arn: str
    destinations: tuple[ReplicaSite, ...] = attrs.field(converter=_to_sites)
    replicate_delete_markers: bool = True

    def __attrs_post_init__(self) -> None:
        if not self.destinations:
            raise SpecError("destinations", (), "at least one bucket in another region")
        for d in self.destinations:
            if d.region == self.placement.region:
                raise SpecError(
                    "destinations",
                    d.region,
                    f"regions other than the source's {self.placement.region}",
                )


class BucketReplication(Construct):
    """Cross-region replication from one bucket to every destination, as its role.

    Every rule replicates KMS-encrypted objects re-encrypted with the
    destination region's key, replicates delete markers unless told not to, and
    turns on Replication Time Control and replication metrics so lag can be watched.

    Attributes:
        rule_ids: Rule id per destination region.
    """

    def __init__(self, scope: Construct, id: str, *, props: BucketReplicationProps) -> None:
        super().__init__(scope, id)
        self.rule_ids = {d.region: rule_id(d.region) for d in props.destinations}
        self.resource = self._configuration(props)

    def _configuration(self, props: BucketReplicationProps) -> S3BucketReplicationConfiguration:
        """One rule per destination: RTC, metrics, delete markers, replica modifications."""
        p, dests = props.placement, props.destinations
        delete_markers = "Enabled" if props.replicate_delete_markers else "Disabled"
        return S3BucketReplicationConfiguration(
            self,
            "resource",
            provider=p.provider,
            bucket=props.bucket_name,
            role=props.role_arn,
            rule=[
                S3BucketReplicationConfigurationRule(
                    id=self.rule_ids[d.region],
                    priority=index,
                    status="Enabled",
                    filter=S3BucketReplicationConfigurationRuleFilter(prefix=""),
                    delete_marker_replication=S3BucketReplicationConfigurationRuleDeleteMarkerReplication(
                        status=delete_markers
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
                            replica_kms_key_id=d.key_arn
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
            # Every bucket's versioning is in its region's stack, which this one follows.
        )


def rule_id(destination: str) -> str:
    """The id of the rule that replicates to ``destination`` (a dimension of its metrics)."""
    return f"to-{destination}"
