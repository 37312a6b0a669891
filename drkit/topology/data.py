"""The data plane across regions: global tables, bucket replication and heartbeat streams.

What replicates between regions is made where AWS makes it: a global table by the primary
(each replica encrypted with its own region's key), a bucket's replication by its own
region's provider, a replica's stream trigger in the replica's region. Every bucket, key
and role is another stack's; they are named by ARN, but for the tables' replica keys and
streams, whose ids are random (those come from the regions' stacks and this one).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import attrs
from constructs import Construct

from drkit.aws import (
    LambdaEventSourceMapping,
    LambdaEventSourceMappingFilterCriteria,
    LambdaEventSourceMappingFilterCriteriaFilter,
)
from drkit.footprint import RegionalFootprint, to_footprints
from drkit.regions import names
from drkit.regions.names import Name, RoleNames
from drkit.regions.spec import DeploymentSpec
from drkit.services.dynamodb import GlobalTable, GlobalTableProps
from drkit.services.placement import Placement
from drkit.services.s3_replication import BucketReplication, BucketReplicationProps, ReplicaSite
from drkit_runtime.contract import HEARTBEAT_PREFIX, PATIENT_RECORDS, TABLE_KEYS

#: Heartbeats arriving in a replica, as the canary's stream mapping filters them.
HEARTBEAT_FILTER = json.dumps(
    {
        "dynamodb": {"Keys": {"record_id": {"S": [{"prefix": HEARTBEAT_PREFIX}]}}},
        "eventName": ["INSERT", "MODIFY"],
    },
    separators=(",", ":"),
)


def replicated_writes_filter(region: str) -> str:
    """Writes of a record replicated into ``region``'s patient replica (made in another region:
    only records carry ``updated_in_region``), as the records function's stream mapping filters
    them; ``anything-but`` as Lambda's event filtering documents it
    (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html)."""
    made_elsewhere = {"S": [{"anything-but": [region]}]}
    return json.dumps(
        {"dynamodb": {"NewImage": {"updated_in_region": made_elsewhere}}, "eventName": ["MODIFY"]},
        separators=(",", ":"),
    )


@attrs.frozen(kw_only=True)
class DataPlaneProps:
    """Props of :class:`DataPlane`.

    Attributes:
        deployment: The deployment's spec.
        placements: The data stack's placement (provider) in every region.
        footprints: Every region's footprint (in its own stack); exactly one is the primary.
    """

    deployment: DeploymentSpec
    placements: Mapping[str, Placement]
    footprints: tuple[RegionalFootprint, ...] = attrs.field(converter=to_footprints)


class DataPlane(Construct):
    """Global tables, a replication mesh of the data buckets, the trail's archives, streams.

    Attributes:
        tables: ``logical name -> GlobalTable`` (``patient_records``, ``audit_logs``).
        replications: ``source region -> BucketReplication`` (every bucket replicates
            to every other region, so writes in any region survive the loss of it).
        trail_replication: The trail bucket's replication to every other region.
    """

    def __init__(self, scope: Construct, id: str, *, props: DataPlaneProps) -> None:
        super().__init__(scope, id)
        self._props = props
        self.tables = self._tables()
        regions = [f.region for f in props.footprints]
        self.replications = {
            r: self._replication(f"replication-{self._short(r)}", names.S3_REPLICATION,
                                 names.DATA_BUCKET, r)
            for r in regions
        }  # fmt: skip
        primary = props.deployment.primary.region
        self.trail_replication = self._replication(
            "trail-replication", names.TRAIL_REPLICATION, names.TRAIL_BUCKET, primary
        )
        for f in props.footprints:
            self._heartbeat_streams(f)
            self._replicated_writes(f)

    def _short(self, region: str) -> str:
        return self._props.deployment.region(region).short

    def _tables(self) -> dict[str, GlobalTable]:
        """Both global tables, created in the primary with a replica in every secondary."""
        footprints = self._props.footprints
        primary = next(f for f in footprints if f.spec.is_primary)
        secondaries = [f for f in footprints if f is not primary]
        return {
            purpose: GlobalTable(
                self,
                f"table-{purpose}",
                props=GlobalTableProps(
                    placement=self._props.placements[primary.region],
                    purpose=purpose,
                    key=primary.key,
                    replica_keys=tuple(f.key for f in secondaries),
                    hash_key=hash_key,
                    range_key=range_key,
                    protect_data=self._props.deployment.protect_data,
                ),
            )
            for purpose, (hash_key, range_key) in TABLE_KEYS.items()
        }

    def _replication(
        self, id: str, roles: RoleNames, bucket: Name, source: str
    ) -> BucketReplication:
        """``source``'s bucket of ``bucket``'s kind replicates to that of every other region.

        Each destination's key is named by its alias ARN, which S3 accepts for a replica's
        key: https://docs.aws.amazon.com/AmazonS3/latest/API/API_EncryptionConfiguration.html
        With ``protect_data`` a delete marker stays in the region it was made in: a delete in
        one region (nothing in drkit deletes an object) leaves every other region's copy
        readable, as S3 does by default against malicious deletes.
        https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html
        """
        p = self._props.placements[source]
        others = [f.region for f in self._props.footprints if f.region != source]
        return BucketReplication(
            self,
            id,
            props=BucketReplicationProps(
                placement=p,
                bucket_name=p.named(bucket),
                role_arn=roles.role.arn(p.namer, p.account, source),
                destinations=tuple(
                    ReplicaSite(
                        region=r,
                        bucket_arn=bucket.arn(p.namer, p.account, r),
                        key_arn=names.DATA_KEY.arn(p.namer, p.account, r),
                    )
                    for r in others
                ),
                replicate_delete_markers=not self._props.deployment.protect_data,
            ),
        )

    def _replicated_writes(self, f: RegionalFootprint) -> None:
        """Feed records written in other regions and replicated into this region's replica to
        its records function's alias, which records a write that replaced a version it was not
        based on (drkit_runtime.replicated)."""
        p = self._props.placements[f.region]
        LambdaEventSourceMapping(
            self,
            f"replicated-writes-{f.spec.short}",
            provider=p.provider,
            event_source_arn=self.tables[PATIENT_RECORDS].stream_arn_in(f.region),
            function_name=names.FUNCTIONS["api"].alias_arn(p.namer, p.account, f.region),
            starting_position="LATEST",
            batch_size=100,
            maximum_retry_attempts=5,
            maximum_record_age_in_seconds=3600,
            filter_criteria=LambdaEventSourceMappingFilterCriteria(
                filter=[
                    LambdaEventSourceMappingFilterCriteriaFilter(
                        pattern=replicated_writes_filter(f.region)
                    )
                ]
            ),
        )

    def _heartbeat_streams(self, f: RegionalFootprint) -> None:
        """Feed heartbeats arriving in this region's replicas to its canary's alias (arrival -
        write), named by ARN: the canary is the region's stack's."""
        p = self._props.placements[f.region]
        canary = names.FUNCTIONS["canary"].alias_arn(p.namer, p.account, f.region)
        for purpose, table in self.tables.items():
            LambdaEventSourceMapping(
                self,
                f"heartbeats-{purpose}-{f.spec.short}",
                provider=p.provider,
                event_source_arn=table.stream_arn_in(f.region),
                function_name=canary,
                starting_position="LATEST",
                batch_size=100,
                maximum_retry_attempts=2,
                maximum_record_age_in_seconds=300,
                filter_criteria=LambdaEventSourceMappingFilterCriteria(
                    filter=[LambdaEventSourceMappingFilterCriteriaFilter(pattern=HEARTBEAT_FILTER)]
                ),
            )
