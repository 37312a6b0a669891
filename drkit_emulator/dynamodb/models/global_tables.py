"""Global tables for moto's DynamoDB backend: replicas in other regions, and write replication.

The gap and what is emulated: :mod:`drkit_emulator.dynamodb`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from moto.core.exceptions import JsonRESTError
from moto.dynamodb.exceptions import MockValidationException
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.kms.models import kms_backends

from drkit_emulator.dynamodb.models.hold import HOLD, WRITE_LOCK

if TYPE_CHECKING:
    _BackendBase = DynamoDBBackend
else:
    _BackendBase = object

GLOBAL_TABLE_VERSION = "2019.11.21"

REPLICA_NOT_FOUND = (
    "Replica specified in the Replica Update or Replica Delete action of the request was not found."
)


class ReplicationGroup:
    """The regions that hold one global table; shared by every member region's backend.

    Mutable on purpose (members come and go), so a plain class rather than an
    attrs value object.

    Attributes:
        table_name: The table's name, the same in every region.
        regions: Member regions, in the order they joined (the source first).
    """

    def __init__(self, table_name: str, regions: Iterable[str]) -> None:
        self.table_name = table_name
        self.regions: list[str] = list(regions)

    def others(self, region: str) -> list[str]:
        """The members other than ``region``."""
        return [r for r in self.regions if r != region]


class GlobalTablesBackendMixin(_BackendBase):
    """Adds replica management and write replication to moto's ``DynamoDBBackend``."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        # table name -> its group; the same object sits in every member backend.
        self.replication_groups: dict[str, ReplicationGroup] = {}
        self._replication_paused = False

    # -- replica management ---------------------------------------------------

    def update_replicas(self, table_name: str, replica_updates: list[dict[str, Any]]) -> Table:
        """Apply the ``ReplicaUpdates`` of an ``UpdateTable`` request."""
        with WRITE_LOCK:
            table = self.get_table(table_name)
            for update in replica_updates:
                if "Create" in update:
                    self._create_replica(table, update["Create"])
                elif "Update" in update:
                    self._update_replica(table, update["Update"])
                elif "Delete" in update:
                    self._delete_replica(table, update["Delete"])
                else:
                    raise MockValidationException(
                        "One or more parameter values were invalid: a replica update "
                        "must contain Create, Update or Delete"
                    )
            return table

    def add_replica_descriptions(self, description: dict[str, Any]) -> dict[str, Any]:
        """Add ``GlobalTableVersion`` and ``Replicas`` to a table description, in place."""
        group = self.replication_groups.get(description.get("TableName", ""))
        if group is None:
            return description
        description["GlobalTableVersion"] = GLOBAL_TABLE_VERSION
        description["Replicas"] = [
            self._replica_description(group.table_name, region)
            for region in group.others(self.region_name)
        ]
        return description

    def describe_table(self, name: str) -> dict[str, Any]:
        result = super().describe_table(name)
        self.add_replica_descriptions(result["Table"])
        return result

    def delete_table(self, name: str) -> Table:
        with WRITE_LOCK:
            table = super().delete_table(name)
            self._leave_group(table.name)
            return table

    def _backend(self, region: str) -> GlobalTablesBackendMixin:
        return dynamodb_backends[self.account_id][region]  # type: ignore[return-value]

    def _create_replica(self, table: Table, action: dict[str, Any]) -> None:
        region = action.get("RegionName") or ""
        if region == self.region_name:
            raise MockValidationException(
                f"One or more parameter values were invalid: table {table.name} "
                f"already lives in {region}; a replica must be in another region"
            )
        if region not in dynamodb_backends[self.account_id]:
            raise MockValidationException(f"Region {region!r} is not a valid AWS region")
        group = self.replication_groups.get(table.name)
        target = self._backend(region)
        if (group is not None and region in group.regions) or table.name in target.tables:
            # The provider matches "already exist" and falls back to an Update.
            raise MockValidationException(
                f"Failed to create a the new replica of table with name: '{table.name}' "
                "because one or more replicas already existed as tables."
            )
        sse = self._replica_sse(table, action.get("KMSMasterKeyId"), region)
        replica = target.create_table(
            table.name,
            schema=copy.deepcopy(table.schema),
            throughput=_throughput(table.billing_mode, table.throughput),
            attr=copy.deepcopy(table.attr),
            global_indexes=[_gsi_spec(i, table.billing_mode) for i in table.global_indexes],
            indexes=[
                {
                    "IndexName": i.name,
                    "KeySchema": copy.deepcopy(i.schema),
                    "Projection": copy.deepcopy(i.projection),
                }
                for i in table.indexes
            ],
            streams=_stream_spec(table),
            billing_mode=table.billing_mode or "PROVISIONED",
            sse_specification=sse,
            tags=[],
            deletion_protection_enabled=False,
            warm_throughput=None,
        )
        replica.ttl = copy.deepcopy(table.ttl)
        # AWS backfills a new replica; copying the items keeps the new
        # replica's stream empty, as the backfill is not a stream event there.
        replica.items = copy.deepcopy(table.items)
        if group is None:
            group = ReplicationGroup(table.name, [self.region_name])
            self.replication_groups[table.name] = group
        group.regions.append(region)
        target.replication_groups[table.name] = group

    def _update_replica(self, table: Table, action: dict[str, Any]) -> None:
        region = action.get("RegionName") or ""
        member = self._member_table(table, region)
        key = action.get("KMSMasterKeyId")
        if key:
            member.sse_specification = {
                "Enabled": True,
                "SSEType": "KMS",
                "KMSMasterKeyId": _resolve_kms_key(self.account_id, region, key),
            }

    def _delete_replica(self, table: Table, action: dict[str, Any]) -> None:
        region = action.get("RegionName") or ""
        if region == self.region_name:
            raise MockValidationException(
                f"One or more parameter values were invalid: cannot delete the replica in "
                f"{region} through itself; call UpdateTable from another member region "
                "or DeleteTable in this one"
            )
        self._member_table(table, region)
        self._backend(region).delete_table(table.name)

    def _member_table(self, table: Table, region: str) -> Table:
        if region == self.region_name:
            return table
        group = self.replication_groups.get(table.name)
        if group is None or region not in group.regions:
            raise MockValidationException(REPLICA_NOT_FOUND)
        return self._backend(region).get_table(table.name)

    def _leave_group(self, table_name: str) -> None:
        group = self.replication_groups.pop(table_name, None)
        if group is None:
            return
        group.regions = group.others(self.region_name)
        if len(group.regions) == 1:
            # A single remaining table is no longer a global table.
            self._backend(group.regions[0]).replication_groups.pop(table_name, None)
            group.regions = []

    def _replica_description(self, table_name: str, region: str) -> dict[str, Any]:
        description: dict[str, Any] = {"RegionName": region, "ReplicaStatus": "ACTIVE"}
        member = self._backend(region).tables.get(table_name)
        sse = member.sse_specification if member is not None else None
        if sse and sse.get("Enabled") and sse.get("KMSMasterKeyId"):
            description["KMSMasterKeyId"] = sse["KMSMasterKeyId"]
        return description

    def _replica_sse(self, table: Table, kms_key: str | None, region: str) -> dict[str, Any] | None:
        if kms_key:
            return {
                "Enabled": True,
                "SSEType": "KMS",
                "KMSMasterKeyId": _resolve_kms_key(self.account_id, region, kms_key),
            }
        source = table.sse_specification
        if not (source and source.get("Enabled")):
            return None
        if source.get("KMSMasterKeyId") != _default_dynamodb_key_arn(
            self.account_id, self.region_name
        ):
            # Same rule as AWS: a table encrypted with a customer managed key
            # needs a key named for every replica.
            raise MockValidationException(
                "One or more parameter values were invalid: KMSMasterKeyId must be "
                "specified for each replica."
            )
        # Table() picks the replica region's AWS-managed key when none is given.
        return {"Enabled": True, "SSEType": "KMS"}

    # -- write replication ------------------------------------------------------

    def put_item(
        self, table_name: str, item_attrs: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        with WRITE_LOCK:
            item = super().put_item(table_name, item_attrs, *args, **kwargs)
            self._replicate_item(table_name, item.hash_key, item.range_key)
            return item

    def update_item(self, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        with WRITE_LOCK:
            item = super().update_item(table_name, key, *args, **kwargs)
            self._replicate_item(table_name, item.hash_key, item.range_key)
            return item

    def delete_item(self, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        with WRITE_LOCK:
            item = super().delete_item(table_name, key, *args, **kwargs)
            hash_key, range_key = self.get_keys_value(self.get_table(table_name), key)
            self._replicate_item(table_name, hash_key, range_key)
            return item

    def transact_write_items(self, transact_items: list[dict[str, Any]]) -> None:
        with WRITE_LOCK:
            # The transaction calls put_item & co. itself and may roll back;
            # replicate only what it committed.
            self._replication_paused = True
            try:
                super().transact_write_items(transact_items)
            finally:
                self._replication_paused = False
            for op_type, op in (next(iter(i.items())) for i in transact_items):
                if op_type == "ConditionCheck":
                    continue
                table = self.get_table(op["TableName"])
                if op_type == "Put":
                    key = {a: op["Item"][a] for a in table.table_key_attrs}
                else:
                    key = op["Key"]
                hash_key, range_key = self.get_keys_value(table, key)
                self._replicate_item(table.name, hash_key, range_key)

    def execute_statement(
        self, statement: str, parameters: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        with WRITE_LOCK:
            result = super().execute_statement(statement, parameters)
            # PartiQL writes straight into the tables, so compare instead.
            for name in list(self.replication_groups):
                if name in self.tables:
                    self._sync_table(self.tables[name])
            return result

    def update_time_to_live(self, table_name: str, ttl_spec: dict[str, Any]) -> None:
        with WRITE_LOCK:
            super().update_time_to_live(table_name, ttl_spec)
            table = self.get_table(table_name)
            for replica in self._replica_tables(table.name):
                replica.ttl = copy.deepcopy(table.ttl)

    def _replica_tables(self, table_name: str) -> list[Table]:
        group = self.replication_groups.get(table_name)
        if group is None:
            return []
        tables = (self._backend(r).tables.get(table_name) for r in group.others(self.region_name))
        return [t for t in tables if t is not None]

    def _replicate_item(
        self, table_name: str, hash_key: DynamoType, range_key: DynamoType | None
    ) -> None:
        if self._replication_paused:
            return
        table = self.get_table(table_name)
        HOLD.written(self.region_name, table.name, _key_of(hash_key, range_key))
        replicas = self._replica_tables(table.name)
        if not replicas:
            return
        group = self.replication_groups[table.name]
        for region in group.others(self.region_name):
            if HOLD.holds(self.region_name, region):
                HOLD.pending.append((self, table.name, hash_key, range_key, region))
            else:
                self.copy_item_to(table.name, hash_key, range_key, region)

    def copy_item_to(
        self, table_name: str, hash_key: DynamoType, range_key: DynamoType | None, region: str
    ) -> None:
        """Make ``region``'s replica hold this region's current version of one item, unless it
        holds a later write of it (last writer wins)."""
        replica = self._backend(region).tables.get(table_name)
        if replica is None:
            return
        key = _key_of(hash_key, range_key)
        if HOLD.newer_there(self.region_name, region, table_name, key):
            return
        current = self.get_table(table_name).get_item(hash_key, range_key)
        if current is None:
            replica.delete_item(hash_key, range_key)
        else:
            replica.put_item(copy.deepcopy(current.to_json()["Attributes"]))

    def _sync_table(self, table: Table) -> None:
        source = {_item_key(i): i for i in table.all_items()}
        for replica in self._replica_tables(table.name):
            target = {_item_key(i): i for i in replica.all_items()}
            for key, item in source.items():
                if key not in target or target[key].to_json() != item.to_json():
                    replica.put_item(copy.deepcopy(item.to_json()["Attributes"]))
            for key, item in target.items():
                if key not in source:
                    replica.delete_item(item.hash_key, item.range_key)


def _key_of(hash_key: DynamoType, range_key: DynamoType | None) -> tuple[Any, ...]:
    """An item's key as a dict key (DynamoType values of a key are strings, numbers, bytes)."""
    return (hash_key.value, None if range_key is None else range_key.value)


def _throughput(billing_mode: str | None, throughput: dict[str, Any]) -> dict[str, int] | None:
    if billing_mode == "PAY_PER_REQUEST":
        return None
    return {
        "ReadCapacityUnits": throughput["ReadCapacityUnits"],
        "WriteCapacityUnits": throughput["WriteCapacityUnits"],
    }


def _gsi_spec(index: Any, billing_mode: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "IndexName": index.name,
        "KeySchema": copy.deepcopy(index.schema),
        "Projection": copy.deepcopy(index.projection),
    }
    throughput = _throughput(billing_mode, index.throughput)
    if throughput is not None:
        spec["ProvisionedThroughput"] = throughput
    return spec


def _stream_spec(table: Table) -> dict[str, Any] | None:
    spec = table.stream_specification or {}
    if not spec.get("StreamEnabled"):
        return None
    return {"StreamEnabled": True, "StreamViewType": spec["StreamViewType"]}


def _item_key(item: Any) -> tuple[Any, Any]:
    return (item.hash_key, item.range_key)


def _resolve_kms_key(account_id: str, region: str, key: str) -> str:
    """Return the ARN of ``key`` (id, ARN or alias) in ``region``'s KMS, or raise like AWS does."""
    if key.startswith("arn:") and key.split(":")[3] != region:
        raise MockValidationException(
            f"One or more parameter values were invalid: KMS key {key} is in region "
            f"{key.split(':')[3]}, but the replica is in {region}; "
            "a replica needs a key in its own region"
        )
    try:
        return str(kms_backends[account_id][region].describe_key(key).arn)
    except (KeyError, AttributeError, JsonRESTError):
        # moto 5.2.5: KeyError for an unknown key id or ARN, AttributeError for
        # an unknown alias (it resolves to None), JsonRESTError for the rest.
        raise MockValidationException(
            f"One or more parameter values were invalid: KMS key {key} does not exist in {region}"
        ) from None


def _default_dynamodb_key_arn(account_id: str, region: str) -> str | None:
    kms = kms_backends[account_id][region]
    if not kms.alias_exists("alias/aws/dynamodb"):
        return None
    return str(kms.describe_key("alias/aws/dynamodb").arn)
