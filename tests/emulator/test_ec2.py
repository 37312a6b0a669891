"""The EC2 security-group-rule extension, driven with boto3 against the running emulator."""

from __future__ import annotations

from typing import Any

import pytest

from drkit_emulator.runner import Emulator

EAST = "us-east-1"


@pytest.fixture
def group(aws: Emulator, unique_name: str) -> dict[str, str]:
    """A VPC with a security group and an S3 gateway endpoint's prefix list."""
    ec2 = aws.client("ec2", EAST)
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(GroupName=unique_name, Description="rules", VpcId=vpc)["GroupId"]
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{EAST}.s3")
    prefix_list = ec2.describe_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [f"com.amazonaws.{EAST}.s3"]}]
    )["PrefixLists"][0]["PrefixListId"]
    return {"sg": sg, "prefix_list": prefix_list}


def rule_description(aws: Emulator, rule_id: str) -> Any:
    rules = aws.client("ec2", EAST).describe_security_group_rules(SecurityGroupRuleIds=[rule_id])
    return rules["SecurityGroupRules"][0].get("Description")


def test_prefix_list_rule_keeps_its_description(aws: Emulator, group: dict[str, str]) -> None:
    """An egress rule to a prefix list reports the description it was created with."""
    created = aws.client("ec2", EAST).authorize_security_group_egress(
        GroupId=group["sg"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "PrefixListIds": [
                    {"PrefixListId": group["prefix_list"], "Description": "HTTPS to s3"}
                ],
            }
        ],
    )
    rule_id = created["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    assert rule_description(aws, rule_id) == "HTTPS to s3"


def test_group_reference_rule_keeps_its_description(aws: Emulator, group: dict[str, str]) -> None:
    """An ingress rule from another security group reports the description it was created with."""
    created = aws.client("ec2", EAST).authorize_security_group_ingress(
        GroupId=group["sg"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "UserIdGroupPairs": [{"GroupId": group["sg"], "Description": "from itself"}],
            }
        ],
    )
    rule_id = created["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    assert rule_description(aws, rule_id) == "from itself"


def test_cidr_rule_description_is_unchanged(aws: Emulator, group: dict[str, str]) -> None:
    """A CIDR rule's description (which moto already kept) still comes back."""
    created = aws.client("ec2", EAST).authorize_security_group_ingress(
        GroupId=group["sg"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.7.0.0/16", "Description": "from the VPC"}],
            }
        ],
    )
    rule_id = created["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    assert rule_description(aws, rule_id) == "from the VPC"


@pytest.mark.parametrize("direction", ["ingress", "egress"])
def test_revoking_an_unknown_rule_id_is_awss_not_found(
    aws: Emulator, group: dict[str, str], direction: str
) -> None:
    """Revoking a rule twice: the second call is InvalidSecurityGroupRuleId.NotFound, as in AWS."""
    ec2 = aws.client("ec2", EAST)
    authorize = getattr(ec2, f"authorize_security_group_{direction}")
    revoke = getattr(ec2, f"revoke_security_group_{direction}")
    rule = {
        "IpProtocol": "tcp",
        "FromPort": 443,
        "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.9.0.0/16"}],
    }
    rule_id = authorize(GroupId=group["sg"], IpPermissions=[rule])["SecurityGroupRules"][0][
        "SecurityGroupRuleId"
    ]
    revoke(GroupId=group["sg"], SecurityGroupRuleIds=[rule_id])
    with pytest.raises(ec2.exceptions.ClientError) as caught:
        revoke(GroupId=group["sg"], SecurityGroupRuleIds=[rule_id])
    assert caught.value.response["Error"]["Code"] == "InvalidSecurityGroupRuleId.NotFound"
    assert rule_id in caught.value.response["Error"]["Message"]
