"""EC2: security group rules keep their descriptions; revoking an unknown rule id is AWS's error.

Rule descriptions
-----------------
The gap (moto 5.2.5): a rule's ``Description`` is read only from its IP range.
A rule to a prefix list (``PrefixListIds: [{PrefixListId, Description}]``) or
to another security group (``UserIdGroupPairs: [{GroupId, Description}]``)
loses its description: ``DescribeSecurityGroupRules`` returns none. Terraform's
``aws_vpc_security_group_egress_rule`` with ``prefix_list_id`` and a
``description`` (the stack's HTTPS rules to the S3 and DynamoDB gateway
endpoints) plans to set the description again on every run.

What this extension does: rules are made from a ``SecurityGroupRule``
subclass that keeps the description given with the prefix list or group, and
reports it when the IP range has none (a description set later through
``ModifySecurityGroupRules`` still wins, as moto stores it on the IP range).
moto's security-groups module is pointed at the subclass; moto looks the
class up there each time it makes a rule.

Unknown rule ids
----------------
The gap (moto 5.2.5): ``RevokeSecurityGroupIngress``/``Egress`` with
``SecurityGroupRuleIds`` naming a rule that does not exist (any more) fails
with ``InvalidPermission.NotFound``. AWS answers
``InvalidSecurityGroupRuleId.NotFound``, which the provider's rule resources
treat as "already deleted". With moto's code, deleting a rule that is
already gone (removed outside Terraform, say) fails the whole destroy.

What this extension does: before moto's revoke runs, every id in
``SecurityGroupRuleIds`` is looked up in the group's rules of that direction;
an unknown one raises ``InvalidSecurityGroupRuleId.NotFound`` ("The security
group rule ID '<id>' does not exist"), as AWS does. Revokes by IP permissions
keep moto's behaviour.
"""

from __future__ import annotations

from drkit_emulator.ec2 import models


def install() -> None:
    """Make new rules keep their descriptions and check rule ids before revokes. Idempotent."""
    models.install_rules()
    models.install_rule_id_checks()
