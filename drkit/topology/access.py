"""The functions' access, derived from their declaration (``drkit_runtime.access``).

For every function of every region, one pass over its declared calls writes: its role's
policy (one statement per call), the key grants for what those calls decrypt or encrypt
(both halves, through ``EncryptionKey.grant``), the statements of the VPC endpoints the
calls go through (own region: the VPC's endpoints; a peer: the peer's interface
endpoint), and the peer endpoints' URLs the function's clients use. Nothing here names
an action of its own: a call missing from the declaration has no permission and no path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
from cdktf import Fn
from constructs import Construct

from drkit import iam
from drkit.footprint import RegionalFootprint
from drkit.regions.spec import DeploymentSpec, Target
from drkit.services.dynamodb import GlobalTable
from drkit.services.iam import RolePolicy
from drkit.services.kms import key_actions
from drkit.services.lambda_ import RegionalFunction
from drkit_runtime.access import FUNCTIONS, Call, Kind, Scope, peer_services

#: Targets stored encrypted with their region's key (a call on them needs that key too).
ENCRYPTED = frozenset(
    {Kind.TABLE, Kind.TABLE_STREAMS, Kind.OBJECTS, Kind.DRAIN_SWITCH, Kind.DEAD_LETTER_QUEUE}
)


@attrs.frozen(kw_only=True)
class FunctionAccessProps:
    """Props of :class:`FunctionAccess`.

    Attributes:
        deployment: The deployment's spec (its extra API statements, its target).
        footprints: Every region's footprint.
        tables: ``logical name -> GlobalTable``.
    """

    deployment: DeploymentSpec
    footprints: tuple[RegionalFootprint, ...] = attrs.field(converter=tuple)
    tables: Mapping[str, GlobalTable]


class FunctionAccess(Construct):
    """Writes what each function's declaration asks for, and nothing else.

    Attributes:
        policies: ``(region, function purpose) -> RolePolicy``.
    """

    def __init__(self, scope: Construct, id: str, *, props: FunctionAccessProps) -> None:
        super().__init__(scope, id)
        self._props = props
        self.policies: dict[tuple[str, str], RolePolicy] = {}
        for f in props.footprints:
            for purpose, function in f.functions.items():
                self.policies[(f.region, purpose)] = self._grant(f, purpose, function)
            f.peer_endpoints.update(self._peer_endpoints(f))

    def _grant(self, f: RegionalFootprint, purpose: str, function: RegionalFunction) -> RolePolicy:
        calls = FUNCTIONS[purpose]
        statements = [self._statement(c, f, function) for c in calls]
        if purpose == "api":
            statements += self._props.deployment.extra_api_statements
        policy = function.role.add_policy(purpose, statements)
        self._key_grants(policy, calls, f)
        for call in calls:
            self._endpoint_statements(call, purpose, f, function)
        return policy

    def _regions(self, call: Call, f: RegionalFootprint) -> list[RegionalFootprint]:
        footprints = self._props.footprints
        if call.scope is Scope.PEER:
            return [o for o in footprints if o is not f]
        if call.scope is Scope.EVERY:
            return list(footprints)
        return [f]

    def _statement(
        self, call: Call, f: RegionalFootprint, function: RegionalFunction
    ) -> iam.Statement:
        resources = [a for o in self._regions(call, f) for a in self._arns(call, o, function)]
        conditions = None
        if call.target.kind is Kind.METRICS:
            conditions = {"StringEquals": {"cloudwatch:namespace": call.target.name}}
        return iam.Statement(
            sid=call.sid,
            effect="Deny" if call.deny else "Allow",
            actions=call.actions,
            resources=tuple(dict.fromkeys(resources)),
            conditions=conditions,
        )

    def _arns(
        self, call: Call, where: RegionalFootprint, function: RegionalFunction
    ) -> tuple[str, ...]:
        """The ARNs ``call`` touches in the region of ``where``."""
        target, region = call.target, where.region
        if target.kind is Kind.TABLE:
            return (self._props.tables[target.name].arn_in(region),)
        if target.kind is Kind.TABLE_STREAMS:
            return (f"{self._props.tables[target.name].arn_in(region)}/stream/*",)
        if target.kind is Kind.BUCKET:
            return (where.bucket.bucket_arn,)
        if target.kind is Kind.OBJECTS:
            return (f"{where.bucket.bucket_arn}/{target.name.format(region=region)}",)
        if target.kind is Kind.DRAIN_SWITCH:
            return (where.drain.parameter_arn,)
        if target.kind is Kind.LOG_STREAMS:
            return (function.log_group.streams_arn,)
        if target.kind is Kind.DEAD_LETTER_QUEUE:
            return (function.dead_letter_queue_arn,)
        return ("*",)  # Kind.METRICS (scoped by namespace) and Kind.ANY

    def _key_grants(self, policy: RolePolicy, calls: Sequence[Call], f: RegionalFootprint) -> None:
        """One grant per key and service: what the calls through it decrypt or encrypt."""
        needs: dict[tuple[str, str], set[str]] = {}
        keys = {}
        for call in calls:
            if call.deny or call.target.kind not in ENCRYPTED:
                continue
            for where in self._regions(call, f):
                keys[where.region] = where.key
                slot = needs.setdefault((where.region, call.service), set())
                slot.update(key_actions(call.service, call.actions))
        for (region, service), actions in needs.items():
            label = iam.sid("Use", service, "KeyIn")
            keys[region].grant(policy, sorted(actions), via=(service,), label=label)

    def _endpoint_statements(
        self, call: Call, purpose: str, f: RegionalFootprint, function: RegionalFunction
    ) -> None:
        """Let the call through the endpoint it takes: the own VPC's, or each peer's."""
        if call.deny or call.scope not in (Scope.OWN, Scope.PEER):
            return
        for where in self._regions(call, f):
            policies = (
                where.network.endpoint_policies
                if call.scope is Scope.OWN
                else where.network.peer_endpoint_policies
            )
            policies[call.service].add(
                iam.Statement(
                    sid=iam.sid(purpose, call.sid, "from", f.region),
                    principals={"AWS": (function.role.role_arn,)},
                    actions=call.actions,
                    resources=self._arns(call, where, function),
                    conditions=self._statement(call, f, function).conditions,
                    resource_policy=True,
                )
            )

    def _peer_endpoints(self, f: RegionalFootprint) -> dict[str, dict[str, str]]:
        """``{peer region: {service: URL}}`` for the function's peer clients."""
        d = self._props.deployment
        return {
            o.region: {
                service: d.local_endpoint
                if d.target is Target.LOCAL and d.local_endpoint
                else endpoint_url(service, o.network.peer_endpoint_dns[service])
                for service in peer_services()
            }
            for o in self._props.footprints
            if o is not f
        }


def endpoint_url(service: str, dns_name: str) -> str:
    """The URL an SDK client uses for an interface endpoint's regional DNS name.

    S3's name is a wildcard (``*.vpce-....s3.<region>.vpce.amazonaws.com``) under which
    requests name the bucket: https://docs.aws.amazon.com/AmazonS3/latest/userguide/
    privatelink-interface-endpoints.html
    """
    if service == "s3":
        return "https://" + Fn.replace(dns_name, "*.", "bucket.")
    return f"https://{dns_name}"
