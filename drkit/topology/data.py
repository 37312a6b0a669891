"""The data plane across regions: global tables, bucket replication, who may read what, and
the operator role."""

from __future__ import annotations

import json
from collections.abc import Sequence

import attrs
from constructs import Construct

from drkit import iam
from drkit.aws import (
    LambdaEventSourceMapping,
    LambdaEventSourceMappingFilterCriteria,
    LambdaEventSourceMappingFilterCriteriaFilter,
)
from drkit.footprint import RegionalFootprint
from drkit.regions.spec import DeploymentSpec
from drkit.services.dynamodb import GlobalTable, GlobalTableProps
from drkit.services.iam import Role, RoleProps
from drkit.services.kms import ENCRYPT_DECRYPT
from drkit.services.s3_replication import BucketReplication, BucketReplicationProps
from drkit.topology.access import FunctionAccess, FunctionAccessProps
from drkit_runtime.contract import HEARTBEAT_PREFIX, TABLE_KEYS

# The operator reads and writes data and flips the (encrypted) drain switches.
OPERATOR_KEY_SERVICES = ("dynamodb", "s3", "ssm")
#: Heartbeats arriving in a replica, as the canary's stream mapping filters them.
HEARTBEAT_FILTER = json.dumps(
    {
        "dynamodb": {"Keys": {"record_id": {"S": [{"prefix": HEARTBEAT_PREFIX}]}}},
        "eventName": ["INSERT", "MODIFY"],
    },
    separators=(",", ":"),
)


@attrs.frozen(kw_only=True)
class DataPlaneProps:
    """Props of :class:`DataPlane`.

    Attributes:
        deployment: The deployment's spec.
        footprints: Every region's footprint; exactly one is the primary.
    """

    deployment: DeploymentSpec
    footprints: tuple[RegionalFootprint, ...] = attrs.field(converter=tuple)


class DataPlane(Construct):
    """Global tables, an S3 replication mesh, and the cross-region data access of every role.

    Attributes:
        tables: ``logical name -> GlobalTable`` (``patient_records``, ``audit_logs``).
        replications: ``source region -> BucketReplication`` (every bucket replicates
            to every other region, so writes in any region survive the loss of it).
        operator_role: The failover operator role for the spec's ``operator_principals``
            (people, with MFA); None when the spec names none.
    """

    def __init__(self, scope: Construct, id: str, *, props: DataPlaneProps) -> None:
        super().__init__(scope, id)
        footprints = props.footprints
        self.tables = self._tables(props)
        self.replications = {f.region: self._replication(f, footprints) for f in footprints}
        self.access = FunctionAccess(
            self,
            "access",
            props=FunctionAccessProps(
                deployment=props.deployment, footprints=footprints, tables=self.tables
            ),
        )
        for f in footprints:
            self._heartbeat_streams(f)
        self.operator_role = (
            self._operator_role(props.deployment, footprints)
            if props.deployment.operator_principals
            else None
        )

    def _tables(self, props: DataPlaneProps) -> dict[str, GlobalTable]:
        """Both global tables, created in the primary with a replica in every secondary."""
        primary = next(f for f in props.footprints if f.spec.is_primary)
        secondaries = [f for f in props.footprints if f is not primary]
        return {
            purpose: GlobalTable(
                self,
                f"table-{purpose}",
                props=GlobalTableProps(
                    placement=primary.placement,
                    purpose=purpose,
                    key=primary.key,
                    replica_keys=tuple(f.key for f in secondaries),
                    hash_key=hash_key,
                    range_key=range_key,
                    protect_data=props.deployment.protect_data,
                ),
            )
            for purpose, (hash_key, range_key) in TABLE_KEYS.items()
        }

    def _replication(
        self, f: RegionalFootprint, footprints: Sequence[RegionalFootprint]
    ) -> BucketReplication:
        """The region's bucket replicates to every other region's bucket."""
        return BucketReplication(
            self,
            f"replication-{f.spec.short}",
            props=BucketReplicationProps(
                placement=f.placement,
                source=f.bucket,
                destinations=tuple(o.bucket for o in footprints if o is not f),
            ),
        )

    def _heartbeat_streams(self, f: RegionalFootprint) -> None:
        """Feed heartbeats arriving in this region's replicas to its canary (arrival - write)."""
        for purpose, table in self.tables.items():
            LambdaEventSourceMapping(
                self,
                f"heartbeats-{purpose}-{f.spec.short}",
                provider=f.placement.provider,
                event_source_arn=table.stream_arn_in(f.region),
                function_name=f.canary_function.function_arn,
                starting_position="LATEST",
                batch_size=100,
                maximum_retry_attempts=2,
                maximum_record_age_in_seconds=300,
                filter_criteria=LambdaEventSourceMappingFilterCriteria(
                    filter=[LambdaEventSourceMappingFilterCriteriaFilter(pattern=HEARTBEAT_FILTER)]
                ),
                # The role must be able to read the stream before the mapping is made.
                depends_on=[self.access.policies[(f.region, "canary")].resource],
            )

    def _operator_role(
        self, deployment: DeploymentSpec, footprints: Sequence[RegionalFootprint]
    ) -> Role:
        """The failover role, for people: the spec's principals, with MFA; never a function."""
        tables = list(self.tables.values())
        primary = next(f for f in footprints if f.spec.is_primary)
        people = deployment.operator_principals
        role = Role(
            self,
            "operator-role",
            props=RoleProps(
                placement=primary.placement,
                purpose="operator",
                regional=False,
                trusted_roles=people,
                trust_conditions={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                statements=_operator_statements(tables, footprints),
            ),
        )
        for f in footprints:
            f.key.grant(role.policy, ENCRYPT_DECRYPT, via=OPERATOR_KEY_SERVICES, label="UseKeyIn")
        return role


def _operator_statements(
    tables: Sequence[GlobalTable], footprints: Sequence[RegionalFootprint]
) -> tuple[iam.Statement, ...]:
    return (
        iam.Statement(
            sid="ReadWriteEveryReplica",
            actions=(
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
            ),
            resources=tuple(t.arn_in(f.region) for t in tables for f in footprints),
        ),
        iam.Statement(
            sid="ListEveryBucket",
            actions=("s3:ListBucket",),
            resources=tuple(f.bucket.bucket_arn for f in footprints),
        ),
        iam.Statement(
            sid="ReadWriteEveryBucket",
            actions=("s3:GetObject", "s3:PutObject"),
            resources=tuple(f"{f.bucket.bucket_arn}/*" for f in footprints),
        ),
        iam.Statement(
            sid="FlipDrainSwitches",
            actions=("ssm:GetParameter", "ssm:PutParameter"),
            resources=tuple(f.drain.parameter_arn for f in footprints),
        ),
    )
