"""The one place physical names are made.

Every physical name follows ``<type>-<purpose>-<region-short>-<suffix>``
(``s3-data-use1-prod``), or the closest form its service allows (log groups and
SSM parameters are paths, deployment-wide resources have no region part). The
rules below know each service's length and character limits, so a suffix that
would make any name illegal is rejected when the spec is built, not by AWS in
the middle of an apply.
"""

from __future__ import annotations

import enum
import re

import attrs

from drkit.errors import SpecError
from drkit.regions.catalog import short_code

SUFFIX_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


@attrs.frozen(kw_only=True)
class NameRule:
    """What a service accepts as a name.

    Attributes:
        prefix: The ``<type>`` part drkit puts first (may be empty).
        max_length: The service's limit on the whole name.
        pattern: A regex the whole name must match.
        service: Human name of the service, for error messages.
        template: How the parts are joined; ``{prefix}``, ``{purpose}``,
            ``{region}`` (``-use1`` or empty) and ``{suffix}``.
        alphanumeric: The service allows letters and digits only: the suffix's
            hyphens are dropped (``pr-123`` -> ``pr123``).
        underscores: The service allows letters, digits and underscores only: every hyphen
            of the whole name becomes an underscore (``sig-rel-use1-pr-123-`` ->
            ``sig_rel_use1_pr_123_``).
        arn: The ARN AWS gives a resource of this name (``{partition}``, ``{region}``,
            ``{account}``, ``{name}``); empty where AWS adds a random id (no ARN from a name).
    """

    prefix: str
    max_length: int
    pattern: str
    service: str
    template: str = "{prefix}-{purpose}{region}-{suffix}"
    alphanumeric: bool = False
    underscores: bool = False
    arn: str = ""


_LOGS_ARN = "arn:{partition}:logs:{region}:{account}:log-group:{name}"


