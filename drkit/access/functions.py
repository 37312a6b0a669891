"""The functions' access, derived from their declaration (``drkit_runtime.access``).

For every function of every region, one pass over its declared calls gives: its role's
statements (one per call), the keys those calls make it use (through ``KeyUse``), and the
statements of the VPC endpoints the calls go through (own region: the VPC's endpoints; a
peer: the peer's interface endpoints). Nothing here names an action of its own: a call
missing from the declaration has no permission and no path. Every resource is named by
the ARN its name gives (``drkit.regions.names``), so the IAM stack and each region's stack
compute the same statements without reading each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from drkit import iam
from drkit.access.keys import KeyUse, key_actions
from drkit.access.roles import RoleModel
from drkit.regions import names
from drkit.regions.names import Account
from drkit.regions.naming import Namer
from drkit_runtime.access import FUNCTIONS, Call, Kind, Scope

#: Targets stored encrypted with their region's key (a call on them needs that key too).
ENCRYPTED = frozenset(
    {
        Kind.TABLE,
        Kind.TABLE_STREAMS,
        Kind.OBJECTS,
        Kind.DRAIN_SWITCH,
        Kind.PEER_ENDPOINTS,
        Kind.DEAD_LETTER_QUEUE,
    }
)
#: Lambda assumes an execution role with no confused-deputy condition: it documents none,
#: and a condition on a key the service does not send would make the role unusable
#: (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html).
LAMBDA_PRINCIPAL = "lambda.amazonaws.com"


@attrs.frozen(kw_only=True)
class FunctionAccess:
    """What the declaration gives the functions of a deployment.

    Attributes:
        namer: The deployment's names.
        account: The account, as the stack using this knows it.
        regions: Every region of the deployment.
        extra_api_statements: The spec's additions to the API functions' policies.
    """

    namer: Namer
    account: Account
    regions: tuple[str, ...]
    extra_api_statements: tuple[iam.Statement, ...] = ()

    def role(self, purpose: str, region: str) -> RoleModel:
        """The execution role of ``purpose``'s function in ``region``."""
        calls = FUNCTIONS[purpose]
        statements = [self.statement(c, purpose, region) for c in calls]
        if purpose == "api":
            statements += self.extra_api_statements
        fn = names.FUNCTIONS[purpose]
        return RoleModel(
            role=fn.role,
            policy=fn.policy,
            region=region,
            trusted_services=(LAMBDA_PRINCIPAL,),
            statements=tuple(statements),
            key_uses=self._key_uses(calls, region),
        )

    def regions_of(self, call: Call, region: str) -> tuple[str, ...]:
        """The regions ``call`` of a function in ``region`` touches."""
        if call.scope is Scope.PEER:
            return tuple(r for r in self.regions if r != region)
        if call.scope is Scope.EVERY:
            return self.regions
        return (region,)

    def statement(self, call: Call, purpose: str, region: str) -> iam.Statement:
        resources = [a for r in self.regions_of(call, region) for a in self.arns(call, purpose, r)]
        return iam.Statement(
            sid=call.sid,
            effect="Deny" if call.deny else "Allow",
            actions=call.actions,
            resources=tuple(dict.fromkeys(resources)),
            conditions=_conditions(call),
        )

    def arns(self, call: Call, purpose: str, region: str) -> tuple[str, ...]:
        """The ARNs ``call`` (of ``purpose``'s function) touches in ``region``."""
        n, a, target = self.namer, self.account, call.target
        if target.kind is Kind.TABLE:
            return (names.TABLES[target.name].arn(n, a, region),)
        if target.kind is Kind.TABLE_STREAMS:
            return (f"{names.TABLES[target.name].arn(n, a, region)}/stream/*",)
        if target.kind is Kind.BUCKET:
            return (names.DATA_BUCKET.arn(n, a, region),)
        if target.kind is Kind.OBJECTS:
            bucket = names.DATA_BUCKET.arn(n, a, region)
            return (f"{bucket}/{target.name.format(region=region)}",)
        if target.kind is Kind.DRAIN_SWITCH:
            return (names.DRAIN_SWITCH.arn(n, a, region),)
        if target.kind is Kind.PEER_ENDPOINTS:
            return (names.PEER_ENDPOINTS.arn(n, a, region),)
        fn = names.FUNCTIONS[purpose]
        if target.kind is Kind.LOG_STREAMS:
            return (f"{fn.log_group.arn(n, a, region)}:*",)
        if target.kind is Kind.DEAD_LETTER_QUEUE:
            return (fn.dead_letter_queue.arn(n, a, region),)
        return ("*",)  # Kind.METRICS (scoped by namespace) and Kind.ANY

    def _key_uses(self, calls: Sequence[Call], region: str) -> tuple[KeyUse, ...]:
        """One use per key and service: what the calls through it decrypt or encrypt."""
        needs: dict[tuple[str, str], set[str]] = {}
        for call in calls:
            if call.deny or call.target.kind not in ENCRYPTED:
                continue
            for where in self.regions_of(call, region):
                slot = needs.setdefault((where, call.service), set())
                slot.update(key_actions(call.service, call.actions))
        return tuple(
            KeyUse(
                region=where,
                actions=sorted(actions),
                via=(service,),
                label=iam.sid("Use", service, "KeyIn"),
            )
            for (where, service), actions in needs.items()
        )

    def endpoint_statements(
        self, region: str
    ) -> tuple[Mapping[str, list[iam.Statement]], Mapping[str, list[iam.Statement]]]:
        """``(own, peer)``: per service, the statements of ``region``'s endpoints.

        Own: its functions' calls in their own region, through the VPC's endpoints. Peer:
        every other region's functions' calls here, through the interface endpoints meant
        for peers.
        """
        own: dict[str, list[iam.Statement]] = {}
        peer: dict[str, list[iam.Statement]] = {}
        for caller in self.regions:
            for purpose, calls in FUNCTIONS.items():
                role_arn = names.FUNCTIONS[purpose].role.arn(self.namer, self.account, caller)
                for call in calls:
                    if call.deny or region not in self.regions_of(call, caller):
                        continue
                    if call.scope is Scope.OWN:
                        into = own
                    elif call.scope is Scope.PEER:
                        into = peer
                    else:
                        continue
                    into.setdefault(call.service, []).append(
                        iam.Statement(
                            sid=iam.sid(purpose, call.sid, "from", caller),
                            principals={"AWS": (role_arn,)},
                            actions=call.actions,
                            resources=self.arns(call, purpose, region),
                            conditions=_conditions(call),
                            resource_policy=True,
                        )
                    )
        return own, peer


def _conditions(call: Call) -> dict[str, dict[str, Any]] | None:
    if call.target.kind is Kind.METRICS:
        return {"StringEquals": {"cloudwatch:namespace": call.target.name}}
    if call.leading_keys:
        # ForAllValues, as DynamoDB's fine-grained access control documents it: every
        # partition key of the request must match
        # (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
        return {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(call.leading_keys)}}
    return None
