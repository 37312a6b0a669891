"""The roles AWS services assume for the deployment, and the operator's.

Each is a function of the spec and the account alone: the IAM stack makes the role, the
stacks that use it (a region's bucket replication, flow logs, backups; the primary's trail)
name it by ARN, and every key it uses gets the key-policy half from the same model.
"""

from __future__ import annotations

from collections.abc import Sequence

from drkit import iam
from drkit.access.keys import ENCRYPT_DECRYPT, KeyUse
from drkit.access.roles import RoleModel
from drkit.regions import names
from drkit.regions.catalog import ROUTE53_METRICS_REGION
from drkit.regions.names import Account, Name, RoleNames
from drkit.regions.naming import Namer, ResourceType

# The operator flips the (encrypted) drain switches; it reaches no patient data.
OPERATOR_KEY_SERVICES = ("ssm",)


def bucket_replication(
    namer: Namer,
    account: Account,
    *,
    roles: RoleNames,
    bucket: Name,
    source: str,
    destinations: Sequence[str],
    locked: bool = False,
) -> RoleModel:
    """Read ``source``'s versions, write replicas, decrypt and re-encrypt with each region's key.

    ``locked``: the source has S3 Object Lock, so S3 also reads each version's retention and
    legal hold to copy them (replication-requirements.html, "Object Lock").

    Both confused-deputy keys in the trust, as S3's replication set-up shows:
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
    """
    src = bucket.arn(namer, account, source)
    dests = {region: bucket.arn(namer, account, region) for region in destinations}
    return RoleModel(
        role=roles.role,
        policy=roles.policy,
        region=source,
        trusted_services=("s3.amazonaws.com",),
        trust_conditions={
            "StringEquals": {"aws:SourceAccount": account.account_id},
            "ArnLike": {"aws:SourceArn": src},
        },
        statements=(
            iam.Statement(
                sid="ReadSourceConfiguration",
                actions=("s3:GetReplicationConfiguration", "s3:ListBucket"),
                resources=(src,),
            ),
            iam.Statement(
                sid="ReadSourceObjectVersions",
                actions=(
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionTagging",
                    *(("s3:GetObjectLegalHold", "s3:GetObjectRetention") if locked else ()),
                ),
                resources=(f"{src}/*",),
            ),
            iam.Statement(
                sid="WriteReplicas",
                actions=("s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"),
                resources=tuple(f"{d}/*" for d in dests.values()),
            ),
        ),
        key_uses=(
            KeyUse(
                region=source,
                actions=("kms:Decrypt",),
                via=("s3",),
                label="DecryptSourceObjectsIn",
                context=_s3_context(src),
            ),
            *(
                KeyUse(
                    region=region,
                    actions=("kms:Encrypt", "kms:GenerateDataKey"),
                    via=("s3",),
                    label="EncryptReplicasIn",
                    context=_s3_context(arn),
                )
                for region, arn in dests.items()
            ),
        ),
    )


