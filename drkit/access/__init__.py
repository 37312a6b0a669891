"""Who may do what: every role of a deployment, as data computed from the spec alone.

The IAM stack makes the roles; each region's stack names them by ARN (in key policies,
endpoint policies, and as the roles its functions and services run as). Both compute the
same statements from this model, so neither reads the other.
"""

from __future__ import annotations

import functools

import attrs

from drkit import iam
from drkit.access import service_roles
from drkit.access.functions import FunctionAccess
from drkit.access.keys import KeyUse
from drkit.access.roles import RoleModel
from drkit.regions import names
from drkit.regions.names import Account
from drkit.regions.spec import DeploymentSpec

__all__ = ["Access", "FunctionAccess", "KeyUse", "RoleModel"]


@attrs.frozen(kw_only=True)
class Access:
    """Every role of one deployment, as seen from one stack (its account tokens).

    Attributes:
        spec: The deployment.
        account: The account as the stack that asks knows it.
    """

    spec: DeploymentSpec
    account: Account

    @functools.cached_property
    def functions(self) -> FunctionAccess:
        return FunctionAccess(
            namer=self.spec.namer,
            account=self.account,
            regions=self._regions,
            extra_api_statements=self.spec.extra_api_statements,
        )

    @property
    def _regions(self) -> tuple[str, ...]:
        return tuple(r.region for r in self.spec.regions)

    def regional_roles(self, region: str) -> dict[str, RoleModel]:
        """``purpose -> role`` of everything that runs in ``region``."""
        n, a, regions = self.spec.namer, self.account, self._regions
        peers = [r for r in regions if r != region]
        roles = {p: self.functions.role(p, region) for p in names.FUNCTION_PURPOSES}
        roles[names.S3_REPLICATION.purpose] = service_roles.bucket_replication(
            n, a, roles=names.S3_REPLICATION, bucket=names.DATA_BUCKET, source=region,
            destinations=peers,
        )  # fmt: skip
        roles[names.FLOW_LOGS.purpose] = service_roles.flow_logs(n, a, region)
        roles[names.BACKUP.purpose] = service_roles.backup(n, a, region, regions)
        if region == self.spec.primary.region:
            roles[names.TRAIL_LOGS.purpose] = service_roles.trail_logs(n, a, region)
            roles[names.TRAIL_REPLICATION.purpose] = service_roles.bucket_replication(
                n, a, roles=names.TRAIL_REPLICATION, bucket=names.TRAIL_BUCKET, source=region,
                destinations=peers, locked=self.spec.protect_data,
            )  # fmt: skip
        return roles

    @property
    def operator(self) -> RoleModel | None:
        """The failover operator role; None when the spec names no operator principals."""
        principals = self.spec.operator_principals
        if not principals:
            return None
        return service_roles.operator(self.spec.namer, self.account, self._regions, principals)

    @property
    def break_glass(self) -> RoleModel | None:
        """The emergency PHI-reading role; None when the spec names no break-glass principals."""
        principals = self.spec.break_glass_principals
        if not principals:
            return None
        return service_roles.break_glass(self.spec.namer, self.account, self._regions, principals)

    def people_roles(self) -> dict[str, RoleModel]:
        """``purpose -> role`` of the roles people assume (the operator's, break-glass)."""
        found = {"operator": self.operator, "breakglass": self.break_glass}
        return {purpose: role for purpose, role in found.items() if role is not None}

    def roles(self) -> tuple[RoleModel, ...]:
        """Every role of the deployment."""
        found = [role for r in self._regions for role in self.regional_roles(r).values()]
        return (*found, *self.people_roles().values())

    def key_statements(self, region: str) -> tuple[iam.Statement, ...]:
        """The statements naming roles in ``region``'s data-key policy."""
        n = self.spec.namer
        return tuple(
            s for role in self.roles() for s in role.key_statements(n, self.account, region)
        )

    def role_arn(self, purpose: str, region: str) -> str:
        """The ARN of ``purpose``'s role in ``region`` (a function's or a service's)."""
        return self.regional_roles(region)[purpose].role_arn(self.spec.namer, self.account)
