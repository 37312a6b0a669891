"""The fake AWS account of one synthesized stack: only what its JSON declares exists.

Tables, buckets and parameters come from the JSON; every call is checked against the calling
function's role statements. Anything the stack does not allow is recorded as a violation and
refused with the error AWS would give.
"""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Callable
from typing import Any

import attrs
from botocore.exceptions import ClientError

from drkit_runtime.config import parse_peer_endpoints
from tests.helpers import region_of, resources
from tests.synth.stack_json import ACCOUNT, PARTITION, Function, referenced, resolve


def _refused(code: str, operation: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@attrs.frozen(kw_only=True)
class Table:
    """A synthesized global table: its key attributes and the regions of its replicas."""

    name: str
    logical: str
    keys: tuple[str, ...]
    regions: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Write:
    """One item write the runtime made, as every replica's stream will show it."""

    table: Table
    item: dict[str, Any]
    function: str
    at_s: float


@attrs.frozen(kw_only=True)
class Arrival:
    """One object version landing in a bucket (written there, or replicated into it)."""

    bucket: str
    key: str
    version_id: str
    at_s: float
    function: str


class World:
    """The fake AWS account of one synthesized stack, and the record of what happened in it."""

    def __init__(self, stack: dict[str, Any]) -> None:
        self.stack = stack
        self.tables = {
            body["name"]: Table(
                name=body["name"],
                logical=logical,
                keys=tuple(k for k in (body["hash_key"], body.get("range_key")) if k),
                regions=(region_of(stack, body), *(r["region_name"] for r in body["replica"])),
            )
            for logical, body in resources(stack, "aws_dynamodb_table").items()
        }
        self.buckets = {
            body["bucket"]: region_of(stack, body)
            for body in resources(stack, "aws_s3_bucket").values()
        }
        self.parameters = {
            (region_of(stack, body), body["name"]): body["value"]
            for body in resources(stack, "aws_ssm_parameter").values()
        }
        self.items: dict[tuple[str, str], dict[tuple[str, ...], dict[str, Any]]] = {}
        self.objects: dict[tuple[str, str], list[tuple[str, bytes]]] = {}
        self.writes: list[Write] = []
        self.arrivals: list[Arrival] = []
        self.metrics: list[tuple[str, str, str, frozenset[tuple[str, str]]]] = []
        self.violations: list[str] = []
        self._versions = itertools.count(1)

    # -- shared checks --

    def _authorize(
        self, fn: Function, action: str, resource: str, context: dict[str, Any] | None = None
    ) -> None:
        if not fn.allows(action, resource, context or {}):
            self._refuse(fn, "AccessDenied", action, f"{action} on {resource} {context or ''}")

    def _refuse(self, fn: Function, code: str, operation: str, message: str) -> None:
        self.violations.append(f"{fn.name}: {code}: {message}")
        raise _refused(code, operation, message)

    def _table(self, fn: Function, name: str, operation: str) -> Table:
        table = self.tables.get(name)
        if table is None or fn.region not in table.regions:
            self._refuse(fn, "ResourceNotFoundException", operation, f"no table {name} here")
        assert table is not None
        return table

    def _key(self, fn: Function, table: Table, item: dict[str, Any], operation: str) -> tuple:
        missing = [k for k in table.keys if "S" not in item.get(k, {})]
        if missing:
            self._refuse(fn, "ValidationException", operation, f"{table.name} needs {missing}")
        return tuple(item[k]["S"] for k in table.keys)

    def _table_arn(self, fn: Function, table: Table) -> str:
        return f"arn:{PARTITION}:dynamodb:{fn.region}:{ACCOUNT}:table/{table.name}"

    # -- DynamoDB --

    def dynamodb_put_item(self, fn: Function, *, TableName: str, Item: dict, **_: Any) -> dict:
        table = self._table(fn, TableName, "PutItem")
        key = self._key(fn, table, Item, "PutItem")
        self._authorize(fn, "dynamodb:PutItem", self._table_arn(fn, table), _leading(key))
        for region in table.regions:  # a global table: every replica gets the write
            self.items.setdefault((table.name, region), {})[key] = Item
        self.writes.append(Write(table=table, item=Item, function=fn.name, at_s=time.time()))
        return {}

    def dynamodb_get_item(self, fn: Function, *, TableName: str, Key: dict, **_: Any) -> dict:
        table = self._table(fn, TableName, "GetItem")
        if set(Key) != set(table.keys):
            self._refuse(fn, "ValidationException", "GetItem", f"{table.name} key is {table.keys}")
        key = self._key(fn, table, Key, "GetItem")
        self._authorize(fn, "dynamodb:GetItem", self._table_arn(fn, table), _leading(key))
        item = self.items.get((table.name, fn.region), {}).get(key)
        return {"Item": item} if item is not None else {}

    def dynamodb_query(
        self,
        fn: Function,
        *,
        TableName: str,
        KeyConditionExpression: str,
        ExpressionAttributeValues: dict,
        **_: Any,
    ) -> dict:
        """A partition's items in sort-key order (the only key condition the runtime uses)."""
        table = self._table(fn, TableName, "Query")
        name, value = KeyConditionExpression.split(" = ")
        assert name == table.keys[0], f"key condition not modelled here: {KeyConditionExpression}"
        partition = ExpressionAttributeValues[value]["S"]
        self._authorize(fn, "dynamodb:Query", self._table_arn(fn, table), _leading((partition,)))
        items = self.items.get((table.name, fn.region), {})
        return {"Items": [items[k] for k in sorted(items) if k[0] == partition]}

    def dynamodb_batch_get_item(self, fn: Function, *, RequestItems: dict, **_: Any) -> dict:
        found: dict[str, list[dict[str, Any]]] = {}
        for name, request in RequestItems.items():
            table = self._table(fn, name, "BatchGetItem")
            self._authorize(fn, "dynamodb:BatchGetItem", self._table_arn(fn, table))
            items = self.items.get((table.name, fn.region), {})
            keys = (self._key(fn, table, key, "BatchGetItem") for key in request["Keys"])
            found[name] = [items[k] for k in keys if k in items]
        return {"Responses": found}

    def dynamodb_transact_write_items(self, fn: Function, *, TransactItems: list, **_: Any) -> dict:
        for entry in TransactItems:
            (operation,) = entry
            assert operation == "Put", f"transaction operation not modelled here: {operation}"
            put = entry["Put"]
            self.dynamodb_put_item(fn, TableName=put["TableName"], Item=put["Item"])
        return {}

    # -- S3 --

    def _bucket(self, fn: Function, name: str, operation: str) -> None:
        if name not in self.buckets:
            self._refuse(fn, "NoSuchBucket", operation, f"no bucket {name}")

    def s3_head_bucket(self, fn: Function, *, Bucket: str, **_: Any) -> dict:
        self._bucket(fn, Bucket, "HeadBucket")
        self._authorize(fn, "s3:ListBucket", f"arn:{PARTITION}:s3:::{Bucket}")
        return {}

    def s3_put_object(self, fn: Function, *, Bucket: str, Key: str, Body: bytes, **_: Any) -> dict:
        self._bucket(fn, Bucket, "PutObject")
        self._authorize(fn, "s3:PutObject", f"arn:{PARTITION}:s3:::{Bucket}/{Key}")
        self._land(Bucket, Key, bytes(Body), fn.name)
        return {}

    def s3_get_object(
        self, fn: Function, *, Bucket: str, Key: str, VersionId: str | None = None, **_: Any
    ) -> dict:
        self._bucket(fn, Bucket, "GetObject")
        action = "s3:GetObjectVersion" if VersionId else "s3:GetObject"
        self._authorize(fn, action, f"arn:{PARTITION}:s3:::{Bucket}/{Key}")
        versions = self.objects.get((Bucket, Key), [])
        body = next(
            (b for v, b in reversed(versions) if VersionId in (None, v)),
            None,
        )
        if body is None:
            raise _refused("NoSuchKey", "GetObject", f"{Bucket}/{Key}")
        return {"Body": io.BytesIO(body), "VersionId": VersionId}

    def _land(self, bucket: str, key: str, body: bytes, function: str) -> None:
        """Store an object version, then replicate it as the bucket's replication rules say.

        Replicas are not replicated again (S3 replicates only objects written to the bucket).
        """
        self._store(bucket, key, body, function)
        logical = next(
            k for k, b in resources(self.stack, "aws_s3_bucket").items() if b["bucket"] == bucket
        )
        for config in resources(self.stack, "aws_s3_bucket_replication_configuration").values():
            if referenced(config["bucket"], "aws_s3_bucket", self.stack) != logical:
                continue
            for rule in config["rule"]:
                if rule["status"] == "Enabled" and key.startswith(rule["filter"]["prefix"]):
                    target = referenced(rule["destination"]["bucket"], "aws_s3_bucket", self.stack)
                    name = resources(self.stack, "aws_s3_bucket")[target]["bucket"]
                    self._store(name, key, body, "s3-replication")

    def _store(self, bucket: str, key: str, body: bytes, function: str) -> None:
        version = f"v{next(self._versions)}"
        self.objects.setdefault((bucket, key), []).append((version, body))
        self.arrivals.append(
            Arrival(bucket=bucket, key=key, version_id=version, at_s=time.time(), function=function)
        )

    # -- SSM and CloudWatch --

    def ssm_get_parameter(self, fn: Function, *, Name: str, **_: Any) -> dict:
        arn = f"arn:{PARTITION}:ssm:{fn.region}:{ACCOUNT}:parameter/{Name.lstrip('/')}"
        self._authorize(fn, "ssm:GetParameter", arn)
        value = self.parameters.get((fn.region, Name))
        if value is None:
            self._refuse(fn, "ParameterNotFound", "GetParameter", Name)
        return {"Parameter": {"Name": Name, "Value": value}}

    def cloudwatch_put_metric_data(
        self, fn: Function, *, Namespace: str, MetricData: list, **_: Any
    ) -> dict:
        self._authorize(fn, "cloudwatch:PutMetricData", "*", {"cloudwatch:namespace": Namespace})
        for datum in MetricData:
            dimensions = frozenset((d["Name"], d["Value"]) for d in datum["Dimensions"])
            self.metrics.append((fn.region, Namespace, datum["MetricName"], dimensions))
        return {}


class _Service:
    """One fake client: ``client.op(**kw)`` is ``World.<service>_<op>(function, **kw)``."""

    def __init__(self, world: World, fn: Function, service: str) -> None:
        self._world, self._fn, self._service = world, fn, service

    def __getattr__(self, operation: str) -> Callable[..., Any]:
        method = getattr(self._world, f"{self._service}_{operation}", None)
        assert method is not None, f"{self._service}.{operation} is not modelled here"
        return lambda **kwargs: method(self._fn, **kwargs)


class FakeClients:
    """Stands in for ``drkit_runtime.aws.Clients`` inside one function."""

    def __init__(self, world: World, fn: Function) -> None:
        self._world, self._fn = world, fn

    def get(self, service: str, profile: str = "default") -> _Service:
        return _Service(self._world, self._fn, service)

    def peer(self, service: str, region: str) -> _Service:
        """A client of another region: the same role, calling that region's resources, once
        the peers' endpoints are read from the function's own region (as the runtime does)."""
        name = self._fn.environment["DRKIT_PEER_ENDPOINTS_PARAMETER"]
        value = self._world.ssm_get_parameter(self._fn, Name=name)["Parameter"]["Value"]
        endpoints = parse_peer_endpoints(resolve(self._world.stack, value), (region,))
        assert service in endpoints[region], (service, region)
        return _Service(self._world, attrs.evolve(self._fn, region=region), service)


def _leading(key: tuple) -> dict[str, Any]:
    """``dynamodb:LeadingKeys`` of a request for the item ``key`` (its partition key first)."""
    return {"dynamodb:LeadingKeys": [key[0]]}
