"""DynamoDB: a global table created in the primary region with a replica in every other one."""

from __future__ import annotations

import attrs
from cdktf import Token
from constructs import Construct

from drkit.aws import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableReplica,
    DynamodbTableServerSideEncryption,
)
from drkit.errors import SpecError
from drkit.regions.names import TABLES
from drkit.services.kms import EncryptionKey
from drkit.services.placement import Placement


@attrs.frozen(kw_only=True)
class GlobalTableProps:
    """Props of :class:`GlobalTable`.

    Attributes:
        placement: The primary region, where the table is created.
        purpose: The table's logical name (``patient_records``); the physical
            name adds the suffix.
        key: The primary region's key.
        replica_keys: One key per secondary region; each replica is encrypted
            with its own region's key.
        hash_key: Partition key attribute (string).
        range_key: Sort key attribute (string), if any.
        protect_data: Deletion protection on the table (provider 5.100 cannot set
            it on replicas; a replica is removed only through the table).
    """

    placement: Placement
    purpose: str
    key: EncryptionKey
    replica_keys: tuple[EncryptionKey, ...]
    hash_key: str
    range_key: str | None = None
    protect_data: bool = False

    def __attrs_post_init__(self) -> None:
        if self.key.region != self.placement.region:
            raise SpecError(
                "key", self.key.region, f"the primary region's key ({self.placement.region})"
            )
        regions = [k.region for k in self.replica_keys]
        if not regions:
            raise SpecError(
                "replica_keys", (), "one key per secondary region (a global table needs replicas)"
            )
        if len(set(regions)) != len(regions) or self.placement.region in regions:
            raise SpecError(
                "replica_keys", regions, "one key per secondary region, each region once"
            )


class GlobalTable(Construct):
    """A global table (version 2019.11.21): on-demand, streams, PITR and a CMK everywhere.

    Attributes:
        table_name: The name, the same in every region.
        regions: The primary region first, then the replica regions.
    """

    def __init__(self, scope: Construct, id: str, *, props: GlobalTableProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self._account = p.account
        self.table_name = TABLES[props.purpose](p.namer)
        self.purpose = props.purpose
        self.regions = (p.region, *(k.region for k in props.replica_keys))
        attributes = [DynamodbTableAttribute(name=props.hash_key, type="S")]
        if props.range_key:
            attributes.append(DynamodbTableAttribute(name=props.range_key, type="S"))
        self.resource = DynamodbTable(
            self,
            "resource",
            provider=p.provider,
            name=self.table_name,
            billing_mode="PAY_PER_REQUEST",
            hash_key=props.hash_key,
            range_key=props.range_key,
            attribute=attributes,
            stream_enabled=True,
            stream_view_type="NEW_AND_OLD_IMAGES",
            server_side_encryption=DynamodbTableServerSideEncryption(
                enabled=True, kms_key_arn=props.key.key_arn
            ),
            point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
            deletion_protection_enabled=props.protect_data,
            replica=[
                DynamodbTableReplica(
                    region_name=k.region,
                    kms_key_arn=k.key_arn,
                    point_in_time_recovery=True,
                    propagate_tags=True,
                )
                for k in props.replica_keys
            ],
            tags=p.tagged(self.table_name),
        )

    def arn_in(self, region: str) -> str:
        """The table's (replica's) ARN in ``region``."""
        self._check(region)
        return self._account.arn("dynamodb", region, f"table/{self.table_name}")

    def stream_arn_in(self, region: str) -> str:
        """The stream of the table's replica in ``region`` (each replica has its own)."""
        self._check(region)
        if region == self.regions[0]:
            return self.resource.stream_arn
        # ``replica`` is a set: its order is Terraform's, not the spec's, so the
        # replica is picked by region name, never by position.
        replicas = f"{self.resource.fqn}.replica"
        return Token.as_string(
            f'${{[for r in {replicas} : r.stream_arn if r.region_name == "{region}"][0]}}'
        )

    def _check(self, region: str) -> None:
        if region not in self.regions:
            raise SpecError("region", region, f"one of the table's regions {self.regions}")
