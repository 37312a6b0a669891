"""Security group rules keep the description of a prefix-list or security-group destination.

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
moto's security-groups module is pointed at the subclass, as
:mod:`drkit.deploy.moto_ext.dynamodb_stream_region` does for stream records;
moto looks the class up there each time it makes a rule.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import security_groups as sg_models

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


def install() -> None:
    """Make new security group rules :class:`DescribedSecurityGroupRule` s. Idempotent."""
    sg_models.SecurityGroupRule = DescribedSecurityGroupRule  # type: ignore[misc]
