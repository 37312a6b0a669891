"""CloudTrail: a multi-region trail with log-file validation, KMS-encrypted, in its own bucket.

Management events from every region, plus data events (every read and write)
on the patient and audit tables in every region and on the data buckets: the
HIPAA 164.312(b) audit trail. Events also stream to an encrypted CloudWatch
Logs group so they can be searched and alarmed on, and every log file
delivered to the bucket is announced on an encrypted topic of the trail's own,
whose message count the observability topology alarms on (no messages: no
delivery).
"""

from __future__ import annotations

import attrs
from cdktf import TerraformResourceLifecycle
from constructs import Construct

from drkit import iam
from drkit.aws import (
    Cloudtrail,
    CloudtrailEventSelector,
    CloudtrailEventSelectorDataResource,
    SnsTopicPolicy,
)
from drkit.errors import SpecError
from drkit.regions import names
from drkit.regions.validators import to_strings
from drkit.services.kms import EncryptionKey
from drkit.services.logs import LogGroup, LogGroupProps
from drkit.services.placement import Placement
from drkit.services.s3 import (
    AccessLogBucket,
    EncryptedBucket,
    abort_multipart_rule,
    archive_then_expire_rule,
)
from drkit.services.s3_policy import deny_insecure_transport
from drkit.services.sns import Publisher, encrypted_topic

#: HIPAA asks covered entities to keep documentation for six years.
TRAIL_RETENTION_DAYS = 2190


@attrs.frozen(kw_only=True)
class AuditTrailProps:
    """Props of :class:`AuditTrail`.

    Attributes:
        placement: The home region of the trail (the primary region).
        key: Encrypts log files, the trail bucket and the trail's log group; same region.
        access_logs: Receives the trail bucket's server access logs; same region.
        logs_role_arn: The role CloudTrail writes the log group with (the IAM stack's).
        table_arns: Tables (every region's replicas) whose data events are recorded.
        bucket_arns: Data buckets whose object-level events are recorded.
        log_retention_days: Retention of the CloudWatch Logs copy.
        protect_data: Keep the trail bucket on ``terraform destroy`` and lock its log files
            (:class:`TrailBucket`).
        topic_read_back_as_arn: The provider cannot read the delivery topic back as it was
            given. hashicorp/aws 5.100.0 reads it back as a name only when it is in the
            provider's own account; a provider that skips requesting the account id (the
            local target) knows none and reads the ARN, so Terraform would plan a change
            forever. Then the trail ignores changes of ``sns_topic_name`` (the emulator
            accepts only a name when creating it). False on AWS.
    """

    placement: Placement
    key: EncryptionKey
    access_logs: AccessLogBucket
    logs_role_arn: str
    table_arns: tuple[str, ...] = attrs.field(converter=to_strings)
    bucket_arns: tuple[str, ...] = attrs.field(converter=to_strings)
    log_retention_days: int = 365
    protect_data: bool = False
    topic_read_back_as_arn: bool = False

    def __attrs_post_init__(self) -> None:
        if self.key.region != self.placement.region:
            raise SpecError(
                "key", self.key.region, f"a key in the trail's region {self.placement.region}"
            )


