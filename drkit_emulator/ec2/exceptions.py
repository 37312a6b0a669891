"""EC2 errors moto does not define."""

from __future__ import annotations

from moto.ec2.exceptions import EC2ClientError


class InvalidSecurityGroupRuleIdNotFound(EC2ClientError):
    """AWS's answer for a rule id that names no rule."""

    def __init__(self, rule_id: str) -> None:
        super().__init__(
            "InvalidSecurityGroupRuleId.NotFound",
            f"The security group rule ID '{rule_id}' does not exist",
        )
