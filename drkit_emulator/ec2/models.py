"""drkit's EC2 security group rules: descriptions kept, unknown rule ids refused as AWS does.

The gaps and what is emulated: :mod:`drkit_emulator.ec2`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from moto.ec2.exceptions import InvalidSecurityGroupNotFoundError
from moto.ec2.models import security_groups as sg_models
from moto.ec2.models.security_groups import SecurityGroupBackend

from drkit_emulator.ec2.exceptions import InvalidSecurityGroupRuleIdNotFound

_ORIGINAL = sg_models.SecurityGroupRule


class DescribedSecurityGroupRule(_ORIGINAL):  # type: ignore[misc, valid-type]
    """A rule whose description may come with its prefix list or referenced group."""

    def __init__(
        self,
        ec2_backend: Any,
        ip_protocol: str,
        group_id: str,
        from_port: str | None,
        to_port: str | None,
        ip_range: dict[str, str] | None,
        source_group: dict[str, str] | None = None,
        prefix_list_id: dict[str, str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            ec2_backend,
            ip_protocol,
            group_id,
            from_port,
            to_port,
            ip_range,
            source_group,
            prefix_list_id,
            *args,
            **kwargs,
        )
        self.prefix_list_description = (prefix_list_id or {}).get("Description")

    @property
    def description(self) -> str | None:
        return (
            self.ip_range.get("Description")
            or self.source_group.get("Description")
            or self.prefix_list_description
        )


def install_rules() -> None:
    """Make new security group rules :class:`DescribedSecurityGroupRule` s. Idempotent."""
    sg_models.SecurityGroupRule = DescribedSecurityGroupRule  # type: ignore[misc]


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


def install_rule_id_checks() -> None:
    """Check rule ids before moto's revokes. Idempotent."""
    for name, rules in (
        ("revoke_security_group_ingress", "ingress_rules"),
        ("revoke_security_group_egress", "egress_rules"),
    ):
        method = getattr(SecurityGroupBackend, name)
        if not getattr(method, "__drkit_checked__", False):
            setattr(SecurityGroupBackend, name, _checked(method, rules))