def _s3_context(bucket_arn: str) -> dict[str, dict[str, list[str]]]:
    """``kms:EncryptionContext:aws:s3:arn`` of a bucket with bucket keys: its ARN (or an
    object's)."""
    return {"StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket_arn, f"{bucket_arn}/*"]}}


def flow_logs(namer: Namer, account: Account, region: str) -> RoleModel:
    """VPC Flow Logs writes the region's flow-log group, for this account's flow logs only."""
    group = names.VPC_FLOW_LOG_GROUP.arn(namer, account, region)
    return RoleModel(
        role=names.FLOW_LOGS.role,
        policy=names.FLOW_LOGS.policy,
        region=region,
        trusted_services=("vpc-flow-logs.amazonaws.com",),
        trust_conditions={
            "StringEquals": {"aws:SourceAccount": account.account_id},
            "ArnLike": {"aws:SourceArn": account.arn("ec2", region, "vpc-flow-log/*")},
        },
        statements=(
            iam.Statement(
                sid="WriteFlowLogs",
                actions=("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"),
                resources=(group, f"{group}:*"),
            ),
        ),
    )


def trail_logs(namer: Namer, account: Account, region: str) -> RoleModel:
    """CloudTrail streams the trail's events into its log group, for this trail only."""
    trail = names.TRAIL.arn(namer, account, region)
    group = names.TRAIL_LOG_GROUP.arn(namer, account, region)
    return RoleModel(
        role=names.TRAIL_LOGS.role,
        policy=names.TRAIL_LOGS.policy,
        region=region,
        trusted_services=("cloudtrail.amazonaws.com",),
        trust_conditions={"StringEquals": {"aws:SourceArn": trail}},
        statements=(
            iam.Statement(
                sid="DeliverTrailEvents",
                actions=("logs:CreateLogStream", "logs:PutLogEvents"),
                resources=(f"{group}:*",),
            ),
        ),
    )


def backup(namer: Namer, account: Account, region: str, regions: Sequence[str]) -> RoleModel:
    """AWS Backup backs up ``region``'s replicas and copies them into every region's vault."""
    tables = tuple(t.arn(namer, account, region) for t in names.TABLES.values())
    return RoleModel(
        role=names.BACKUP.role,
        policy=names.BACKUP.policy,
        region=region,
        trusted_services=("backup.amazonaws.com",),
        trust_conditions={"StringEquals": {"aws:SourceAccount": account.account_id}},
        statements=(
            iam.Statement(
                sid="BackUpTables",
                actions=(
                    "dynamodb:CreateBackup",
                    "dynamodb:DescribeTable",
                    "dynamodb:ListTagsOfResource",
                    "dynamodb:StartAwsBackupJob",
                ),
                resources=tables,
            ),
            iam.Statement(
                sid="ManageTableBackups",
                actions=("dynamodb:DeleteBackup", "dynamodb:DescribeBackup"),
                resources=tuple(f"{arn}/backup/*" for arn in tables),
            ),
            iam.Statement(
                sid="CopyToOtherRegions",
                actions=("backup:CopyIntoBackupVault", "backup:DescribeBackupVault"),
                resources=tuple(names.BACKUP_VAULT.arn(namer, account, r) for r in regions),
            ),
        ),
        key_uses=tuple(
            KeyUse(
                region=r,
                actions=(*ENCRYPT_DECRYPT, "kms:CreateGrant"),
                via=("backup", "dynamodb"),
                label="UseVaultKeyIn",
            )
            for r in regions
        ),
    )


def operator(
    namer: Namer, account: Account, regions: Sequence[str], principals: Sequence[str]
) -> RoleModel:
    """The failover role, for people: the spec's principals, with MFA; never a function.

    It flips the drain switches and reads the deployment's alarms (its metric alarms:
    DescribeAlarms scoped to alarm ARNs returns those, not composite alarms,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html),
    in every region and in us-east-1, where Route 53's alarms are. It reaches no table,
    bucket or object: moving traffic needs no patient data.
    """
    alarm_regions = sorted({*regions, ROUTE53_METRICS_REGION})
    return RoleModel(
        role=names.OPERATOR.role,
        policy=names.OPERATOR.policy,
        region=None,
        trusted_roles=tuple(principals),
        trust_conditions={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        statements=(
            iam.Statement(
                sid="FlipDrainSwitches",
                actions=("ssm:GetParameter", "ssm:PutParameter"),
                resources=tuple(names.DRAIN_SWITCH.arn(namer, account, r) for r in regions),
            ),
            iam.Statement(
                sid="ReadTheDeploymentsAlarms",
                actions=("cloudwatch:DescribeAlarms",),
                resources=tuple(alarm_pattern(namer, account, r) for r in alarm_regions),
            ),
        ),
        key_uses=tuple(
            KeyUse(
                region=r,
                actions=ENCRYPT_DECRYPT,
                via=OPERATOR_KEY_SERVICES,
                label="UseKeyIn",
            )
            for r in regions
        ),
    )


#: How recent the MFA sign-in behind a break-glass session must be (seconds).
BREAK_GLASS_MFA_AGE_SECONDS = 900
#: The data the break-glass role reads, and through which services its keys decrypt it.
BREAK_GLASS_TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:Query")
BREAK_GLASS_OBJECT_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion")
BREAK_GLASS_KEY_SERVICES = ("dynamodb", "s3")


def break_glass(
    namer: Namer, account: Account, regions: Sequence[str], principals: Sequence[str]
) -> RoleModel:
    """Emergency read access to PHI, for people: the spec's principals, with a fresh MFA
    sign-in; never a function.

    Read-only (no role but the API functions' writes audit entries or records): patient
    records and audit entries by key or partition, objects by key, in every region. Every
    assumption is alerted (drkit.services.events.BreakGlassWatch).
    """
    tables = [names.TABLES[t].arn(namer, account, r) for t in names.TABLES for r in regions]
    objects = [f"{names.DATA_BUCKET.arn(namer, account, r)}/*" for r in regions]
    return RoleModel(
        role=names.BREAK_GLASS.role,
        policy=names.BREAK_GLASS.policy,
        region=None,
        trusted_roles=tuple(principals),
        trust_conditions={
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
            "NumericLessThan": {"aws:MultiFactorAuthAge": str(BREAK_GLASS_MFA_AGE_SECONDS)},
        },
        statements=(
            iam.Statement(
                sid="ReadRecordsAndAudit",
                actions=BREAK_GLASS_TABLE_ACTIONS,
                resources=tuple(tables),
            ),
            iam.Statement(
                sid="ReadPatientObjects",
                actions=BREAK_GLASS_OBJECT_ACTIONS,
                resources=tuple(objects),
            ),
        ),
        key_uses=tuple(
            KeyUse(
                region=r,
                actions=("kms:Decrypt",),
                via=BREAK_GLASS_KEY_SERVICES,
                label="ReadWithKeyIn",
            )
            for r in regions
        ),
    )


def alarm_pattern(namer: Namer, account: Account, region: str) -> str:
    """Every alarm of the deployment in ``region``: ``alarm-*-<suffix>``."""
    rule = ResourceType.ALARM.value
    return rule.arn.format(
        partition=account.partition,
        region=region,
        account=account.account_id,
        name=f"{rule.prefix}-*-{namer.suffix}",
    )