class ResourceType(enum.Enum):
    """Every kind of physical name drkit makes, with its service's rule (and ARN form)."""

    S3_BUCKET = NameRule(
        prefix="s3",
        max_length=63,
        pattern=r"[a-z0-9][a-z0-9-]*[a-z0-9]",
        service="S3 bucket",
        arn="arn:{partition}:s3:::{name}",
    )
    DYNAMODB_TABLE = NameRule(
        prefix="ddb",
        max_length=255,
        pattern=r"[A-Za-z0-9_.-]{3,}",
        service="DynamoDB table",
        arn="arn:{partition}:dynamodb:{region}:{account}:table/{name}",
    )
    IAM_ROLE = NameRule(
        prefix="role",
        max_length=64,
        pattern=r"[\w+=,.@-]+",
        service="IAM role",
        arn="arn:{partition}:iam::{account}:role/{name}",
    )
    IAM_POLICY = NameRule(
        prefix="policy", max_length=128, pattern=r"[\w+=,.@-]+", service="IAM policy"
    )
    LAMBDA_FUNCTION = NameRule(
        prefix="lambda",
        max_length=64,
        pattern=r"[A-Za-z0-9_-]+",
        service="Lambda function",
        arn="arn:{partition}:lambda:{region}:{account}:function:{name}",
    )
    # Lambda writes to /aws/lambda/<function name>; the group is named after it.
    LAMBDA_LOG_GROUP = NameRule(
        prefix="/aws/lambda/lambda",
        max_length=512,
        pattern=r"[\w#./-]+",
        service="CloudWatch Logs log group",
        arn=_LOGS_ARN,
    )
    LOG_GROUP = NameRule(
        prefix="/drkit/logs",
        max_length=512,
        pattern=r"[\w#./-]+",
        service="CloudWatch Logs log group",
        arn=_LOGS_ARN,
    )
    # Route 53 only writes query logs to groups under /aws/route53/.
    QUERY_LOG_GROUP = NameRule(
        prefix="/aws/route53/logs",
        max_length=512,
        pattern=r"/aws/route53/[\w#./-]+",
        service="Route 53 query log group",
        arn=_LOGS_ARN,
    )
    SQS_QUEUE = NameRule(
        prefix="sqs",
        max_length=80,
        pattern=r"[A-Za-z0-9_-]+",
        service="SQS queue",
        arn="arn:{partition}:sqs:{region}:{account}:{name}",
    )
    SNS_TOPIC = NameRule(
        prefix="sns",
        max_length=256,
        pattern=r"[A-Za-z0-9_-]+",
        service="SNS topic",
        arn="arn:{partition}:sns:{region}:{account}:{name}",
    )
    # An alias ARN names a key where its id is random (alias ARNs in key-using services,
    # kms:ResourceAliases in policies).
    KMS_ALIAS = NameRule(
        prefix="alias/kms",
        max_length=256,
        pattern=r"alias/[A-Za-z0-9/_-]+",
        service="KMS alias",
        arn="arn:{partition}:kms:{region}:{account}:{name}",
    )
    API = NameRule(prefix="apigw", max_length=128, pattern=r"[\w .-]+", service="API Gateway API")
    # EC2 reserves the "sg-" prefix for group ids.
    SECURITY_GROUP = NameRule(
        prefix="secgroup",
        max_length=255,
        pattern=r"(?!sg-)[\w .:/()#,@\[\]+=&;{}!$*-]+",
        service="security group",
    )
    # Name tags of network resources (VPC, subnets, route tables, endpoints, peering).
    NAME_TAG = NameRule(
        prefix="",
        max_length=255,
        pattern=r".+",
        service="Name tag",
        template="{purpose}{region}-{suffix}",
    )
    SSM_PARAMETER = NameRule(
        prefix="/drkit",
        max_length=1011,
        pattern=r"/[A-Za-z0-9_./-]+",
        service="SSM parameter",
        template="{prefix}/{suffix}/{purpose}{region}",
        arn="arn:{partition}:ssm:{region}:{account}:parameter{name}",
    )
    EVENT_RULE = NameRule(
        prefix="rule",
        max_length=64,
        pattern=r"[.\-_A-Za-z0-9]+",
        service="EventBridge rule",
        arn="arn:{partition}:events:{region}:{account}:rule/{name}",
    )
    ALARM = NameRule(
        prefix="alarm",
        max_length=255,
        pattern=r"[^\x00-\x1f]+",
        service="CloudWatch alarm",
        arn="arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}",
    )
    DASHBOARD = NameRule(
        prefix="dash", max_length=255, pattern=r"[A-Za-z0-9_-]+", service="CloudWatch dashboard"
    )
    CLOUDTRAIL = NameRule(
        prefix="trail",
        max_length=128,
        pattern=r"[A-Za-z0-9][A-Za-z0-9._-]*",
        service="CloudTrail trail",
        arn="arn:{partition}:cloudtrail:{region}:{account}:trail/{name}",
    )
    BACKUP_VAULT = NameRule(
        prefix="vault",
        max_length=50,
        pattern=r"[A-Za-z0-9_-]+",
        service="AWS Backup vault",
        arn="arn:{partition}:backup:{region}:{account}:backup-vault:{name}",
    )
    BACKUP_PLAN = NameRule(
        prefix="plan", max_length=50, pattern=r"[A-Za-z0-9_.-]+", service="AWS Backup plan"
    )
    BACKUP_SELECTION = NameRule(
        prefix="selection",
        max_length=50,
        pattern=r"[A-Za-z0-9_.-]+",
        service="AWS Backup selection",
    )
    HEALTH_CHECK = NameRule(
        prefix="hc", max_length=255, pattern=r".+", service="Route 53 health check"
    )
    # Route 53: "an alphanumeric string", 3 to 128 characters, unique in the zone.
    KEY_SIGNING_KEY = NameRule(
        prefix="ksk",
        max_length=128,
        pattern=r"[A-Za-z0-9]{3,}",
        service="Route 53 key-signing key",
        template="{prefix}{purpose}{suffix}",
        alphanumeric=True,
    )
    # AWS Signer: ^[a-zA-Z0-9_]{2,64}$. drkit gives it as a prefix: Terraform appends a
    # 26-character unique id (``name_prefix``), since a canceled profile keeps its name for
    # two years (https://docs.aws.amazon.com/signer/latest/api/API_CancelSigningProfile.html)
    # and a fixed name could not be made again after a destroy. 64 - 26 = 38.
    SIGNING_PROFILE = NameRule(
        prefix="sig",
        max_length=38,
        pattern=r"[A-Za-z0-9_]{2,}",
        service="Signer signing profile name prefix",
        template="{prefix}-{purpose}{region}-{suffix}-",
        underscores=True,
    )


