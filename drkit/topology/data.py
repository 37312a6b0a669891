"""The data plane across regions: global tables, bucket replication, who may read what, and the operator role."""

from __future__ import annotations

from collections.abc import Sequence

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
from drkit.services.kms import DECRYPT, ENCRYPT_DECRYPT
from drkit.services.s3 import BucketReplication, BucketReplicationProps
from drkit_runtime.contract import CANARY_OBJECT_PREFIX, HEARTBEAT_PREFIX, TABLE_KEYS

TABLE_WRITE_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem")
TABLE_READ_ACTIONS = ("dynamodb:GetItem", "dynamodb:Query")
# Functions reach their data through these; the operator also flips the (encrypted) drain switches.
DATA_SERVICES = ("dynamodb", "s3")
OPERATOR_KEY_SERVICES = ("dynamodb", "s3", "ssm")
STREAM_READ_ACTIONS = (
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
)


def _key_via(
    sid: str, actions: tuple[str, ...], key_arn: str, region: str, services: tuple[str, ...]
) -> iam.Statement:
    """Use of one region's key, only through the named services of that region."""
    return iam.Statement(
        sid=sid,
        actions=actions,
        resources=(key_arn,),
        conditions={
            "StringEquals": {"kms:ViaService": [f"{s}.{region}.amazonaws.com" for s in services]}
        },
    )


def _sid(text: str) -> str:
    return "".join(part.title() for part in text.replace("_", "-").split("-"))


