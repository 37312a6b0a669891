"""CloudWatch Logs: KMS-encrypted log groups with a retention of a year or more."""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit.aws import CloudwatchLogGroup
from drkit.errors import SpecError
from drkit.regions.spec import LOG_RETENTION_DAYS
from drkit.services.kms import EncryptionKey
from drkit.services.placement import Placement


@attrs.frozen(kw_only=True)
class LogGroupProps:
    """Props of :class:`LogGroup`.

    Attributes:
        placement: Region, provider and naming.
        log_group_name: The physical name (made by the naming function).
        key: Encrypts the log data; must be in the same region.
        retention_days: One of CloudWatch's periods of a year or more.
    """

    placement: Placement
    log_group_name: str
    key: EncryptionKey
    retention_days: int = 365

    def __attrs_post_init__(self) -> None:
        if self.retention_days not in LOG_RETENTION_DAYS:
            raise SpecError("retention_days", self.retention_days, f"one of {LOG_RETENTION_DAYS}")
        if self.key.region != self.placement.region:
            raise SpecError(
                "key", self.key.region, f"a key in {self.placement.region}, the log group's region"
            )


class LogGroup(Construct):
    """An encrypted log group.

    Attributes:
        log_group_name: Its name.
        log_group_arn: Its ARN (without the ``:*`` suffix).
    """

    def __init__(self, scope: Construct, id: str, *, props: LogGroupProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.resource = CloudwatchLogGroup(
            self,
            "resource",
            provider=p.provider,
            name=props.log_group_name,
            kms_key_id=props.key.key_arn,
            retention_in_days=props.retention_days,
            tags=p.tagged(props.log_group_name),
        )
        self.log_group_name = props.log_group_name
        # References (not formatted ARNs), so whatever names the group waits for it.
        self.log_group_arn: str = self.resource.arn
        #: The ARN that covers the group's log streams (for IAM and CloudTrail).
        self.streams_arn = f"{self.log_group_arn}:*"