class TrailBucket(EncryptedBucket):
    """A trail bucket (or a replica of one): SSE-KMS, versioned, TLS only, kept six years.

    Only the trail (``trail_arn``) may write to the home bucket; replicas are
    written by S3 replication alone. With ``protect_data`` every log file version is locked
    (Object Lock, compliance mode) for ``TRAIL_RETENTION_DAYS`` from its creation, in the home
    bucket and in every replica: S3 replicates only from a locked bucket to locked ones,
    and a replica keeps its source's lock.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        placement: Placement,
        key: EncryptionKey,
        access_logs: AccessLogBucket,
        protect_data: bool,
        trail_arn: str | None,
    ) -> None:
        p = placement
        super().__init__(
            scope,
            id,
            placement=p,
            name=p.named(names.TRAIL_BUCKET),
            key=key,
            access_logs=access_logs,
            force_destroy=not protect_data,
            lock_retention_days=TRAIL_RETENTION_DAYS if protect_data else None,
        )
        # Locked versions outlast the rule's 30 days for noncurrent ones: a lifecycle rule
        # never deletes a locked version (it may still add delete markers), so a log deleted
        # early stays until its lock ends; a current version expires the day its lock ends.
        # https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html
        self._lifecycle(
            [
                archive_then_expire_rule("archive-then-expire-trail", TRAIL_RETENTION_DAYS),
                abort_multipart_rule(),
            ]
        )
        writers = () if trail_arn is None else _trail_writers(self.bucket_arn, trail_arn, p)
        self.policy = self._policy((*writers, *deny_insecure_transport(self.bucket_arn)))


class AuditTrail(Construct):
    """The deployment's trail.

    Attributes:
        trail_name: Its name.
        trail_arn: Its ARN.
        region: Its home region.
        bucket: Where log files go.
        log_group_name: The CloudWatch Logs group events stream to.
        delivery_topic_name: The topic CloudTrail notifies of each delivered log file.
    """

    def __init__(self, scope: Construct, id: str, *, props: AuditTrailProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.trail_name = p.named(names.TRAIL)
        self.trail_arn = p.arn(names.TRAIL)
        self.bucket = TrailBucket(
            self,
            "bucket",
            placement=p,
            key=props.key,
            access_logs=props.access_logs,
            protect_data=props.protect_data,
            trail_arn=self.trail_arn,
        )
        self.region = p.region
        self._key_grants(props)
        logs = self._log_group(props)
        self.log_group_name = logs.log_group_name
        topic = self._delivery_topic(props)
        self.resource = self._trail(props, logs, topic)

    def _key_grants(self, props: AuditTrailProps) -> None:
        """CloudTrail encrypts log files with the key, for this trail only."""
        p = props.placement
        props.key.grant_service(
            "CloudTrailEncryptLogs",
            "cloudtrail.amazonaws.com",
            ("kms:GenerateDataKey",),
            {
                "StringEquals": {"aws:SourceArn": self.trail_arn},
                "StringLike": {
                    "kms:EncryptionContext:aws:cloudtrail:arn": p.account.arn(
                        "cloudtrail", "*", "trail/*"
                    )
                },
            },
        )
        props.key.grant_service(
            "CloudTrailDescribeKey",
            "cloudtrail.amazonaws.com",
            ("kms:DescribeKey",),
            {"StringEquals": {"aws:SourceArn": self.trail_arn}},
        )

    def _log_group(self, props: AuditTrailProps) -> LogGroup:
        """The encrypted log group events stream to (CloudTrail writes it as its role)."""
        p = props.placement
        return LogGroup(
            self,
            "log-group",
            props=LogGroupProps(
                placement=p,
                log_group_name=p.named(names.TRAIL_LOG_GROUP),
                key=props.key,
                retention_days=props.log_retention_days,
            ),
        )

    def _delivery_topic(self, props: AuditTrailProps) -> SnsTopicPolicy:
        """A topic only this trail may publish to, encrypted with the trail's key.

        Its own topic, not the alert topic: CloudTrail sends one message per log file.
        Policies as in cloudtrail-permissions-for-sns-notifications.html, scoped by
        ``aws:SourceArn`` to this trail.
        """
        p = props.placement
        self.delivery_topic_name = p.named(names.TRAIL_DELIVERY_TOPIC)
        only_this_trail = {"StringEquals": {"aws:SourceArn": self.trail_arn}}
        _, policy = encrypted_topic(
            self,
            ("delivery-topic", "delivery-topic-policy"),
            placement=p,
            key=props.key,
            name=self.delivery_topic_name,
            publisher=Publisher(
                sid="CloudTrailDeliveryNotifications",
                service="cloudtrail.amazonaws.com",
                conditions=only_this_trail,
            ),
        )
        props.key.grant_service(
            "CloudTrailPublishToEncryptedTopic",
            "cloudtrail.amazonaws.com",
            ("kms:Decrypt", "kms:GenerateDataKey"),
            only_this_trail,
        )
        return policy

    def _trail(self, props: AuditTrailProps, logs: LogGroup, topic: SnsTopicPolicy) -> Cloudtrail:
        p = props.placement
        return Cloudtrail(
            self,
            "resource",
            provider=p.provider,
            name=self.trail_name,
            s3_bucket_name=self.bucket.bucket_id,
            kms_key_id=props.key.key_arn,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            cloud_watch_logs_group_arn=logs.streams_arn,
            cloud_watch_logs_role_arn=props.logs_role_arn,
            sns_topic_name=self.delivery_topic_name,
            event_selector=[
                CloudtrailEventSelector(
                    read_write_type="All",
                    include_management_events=True,
                    data_resource=[
                        CloudtrailEventSelectorDataResource(
                            type="AWS::DynamoDB::Table",
                            values=list(props.table_arns),
                        ),
                        CloudtrailEventSelectorDataResource(
                            type="AWS::S3::Object",
                            values=[f"{arn}/" for arn in props.bucket_arns],
                        ),
                    ],
                )
            ],
            tags=p.tagged(self.trail_name),
            depends_on=[self.bucket.policy, topic],
            lifecycle=TerraformResourceLifecycle(ignore_changes=["sns_topic_name"])
            if props.topic_read_back_as_arn
            else None,
        )


def _trail_writers(bucket_arn: str, trail_arn: str, p: Placement) -> tuple[iam.Statement, ...]:
    """Only this trail may check the bucket's ACL and write log files into it."""
    return (
        iam.Statement(
            sid="CloudTrailAclCheck",
            principals={"Service": ("cloudtrail.amazonaws.com",)},
            actions=("s3:GetBucketAcl",),
            resources=(bucket_arn,),
            conditions={"StringEquals": {"aws:SourceArn": trail_arn}},
            resource_policy=True,
        ),
        iam.Statement(
            sid="CloudTrailWrite",
            principals={"Service": ("cloudtrail.amazonaws.com",)},
            actions=("s3:PutObject",),
            resources=(f"{bucket_arn}/AWSLogs/{p.account.account_id}/*",),
            conditions={
                "StringEquals": {
                    "aws:SourceArn": trail_arn,
                    "s3:x-amz-acl": "bucket-owner-full-control",
                }
            },
            resource_policy=True,
        ),
    )
