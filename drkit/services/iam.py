"""IAM: roles with a named trust policy and least-privilege inline policies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from constructs import Construct

from drkit import iam
from drkit.aws import IamRole, IamRolePolicy
from drkit.regions.naming import ResourceType
from drkit.services.placement import Placement
from drkit.services.policy import PolicyDocument


@attrs.frozen(kw_only=True)
class RoleProps:
    """Props of :class:`Role`.

    Attributes:
        placement: Provider and naming (IAM itself is global).
        purpose: Names the role (``role-<purpose>-<region>-<suffix>``).
        regional: Whether the name carries the region (False for deployment-wide roles).
        trusted_services: Service principals that may assume the role.
        trusted_roles: Role ARNs that may assume the role (only these).
        trust_conditions: Conditions on the assume-role statement.
        statements: The role's own inline policy.
    """

    placement: Placement
    purpose: str
    regional: bool = True
    trusted_services: tuple[str, ...] = ()
    trusted_roles: tuple[str, ...] = ()
    trust_conditions: Mapping[str, Any] | None = None
    statements: tuple[iam.Statement, ...] = ()

    def __attrs_post_init__(self) -> None:
        if bool(self.trusted_services) == bool(self.trusted_roles):
            raise ValueError("a role trusts either services or roles, and at least one")


class Role(Construct):
    """An IAM role that exactly the named principals may assume.

    Attributes:
        role_name: Its name.
        role_arn: Its ARN.
    """

    def __init__(self, scope: Construct, id: str, *, props: RoleProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self._placement = p
        self._regional = props.regional
        self._purpose = props.purpose
        principals = (
            {"Service": props.trusted_services}
            if props.trusted_services
            else {"AWS": props.trusted_roles}
        )
        self.role_name = p.name(ResourceType.IAM_ROLE, props.purpose, regional=props.regional)
        self.resource = IamRole(
            self,
            "resource",
            provider=p.provider,
            name=self.role_name,
            assume_role_policy=iam.trust_policy(principals, props.trust_conditions),
            max_session_duration=3600,
            tags=p.tagged(self.role_name),
        )
        self.role_arn: str = self.resource.arn
        self.policy: RolePolicy | None = None
        if props.statements:
            self.policy = self.add_policy(props.purpose, props.statements)

    def add_policy(self, purpose: str, statements: Iterable[iam.Statement]) -> RolePolicy:
        """Attach another inline policy, named ``policy-<purpose>-<region>-<suffix>``."""
        document = PolicyDocument(statements)
        resource = IamRolePolicy(
            self,
            f"policy-{purpose}",
            provider=self._placement.provider,
            name=self._placement.name(ResourceType.IAM_POLICY, purpose, regional=self._regional),
            role=self.resource.name,
            policy=document.rendered(),
        )
        return RolePolicy(role=self, document=document, resource=resource)


@attrs.frozen(kw_only=True)
class RolePolicy:
    """One inline policy of a role; its document is rendered at synth, so grants can add to it.

    Attributes:
        role: The role it belongs to.
        document: Its statements (``EncryptionKey.grant`` adds the identity half here).
        resource: The ``aws_iam_role_policy``.
    """

    role: Role
    document: PolicyDocument
    resource: IamRolePolicy

    def add(self, statement: iam.Statement) -> None:
        self.document.add(statement)
