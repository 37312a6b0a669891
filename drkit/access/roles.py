"""A role as data: who may assume it, what it may do, and which keys it uses.

The IAM stack makes each role from its model; every other stack refers to it by the ARN
its name gives (:meth:`RoleModel.role_arn`), and a region's stack writes the key-policy half
of each :class:`~drkit.access.keys.KeyUse` on its key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from drkit import iam
from drkit.access.keys import KeyUse
from drkit.regions.names import Account, Name
from drkit.regions.naming import Namer


@attrs.frozen(kw_only=True)
class RoleModel:
    """One IAM role of the deployment.

    Attributes:
        role: The role's name.
        policy: Its inline policy's name.
        region: The region it works in (its names carry it); None for deployment-wide roles.
        trusted_services: Service principals that may assume it.
        trusted_roles: Role ARNs that may assume it (only these).
        trust_conditions: Conditions on the assume-role statement.
        statements: Its own statements (the key halves come from ``key_uses``).
        key_uses: The data keys it uses, and through which services.
    """

    role: Name
    policy: Name
    region: str | None
    trusted_services: tuple[str, ...] = ()
    trusted_roles: tuple[str, ...] = ()
    trust_conditions: Mapping[str, Any] | None = None
    statements: tuple[iam.Statement, ...] = ()
    key_uses: tuple[KeyUse, ...] = ()

    def __attrs_post_init__(self) -> None:
        if bool(self.trusted_services) == bool(self.trusted_roles):
            raise ValueError("a role trusts either services or roles, and at least one")

    def role_name(self, namer: Namer) -> str:
        return self.role(namer, self.region)

    def policy_name(self, namer: Namer) -> str:
        return self.policy(namer, self.region)

    def role_arn(self, namer: Namer, account: Account) -> str:
        """The role's ARN (IAM ARNs carry no region)."""
        return self.role.arn(namer, account, self.region or "")

    def trust_policy(self) -> str:
        principals = (
            {"Service": self.trusted_services}
            if self.trusted_services
            else {"AWS": self.trusted_roles}
        )
        return iam.trust_policy(principals, self.trust_conditions)

    def policy_statements(self, namer: Namer, account: Account) -> tuple[iam.Statement, ...]:
        """Its inline policy: its statements, then one per key it uses."""
        return (*self.statements, *(u.role_statement(namer, account) for u in self.key_uses))

    def key_statements(
        self, namer: Namer, account: Account, region: str
    ) -> tuple[iam.Statement, ...]:
        """The statements naming it in ``region``'s key policy."""
        name, arn = self.role_name(namer), self.role_arn(namer, account)
        return tuple(u.key_statement(name, arn) for u in self.key_uses if u.region == region)
