"""S3 Object Lock: a bucket's versions kept write-once-read-many for a retention period.

drkit locks the trail archive with ``protect_data`` (drkit.services.cloudtrail); what is
locked, for how long and why is in docs/compliance.md, "Immutability (protect_data)".
"""

from __future__ import annotations

from constructs import Construct

from drkit.aws import (
    S3BucketObjectLockConfiguration,
    S3BucketObjectLockConfigurationRule,
    S3BucketObjectLockConfigurationRuleDefaultRetention,
    S3BucketVersioning,
)
from drkit.errors import SpecError
from drkit.services.placement import Placement

#: In compliance mode no principal, the account's root user included, can delete or overwrite a
#: locked version or shorten its lock; in governance mode anyone allowed
#: s3:BypassGovernanceRetention can (an administrator is), which an audit record must not allow.
#: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
OBJECT_LOCK_MODE = "COMPLIANCE"
#: The longest retention S3 allows (100 years).
#: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html
MAX_LOCK_RETENTION_DAYS = 36500


def check_lock_retention_days(days: int | None) -> None:
    """Refuse a retention S3 would refuse (None: no Object Lock)."""
    if days is not None and not 1 <= days <= MAX_LOCK_RETENTION_DAYS:
        raise SpecError(
            "lock_retention_days",
            days,
            f"1 to {MAX_LOCK_RETENTION_DAYS} days, or None for no Object Lock",
        )


def default_retention(
    scope: Construct,
    id: str,
    *,
    placement: Placement,
    bucket_id: str,
    versioning: S3BucketVersioning,
    retention_days: int,
) -> S3BucketObjectLockConfiguration:
    """Lock every new version in the bucket ``bucket_id`` (written or replicated) for
    ``retention_days`` from its creation, in compliance mode.

    The bucket must have been created with ``object_lock_enabled``. Object Lock needs
    versioning, hence after the bucket's ``versioning``:
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
    """
    check_lock_retention_days(retention_days)
    return S3BucketObjectLockConfiguration(
        scope,
        id,
        provider=placement.provider,
        bucket=bucket_id,
        rule=S3BucketObjectLockConfigurationRule(
            default_retention=S3BucketObjectLockConfigurationRuleDefaultRetention(
                mode=OBJECT_LOCK_MODE, days=retention_days
            )
        ),
        depends_on=[versioning],
    )
