"""Revoking a security group rule by an unknown id answers AWS's error code.

The gap (moto 5.2.5): ``RevokeSecurityGroupIngress``/``Egress`` with
``SecurityGroupRuleIds`` naming a rule that does not exist (any more) fails
with ``InvalidPermission.NotFound``. AWS answers
``InvalidSecurityGroupRuleId.NotFound``, which the provider's rule resources
treat as "already deleted". With moto's code, deleting a rule that is
already gone fails the whole destroy. It was first seen as a delete the SDK
retried after its first attempt had succeeded; such retries are now answered
by :mod:`drkit.deploy.retry_replay`, but a rule removed outside Terraform
still needs AWS's error code.

What this extension does: before moto's revoke runs, every id in
``SecurityGroupRuleIds`` is looked up in the group's rules of that direction;
an unknown one raises ``InvalidSecurityGroupRuleId.NotFound`` ("The security
group rule ID '<id>' does not exist"), as AWS does. Revokes by IP permissions
keep moto's behaviour.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from moto.ec2.exceptions import EC2ClientError, InvalidSecurityGroupNotFoundError
from moto.ec2.models.security_groups import SecurityGroupBackend


class InvalidSecurityGroupRuleIdNotFound(EC2ClientError):
    """AWS's answer for a rule id that names no rule."""

    def __init__(self, rule_id: str) -> None:
        super().__init__(
            "InvalidSecurityGroupRuleId.NotFound",
            f"The security group rule ID '{rule_id}' does not exist",
        )


def _checked(method: Callable[..., Any], rules_attribute: str) -> Callable[..., Any]:
    @functools.wraps(method)
    def revoke(self: SecurityGroupBackend, group_name_or_id: str, *args: Any, **kwargs: Any) -> Any:
        rule_ids = kwargs.get("security_rule_ids")
        if rule_ids:
            group = self.get_security_group_by_name_or_id(group_name_or_id, kwargs.get("vpc_id"))
            if group is None:
                raise InvalidSecurityGroupNotFoundError(group_name_or_id)
            known = {rule.id for rule in getattr(group, rules_attribute)}
            for rule_id in rule_ids:
                if rule_id not in known:
                    raise InvalidSecurityGroupRuleIdNotFound(rule_id)
        return method(self, group_name_or_id, *args, **kwargs)

    revoke.__drkit_checked__ = True  # type: ignore[attr-defined]
    return revoke


def install() -> None:
    """Check rule ids before moto's revokes. Idempotent."""
    for name, rules in (
        ("revoke_security_group_ingress", "ingress_rules"),
        ("revoke_security_group_egress", "egress_rules"),
    ):
        method = getattr(SecurityGroupBackend, name)
        if not getattr(method, "__drkit_checked__", False):
            setattr(SecurityGroupBackend, name, _checked(method, rules))