@attrs.frozen
class Namer:
    """Makes physical names for one deployment.

    Attributes:
        suffix: The environment suffix every name ends with.
    """

    suffix: str

    def __call__(self, kind: ResourceType, purpose: str, region: str | None = None) -> str:
        """The physical name of ``purpose`` of ``kind`` in ``region`` (None: deployment-wide).

        Raises:
            SpecError: The name would break the service's rule; the error names
                ``environment_suffix``, since that is the only part a user picks.
        """
        rule = kind.value
        region_part = f"-{short_code(region)}" if region else ""
        suffix = self.suffix.replace("-", "") if rule.alphanumeric else self.suffix
        name = rule.template.format(
            prefix=rule.prefix, purpose=purpose, region=region_part, suffix=suffix
        )
        if kind is ResourceType.NAME_TAG:
            name = name.lstrip("-")
        if rule.underscores:
            name = name.replace("-", "_")
        if len(name) > rule.max_length or not re.fullmatch(rule.pattern, name):
            room = rule.max_length - (len(name) - len(suffix))
            raise SpecError(
                "environment_suffix",
                self.suffix,
                f"at most {max(room, 0)} characters matching {rule.pattern}: the "
                f"{rule.service} name {name!r} must fit in {rule.max_length}",
            )
        return name


def check_suffix(suffix: object) -> str:
    """Validate the suffix's own shape (its effect on each name is ``Namer.check_all``)."""
    if not isinstance(suffix, str) or not SUFFIX_PATTERN.fullmatch(suffix):
        raise SpecError(
            "environment_suffix",
            suffix,
            "lower-case letters, digits and inner hyphens (S3 bucket names are lower-case), "
            "e.g. 'prod' or 'pr-123'",
        )
    return suffix


#: RFC 1035: a DNS label is at most 63 octets, a name at most 253 characters in text form.
DNS_LABEL_MAX = 63
DNS_NAME_MAX = 253


def regional_domain_name(record_name: str, zone_name: str, region: str) -> str:
    """The name only ``region``'s API answers to: ``api`` in us-east-1 -> ``api-use1.<zone>``.

    Route 53 recommends health-checking each endpoint by its own name, never by the name of
    the weighted records it guards (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/
    health-checks-creating-values.html, "Domain name").

    Raises:
        SpecError: The regional label or the whole name would be too long for DNS; the
            error names ``dns_record_name``, the part a user picks.
    """
    label = f"{record_name}-{short_code(region)}"
    name = f"{label}.{zone_name.rstrip('.')}"
    if len(label) > DNS_LABEL_MAX or len(name) > DNS_NAME_MAX:
        room = min(DNS_LABEL_MAX - len(label), DNS_NAME_MAX - len(name)) + len(record_name)
        raise SpecError(
            "dns_record_name",
            record_name,
            f"at most {max(room, 0)} characters: the regional name {name!r} must be one DNS"
            f" label of at most {DNS_LABEL_MAX} under the zone, at most {DNS_NAME_MAX} in all",
        )
    return name