class DataPlane(Construct):
    """Global tables, an S3 replication mesh, and the cross-region data access of every role.

    Attributes:
        tables: ``logical name -> GlobalTable`` (``patient_records``, ``audit_logs``).
        replications: ``source region -> BucketReplication`` (every bucket replicates
            to every other region, so writes in any region survive the loss of it).
        operator_role: The failover operator role, assumable only by the API roles.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        deployment: DeploymentSpec,
        footprints: Sequence[RegionalFootprint],
    ) -> None:
        super().__init__(scope, id)
        primary = next(f for f in footprints if f.spec.is_primary)
        secondaries = [f for f in footprints if not f.spec.is_primary]
        self.tables = {
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
                    protect_data=deployment.protect_data,
                ),
            )
            for purpose, (hash_key, range_key) in TABLE_KEYS.items()
        }
        self.replications = {
            f.region: BucketReplication(
                self,
                f"replication-{f.spec.short}",
                props=BucketReplicationProps(
                    placement=f.placement,
                    source=f.bucket,
                    destinations=tuple(o.bucket for o in footprints if o is not f),
                ),
            )
            for f in footprints
        }
        for f in footprints:
            self._heartbeat_streams(f)
        self._grant_data_access(footprints)
        self.operator_role = self._operator_role(primary, footprints)

    def _heartbeat_streams(self, f: RegionalFootprint) -> None:
        """Feed heartbeats arriving in this region's replicas to its canary (lag = arrival - write)."""
        pattern = (
            '{"dynamodb":{"Keys":{"record_id":{"S":[{"prefix":"%s"}]}}},"eventName":["INSERT","MODIFY"]}'
            % HEARTBEAT_PREFIX
        )
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
                    filter=[LambdaEventSourceMappingFilterCriteriaFilter(pattern=pattern)]
                ),
                # The role must be able to read the stream before the mapping is made.
                depends_on=[f.canary_function.role],
            )

    def _grant_data_access(self, footprints: Sequence[RegionalFootprint]) -> None:
        tables = list(self.tables.values())
        for f in footprints:
            region = f.region
            others = [o for o in footprints if o is not f]
            f.api_function.role.add_policy(
                "api-data",
                (
                    iam.Statement(
                        sid="WriteLocalReplicas",
                        actions=TABLE_WRITE_ACTIONS,
                        resources=tuple(t.arn_in(region) for t in tables),
                    ),
                    iam.Statement(
                        sid="ReadEveryReplica",
                        actions=TABLE_READ_ACTIONS,
                        resources=tuple(t.arn_in(o.region) for t in tables for o in footprints),
                    ),
                    iam.Statement(
                        sid="ProbeLocalBucket",
                        actions=("s3:ListBucket",),
                        resources=(f.bucket.bucket_arn,),
                    ),
                    iam.Statement(
                        sid="ReadWriteLocalObjects",
                        actions=("s3:GetObject", "s3:PutObject"),
                        resources=(f"{f.bucket.bucket_arn}/*",),
                    ),
                    iam.Statement(
                        sid="ReadEveryRegionsObjects",
                        actions=("s3:GetObject",),
                        resources=tuple(f"{o.bucket.bucket_arn}/*" for o in footprints),
                    ),
                    _key_via(
                        "UseLocalKeyThroughDataServices",
                        ENCRYPT_DECRYPT,
                        f.key.key_arn,
                        region,
                        DATA_SERVICES,
                    ),
                    *(
                        _key_via(
                            f"DecryptReadsFrom{_sid(o.region)}",
                            DECRYPT,
                            o.key.key_arn,
                            o.region,
                            DATA_SERVICES,
                        )
                        for o in others
                    ),
                ),
            )
            for o in others:
                o.key.grant(
                    f"ApiRoleOf{_sid(region)}Reads",
                    [f.api_function.role.role_arn],
                    DECRYPT,
                    via_services=DATA_SERVICES,
                )
            f.canary_function.role.add_policy(
                "canary-data",
                (
                    iam.Statement(
                        sid="WriteAndReadHeartbeats",
                        actions=("dynamodb:GetItem", "dynamodb:PutItem"),
                        resources=tuple(t.arn_in(region) for t in tables),
                    ),
                    iam.Statement(
                        sid="ReadLocalHeartbeatStreams",
                        actions=STREAM_READ_ACTIONS,
                        resources=tuple(f"{t.arn_in(region)}/stream/*" for t in tables),
                    ),
                    iam.Statement(
                        sid="FindStreams", actions=("dynamodb:ListStreams",), resources=("*",)
                    ),
                    iam.Statement(
                        sid="WriteOwnCanaryObject",
                        actions=("s3:PutObject",),
                        resources=(f"{f.bucket.bucket_arn}/{CANARY_OBJECT_PREFIX}{region}/*",),
                    ),
                    iam.Statement(
                        sid="ReadReplicatedCanaryObjects",
                        actions=("s3:GetObject", "s3:GetObjectVersion"),
                        resources=(f"{f.bucket.bucket_arn}/{CANARY_OBJECT_PREFIX}*",),
                    ),
                    _key_via(
                        "UseLocalKeyThroughDataServices",
                        ENCRYPT_DECRYPT,
                        f.key.key_arn,
                        region,
                        DATA_SERVICES,
                    ),
                ),
            )

    def _operator_role(
        self, primary: RegionalFootprint, footprints: Sequence[RegionalFootprint]
    ) -> Role:
        """The failover role: assumable by the regional API roles and nothing else."""
        tables = list(self.tables.values())
        role = Role(
            self,
            "operator-role",
            props=RoleProps(
                placement=primary.placement,
                purpose="operator",
                regional=False,
                trusted_roles=tuple(f.api_function.role.role_arn for f in footprints),
                statements=(
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
                    *(
                        _key_via(
                            f"UseKeyIn{_sid(f.region)}",
                            ENCRYPT_DECRYPT,
                            f.key.key_arn,
                            f.region,
                            OPERATOR_KEY_SERVICES,
                        )
                        for f in footprints
                    ),
                ),
            ),
        )
        for f in footprints:
            f.key.grant(
                "OperatorRole", [role.role_arn], ENCRYPT_DECRYPT, via_services=OPERATOR_KEY_SERVICES
            )
            f.api_function.role.add_policy(
                "api-operator",
                (
                    iam.Statement(
                        sid="AssumeOperatorRole",
                        actions=("sts:AssumeRole",),
                        resources=(role.role_arn,),
                    ),
                ),
            )
        return role
