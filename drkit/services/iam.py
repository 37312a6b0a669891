"""IAM: a role made from its model, with its least-privilege inline policy.

Only the IAM stack makes roles (IAM's control plane is in us-east-1); the stacks of the
regions name them by ARN, from the same ``drkit.access`` model.
"""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit.access.roles import RoleModel
from drkit.aws import IamRole, IamRolePolicy
from drkit.services.placement import Placement
from drkit.services.policy import PolicyDocument


@attrs.frozen(kw_only=True)
class RoleProps:
    """Props of :class:`Role`.

    Attributes:
        placement: Provider, naming and account (IAM itself is global).
        model: Who may assume the role and what it may do.
    """

    placement: Placement
    model: RoleModel


class Role(Construct):
    """An IAM role that exactly the model's principals may assume.

    Attributes:
        role_name: Its name.
        role_arn: Its ARN.
        document: Its inline policy's statements.
    """

    def __init__(self, scope: Construct, id: str, *, props: RoleProps) -> None:
        super().__init__(scope, id)
        p, model = props.placement, props.model
        self.role_name = model.role_name(p.namer)
        self.resource = IamRole(
            self,
            "resource",
            provider=p.provider,
            name=self.role_name,
            assume_role_policy=model.trust_policy(),
            max_session_duration=3600,
            tags=p.tagged(self.role_name),
        )
        self.role_arn: str = self.resource.arn
        self.document = PolicyDocument(model.policy_statements(p.namer, p.account))
        self.policy = IamRolePolicy(
            self,
            "policy",
            provider=p.provider,
            name=model.policy_name(p.namer),
            role=self.resource.name,
            policy=self.document.rendered(),
        )
