"""The exact actions of every role drkit makes, service roles included, pinned both ways.

The functions' roles are also checked against the runtime's declaration
(tests/synth/test_access.py) and by the end-to-end probe that takes each action away; the
service roles (S3 replication, backup, flow logs, CloudTrail's log delivery) and the
operator's are held here to the actions the AWS pages below ask for. An action added to or
dropped from any role fails, by name.
"""

from __future__ import annotations

import json

import attrs
import pytest

from tests.helpers import resources, synth_json

pytestmark = pytest.mark.synth

LAMBDA_PLATFORM = {
    # The function's logs, dead letters and traces, and (in a VPC) its network interfaces:
    # https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "sqs:SendMessage",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "kms:Decrypt",
    "kms:GenerateDataKey",
}
NETWORK_INTERFACES = {
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
}
#: A function fed by a DynamoDB stream (its event source mapping polls with its role).
STREAMS = {
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
}
#: S3 replication: https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
#: with SSE-KMS objects: https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
REPLICATION = {
    "s3:GetReplicationConfiguration",
    "s3:ListBucket",
    "s3:GetObjectVersionForReplication",
    "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionTagging",
    "s3:ReplicateObject",
    "s3:ReplicateDelete",
    "s3:ReplicateTags",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
}
#: ``role purpose -> its policy's actions``; the purpose is the role name's second part.
ACTIONS = {
    # The records API: records and audit entries here, records of the peers, and the
    # parameter naming the peers' endpoints (ssm:GetParameter); from its patient replica's
    # stream, the conflicts it records and counts (PutMetricData).
    "api": LAMBDA_PLATFORM
    | NETWORK_INTERFACES
    | STREAMS
    | {
        "cloudwatch:PutMetricData",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "ssm:GetParameter",
    },
    # /health: the drain switch, its own item in the patient replica, its own audit entry.
    "health": LAMBDA_PLATFORM
    | NETWORK_INTERFACES
    | {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "ssm:GetParameter",
    },
    "canary": LAMBDA_PLATFORM
    | NETWORK_INTERFACES
    | {
        "cloudwatch:PutMetricData",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:PutObject",
        "ssm:GetParameter",
    },
    "watcher": LAMBDA_PLATFORM | {"cloudwatch:PutMetricData"},
    # Walks its region's audit chain and publishes what it found; writes no item.
    "auditor": LAMBDA_PLATFORM
    | NETWORK_INTERFACES
    | {"cloudwatch:PutMetricData", "dynamodb:BatchGetItem", "dynamodb:Query"},
    "s3replication": REPLICATION,
    "trailreplication": REPLICATION,
    # Flow logs to CloudWatch Logs: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
    # (less logs:CreateLogGroup: drkit makes the group) .
    "flowlogs": {"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
    # CloudTrail to CloudWatch Logs: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
    "cloudtrail": {"logs:CreateLogStream", "logs:PutLogEvents"},
    # AWS Backup of DynamoDB with copies to other regions' vaults, as the managed
    # AWSBackupServiceRolePolicyForBackup grants for DynamoDB and KMS:
    # https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForBackup.html
    "backup": {
        "backup:CopyIntoBackupVault",
        "backup:DescribeBackupVault",
        "dynamodb:CreateBackup",
        "dynamodb:DeleteBackup",
        "dynamodb:DescribeBackup",
        "dynamodb:DescribeTable",
        "dynamodb:ListTagsOfResource",
        "dynamodb:StartAwsBackupJob",
        "kms:CreateGrant",
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
    },
}
#: What a role is explicitly denied, whatever else allows it: neither function that appends
#: audit entries ever rewrites one (docs/architecture.md, "What IAM cannot enforce").
NEVER_REWRITE = {"dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"}
DENIED = {"api": NEVER_REWRITE, "health": NEVER_REWRITE}
#: The operator (people, with MFA): flip the drain switches (their parameters are encrypted
#: with the region's key, used through SSM only) and read the deployment's alarms; no table,
#: bucket or object (docs/runbook.md lists the same actions for a person's own role).
OPERATOR = {
    "ssm:GetParameter",
    "ssm:PutParameter",
    "cloudwatch:DescribeAlarms",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
}


def role_actions(stack: dict, effect: str = "Allow") -> dict[str, set[str]]:
    """``role name -> every action its inline policies allow`` (or deny, with ``effect``)."""
    roles = {
        f"${{aws_iam_role.{logical}.name}}": body["name"]
        for logical, body in resources(stack, "aws_iam_role").items()
    }
    found: dict[str, set[str]] = {name: set() for name in roles.values()}
    for policy in resources(stack, "aws_iam_role_policy").values():
        role = roles.get(policy["role"], policy["role"])
        for statement in json.loads(policy["policy"])["Statement"]:
            if statement.get("Effect", "Allow") != effect:
                continue
            action = statement["Action"]
            found.setdefault(role, set()).update([action] if isinstance(action, str) else action)
    return found


def _purpose(role_name: str) -> str:
    return role_name.split("-")[1]


def unpinned(found: dict[str, set[str]], pinned: dict[str, set[str]]) -> list[str]:
    """One line per action a role allows beyond its pin, or lost from it."""
    lines = []
    for role, actions in sorted(found.items()):
        expected = pinned.get(_purpose(role), set())
        lines += [f"{role} allows {a}" for a in sorted(actions - expected)]
        lines += [f"{role} lost {a}" for a in sorted(expected - actions)]
    return lines


@pytest.mark.parametrize("which", ["default_stack", "three_region_stack"])
def test_every_role_allows_exactly_its_pinned_actions(which, request):
    stack = request.getfixturevalue(which)
    found = role_actions(stack)
    assert unpinned(found, ACTIONS) == []
    assert unpinned(role_actions(stack, "Deny"), DENIED) == []
    purposes = {_purpose(role) for role in found}
    assert purposes == set(ACTIONS), sorted(set(ACTIONS) ^ purposes)


def test_the_operator_allows_exactly_its_pinned_actions(default_spec):
    spec = attrs.evolve(
        default_spec, operator_principals=("arn:aws:iam::123456789012:role/dr-operators",)
    )
    found = role_actions(synth_json(spec))
    assert unpinned(found, {**ACTIONS, "operator": OPERATOR}) == []
    assert any(_purpose(role) == "operator" for role in found)


def test_an_action_added_to_a_service_role_is_found(default_stack):
    broken = json.loads(json.dumps(default_stack))
    policy = next(
        p for p in resources(broken, "aws_iam_role_policy").values() if "flowlogs" in p["name"]
    )
    document = json.loads(policy["policy"])
    document["Statement"][0]["Action"] = [*document["Statement"][0]["Action"], "logs:*"]
    policy["policy"] = json.dumps(document)
    (line,) = unpinned(role_actions(broken), ACTIONS)
    assert line.startswith("role-flowlogs-") and line.endswith(" allows logs:*")
