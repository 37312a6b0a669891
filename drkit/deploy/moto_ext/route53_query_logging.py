"""Route 53 query logging finds the CloudWatch Logs log group its ARN names.

The gap (moto 5.2.5): ``CreateQueryLoggingConfig`` only accepts the log
group's ARN with a ``:*`` suffix (it compares the ARN with
``<log group ARN>:*``). Terraform passes ``aws_cloudwatch_log_group.arn``,
which the provider gives without the suffix, as the AWS documentation's
examples do, and AWS accepts both forms; moto answers
``NoSuchCloudWatchLogsLogGroup`` although the group exists in us-east-1.
moto also only looks at the first page (50 groups) of
``DescribeLogGroups``, so a group further down the list would be missed too.

What this extension does: the log group is looked up by the name in the ARN,
with or without ``:*``, in the us-east-1 logs backend of the account the ARN
names. The ARN is stored as given (Terraform compares it with its
configuration). The other checks (zone exists, ARN shape, one configuration
per zone) are moto's, unchanged in substance.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from moto.moto_api._internal import mock_random
from moto.route53.exceptions import (
    InvalidCloudWatchArn,
    NoSuchCloudWatchLogsLogGroup,
    NoSuchHostedZone,
    QueryLoggingConfigAlreadyExists,
)
from moto.route53.models import LOGS_GROUP_ARN_REGEX, LOGS_GROUP_REGION, QueryLoggingConfig

if TYPE_CHECKING:
    from moto.route53.models import Route53Backend

    _BackendBase = Route53Backend
else:
    _BackendBase = object


def log_group_name(log_group_arn: str) -> str:
    """The log group's name in ``arn:aws:logs:<region>:<account>:log-group:<name>[:*]``."""
    name = log_group_arn.split(":log-group:", 1)[1]
    return name.removesuffix(":*")


class QueryLoggingBackendMixin(_BackendBase):
    """``create_query_logging_config`` that finds the log group by name, ``:*`` or not."""

    def create_query_logging_config(
        self, hosted_zone_id: str, log_group_arn: str
    ) -> QueryLoggingConfig:
        if not any(z.resource_id == hosted_zone_id for z in self.zones.values()):
            raise NoSuchHostedZone(hosted_zone_id)
        if not log_group_arn or not re.match(LOGS_GROUP_ARN_REGEX, log_group_arn):
            raise InvalidCloudWatchArn()

        from moto.logs.models import logs_backends

        account = log_group_arn.split(":")[4]
        if log_group_name(log_group_arn) not in logs_backends[account][LOGS_GROUP_REGION].groups:
            raise NoSuchCloudWatchLogsLogGroup()
        if any(c.hosted_zone_id == hosted_zone_id for c in self.query_logging_configs.values()):
            raise QueryLoggingConfigAlreadyExists()
        config = QueryLoggingConfig(str(mock_random.uuid4()), hosted_zone_id, log_group_arn)
        self.query_logging_configs[config.id] = config
        return config
