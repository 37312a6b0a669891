"""The Lambda runtime replayed against a synthesized stack, with fake AWS made from its JSON.

Every fake service knows only what the synthesized JSON says: the tables (names, key schemas,
replica regions, streams and their filters), the buckets (replication, EventBridge
notifications, lifecycle), the drain parameters, the event rules and their targets, and each
function's environment, handler and role policies. The runtime runs unchanged: its handlers
are resolved from the synthesized handler strings and read the synthesized environment through
``os.environ``; only ``drkit_runtime.deps.Clients`` is replaced. Anything the stack does not
allow (an unknown table, a key outside the schema, an action no policy grants) is recorded as a
violation and refused the way AWS would refuse it.
"""

from __future__ import annotations

import importlib
import io
import itertools
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from types import SimpleNamespace
from typing import Any

import attrs
import pytest
from botocore.exceptions import ClientError

from drkit_runtime.contract import WATCHER_HANDLER
from tests.helpers import as_list, ref, region_of, resources, role_statements
from tests.runtime.events import http_event, object_created_event, scheduled_event

ACCOUNT = "123456789012"
PARTITION = "aws"
TOKEN = re.compile(r"\$\{([^{}]*)\}")
RESOURCE_NAME = r"[A-Za-z0-9_-]+"


def _refused(code: str, operation: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


# ----- reading the synthesized JSON ---------------------------------------------------------


def resolve(stack: dict[str, Any], text: str) -> str:
    """``text`` with Terraform references replaced by the plausible values AWS would give them.

    Account and partition become a test account; bucket, table and parameter ARNs and names
    become what AWS makes of the synthesized names. Anything else becomes
    ``<resource>-<attribute>``, a value that matches nothing the runtime names.
    """

    def value(match: re.Match[str]) -> str:
        parts = match[1].split(".")
        if parts[:2] == ["data", "aws_partition"]:
            return PARTITION
        if parts[:2] == ["data", "aws_caller_identity"]:
            return ACCOUNT
        if len(parts) == 3:
            kind, name, attribute = parts
            body = stack.get("resource", {}).get(kind, {}).get(name)
            known = _attributes(stack, kind, body) if body is not None else {}
            if attribute in known:
                return known[attribute]
            return f"{name}-{attribute}"
        return "unresolved"

    return TOKEN.sub(value, text)


def _attributes(stack: dict[str, Any], kind: str, body: dict[str, Any]) -> dict[str, str]:
    region = region_of(stack, body)
    if kind == "aws_s3_bucket":
        name = body["bucket"]
        return {"arn": f"arn:{PARTITION}:s3:::{name}", "id": name, "bucket": name}
    if kind == "aws_ssm_parameter":
        name = body["name"]
        arn = f"arn:{PARTITION}:ssm:{region}:{ACCOUNT}:parameter/{name.lstrip('/')}"
        return {"arn": arn, "name": name, "id": name}
    if kind == "aws_dynamodb_table":
        name = body["name"]
        return {"arn": f"arn:{PARTITION}:dynamodb:{region}:{ACCOUNT}:table/{name}", "name": name}
    return {}


def referenced(value: str, kind: str) -> str:
    """Logical name of the ``kind`` resource that ``value`` refers to (also inside expressions)."""
    found = set(re.findall(rf"\b{kind}\.({RESOURCE_NAME})\.", value))
    assert len(found) == 1, f"{value} refers to {len(found)} {kind}"
    return found.pop()


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether ``event`` matches an EventBridge (or Lambda filter) pattern.

    Modelled: nested fields, lists of alternatives, exact values and ``prefix``. Any other
    operator fails the test rather than guessing.
    """
    for field, wanted in pattern.items():
        value = event.get(field) if isinstance(event, dict) else None
        if isinstance(wanted, dict):
            if not isinstance(value, dict) or not matches(wanted, value):
                return False
        elif not any(_matches_one(w, value) for w in wanted):
            return False
    return True


def _matches_one(wanted: Any, value: Any) -> bool:
    if isinstance(wanted, dict):
        assert set(wanted) == {"prefix"}, f"pattern operator not modelled here: {wanted}"
        return isinstance(value, str) and value.startswith(wanted["prefix"])
    return value == wanted


@attrs.frozen(kw_only=True)
class Function:
    """A synthesized Lambda function, as the replay runs it.

    Attributes:
        name: Its logical name in the JSON.
        region: Its provider's region.
        handler: The synthesized handler string.
        environment: Its variables, references resolved.
        statements: Every statement of its role's inline policies, references resolved.
    """

    name: str
    region: str
    handler: str
    environment: dict[str, str]
    statements: tuple[dict[str, Any], ...]

    def allows(self, action: str, resource: str, context: dict[str, str]) -> bool:
        """Whether an Allow statement grants ``action`` on ``resource`` (StringEquals only)."""
        for statement in self.statements:
            if statement["Effect"] != "Allow":
                continue
            if not any(fnmatchcase(action, a) for a in as_list(statement["Action"])):
                continue
            if not any(fnmatchcase(resource, r) for r in as_list(statement["Resource"])):
                continue
            conditions = statement.get("Condition", {})
            if set(conditions) - {"StringEquals"}:
                continue
            if all(
                context.get(key) in as_list(wanted)
                for key, wanted in conditions.get("StringEquals", {}).items()
            ):
                return True
        return False


def functions(stack: dict[str, Any]) -> dict[str, Function]:
    """Every synthesized Lambda function, by logical name."""
    found = {}
    for name, body in resources(stack, "aws_lambda_function").items():
        role = referenced(body["role"], "aws_iam_role")
        found[name] = Function(
            name=name,
            region=region_of(stack, body),
            handler=body["handler"],
            environment={k: resolve(stack, v) for k, v in body["environment"]["variables"].items()},
            statements=tuple(
                {**s, "Resource": [resolve(stack, r) for r in as_list(s["Resource"])]}
                for s in role_statements(stack, role)
            ),
        )
    return found


# ----- the fake AWS ----------------------------------------------------------------------------


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
        self, fn: Function, action: str, resource: str, context: dict[str, str] | None = None
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
        self._authorize(fn, "dynamodb:PutItem", self._table_arn(fn, table))
        for region in table.regions:  # a global table: every replica gets the write
            self.items.setdefault((table.name, region), {})[key] = Item
        self.writes.append(Write(table=table, item=Item, function=fn.name, at_s=time.time()))
        return {}

    def dynamodb_get_item(self, fn: Function, *, TableName: str, Key: dict, **_: Any) -> dict:
        table = self._table(fn, TableName, "GetItem")
        if set(Key) != set(table.keys):
            self._refuse(fn, "ValidationException", "GetItem", f"{table.name} key is {table.keys}")
        key = self._key(fn, table, Key, "GetItem")
        self._authorize(fn, "dynamodb:GetItem", self._table_arn(fn, table))
        item = self.items.get((table.name, fn.region), {}).get(key)
        return {"Item": item} if item is not None else {}

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
            if ref(config["bucket"])[1] != logical:
                continue
            for rule in config["rule"]:
                if rule["status"] == "Enabled" and key.startswith(rule["filter"]["prefix"]):
                    target = referenced(rule["destination"]["bucket"], "aws_s3_bucket")
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
        """A client of another region: the same role, calling that region's resources."""
        assert region in json.loads(self._fn.environment["DRKIT_PEER_ENDPOINTS"]), region
        return _Service(self._world, attrs.evolve(self._fn, region=region), service)


# ----- the replay ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Delivery:
    """One stream record presented to a heartbeat mapping, and whether its filter passed it."""

    function: str
    region: str
    table: str
    record_id: str
    passed: bool


@attrs.frozen(kw_only=True)
class Invocation:
    """One handler call: which function, with what, and what came back (or was raised)."""

    function: str
    kind: str
    event: dict[str, Any]
    result: Any = None
    error: str | None = None


class Replay:
    """Runs the synthesized functions' handlers through the wiring the stack synthesized.

    Attributes:
        world: The fake AWS account, with what the runtime did to it.
        functions: Every synthesized function, by logical name.
        invocations: Every handler call, in order.
        deliveries: Every stream record presented to a heartbeat mapping.
    """

    def __init__(self, stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
        self.stack = stack
        self.world = World(stack)
        self.functions = functions(stack)
        self.invocations: list[Invocation] = []
        self.deliveries: list[Delivery] = []
        self._monkeypatch = monkeypatch
        self._streamed = 0
        self._notified = 0

    # -- how the stack wires things --

    def scheduled_functions(self) -> list[Function]:
        """Functions that a schedule rule targets, but the watchers.

        A watcher probes the peers' public names over the internet, which a replay has
        not; its handler is tested in tests/runtime/test_watcher.py and its wiring in
        tests/synth/test_watch.py.
        """
        rules = {
            name
            for name, rule in resources(self.stack, "aws_cloudwatch_event_rule").items()
            if rule.get("schedule_expression")
        }
        return [
            self.functions[name]
            for name in self._targets(rules)
            if self.functions[name].handler != WATCHER_HANDLER
        ]

    def api_functions(self) -> list[tuple[Function, list[str]]]:
        """Functions behind an HTTP API, each with the route keys of its API."""
        found = []
        for integration in resources(self.stack, "aws_apigatewayv2_integration").values():
            fn = referenced(integration["integration_uri"], "aws_lambda_function")
            api = referenced(integration["api_id"], "aws_apigatewayv2_api")
            routes = [
                r["route_key"]
                for r in resources(self.stack, "aws_apigatewayv2_route").values()
                if referenced(r["api_id"], "aws_apigatewayv2_api") == api
            ]
            found.append((self.functions[fn], sorted(routes)))
        return found

    def _targets(self, rules: set[str]) -> list[str]:
        return sorted(
            referenced(t["arn"], "aws_lambda_function")
            for t in resources(self.stack, "aws_cloudwatch_event_target").values()
            if referenced(t["rule"], "aws_cloudwatch_event_rule") in rules
        )

    # -- running handlers --

    def invoke(self, fn: Function, kind: str, event: dict[str, Any]) -> Invocation:
        """Call the handler the stack names, in a cold container with the stack's environment."""
        module_name, _, attribute = fn.handler.rpartition(".")
        module = importlib.import_module(module_name)
        handler = getattr(module, attribute)
        with self._monkeypatch.context() as patch:
            for name in [n for n in os.environ if n.startswith("DRKIT_")]:
                patch.delenv(name)
            for name, value in fn.environment.items():
                patch.setenv(name, value)
            patch.setattr(module, "_deps", None)  # a cold container
            patch.setattr("drkit_runtime.deps.Clients", lambda config: FakeClients(self.world, fn))
            try:
                result = handler(event, SimpleNamespace(aws_request_id="replay"))
                invocation = Invocation(function=fn.name, kind=kind, event=event, result=result)
            except Exception as exc:  # noqa: BLE001 - recorded, and the tests name the call
                invocation = Invocation(function=fn.name, kind=kind, event=event, error=repr(exc))
        self.invocations.append(invocation)
        return invocation

    def deliver_streams(self) -> None:
        """Show every new write on every replica's stream, through the heartbeat mappings."""
        writes, self._streamed = self.world.writes[self._streamed :], len(self.world.writes)
        mappings = resources(self.stack, "aws_lambda_event_source_mapping").values()
        for write in writes:
            for region in write.table.regions:
                record = _stream_record(write, region)
                for mapping in mappings:
                    if region_of(self.stack, mapping) != region:
                        continue
                    source = mapping["event_source_arn"]
                    if referenced(source, "aws_dynamodb_table") != write.table.logical:
                        continue
                    patterns = [
                        json.loads(f["pattern"])
                        for f in mapping.get("filter_criteria", {}).get("filter", [])
                    ]
                    passed = not patterns or any(matches(p, record) for p in patterns)
                    fn = self.functions[referenced(mapping["function_name"], "aws_lambda_function")]
                    self.deliveries.append(
                        Delivery(
                            function=fn.name,
                            region=region,
                            table=write.table.name,
                            record_id=write.item["record_id"]["S"],
                            passed=passed,
                        )
                    )
                    if passed:
                        self.invoke(fn, "stream", {"Records": [record]})

    def deliver_object_events(self) -> None:
        """Send "Object Created" for every new object version to the matching event rules."""
        arrivals, self._notified = self.world.arrivals[self._notified :], len(self.world.arrivals)
        notified = {
            resolve(self.stack, n["bucket"])
            for n in resources(self.stack, "aws_s3_bucket_notification").values()
            if n.get("eventbridge") is True
        }
        rules = resources(self.stack, "aws_cloudwatch_event_rule")
        for arrival in arrivals:
            if arrival.bucket not in notified:
                continue
            event = object_created_event(
                bucket=arrival.bucket,
                key=arrival.key,
                version_id=arrival.version_id,
                time=datetime.fromtimestamp(arrival.at_s, tz=UTC).isoformat(),
            )
            region = self.world.buckets[arrival.bucket]
            matched = {
                name
                for name, rule in rules.items()
                if region_of(self.stack, rule) == region
                and "event_pattern" in rule
                and matches(json.loads(rule["event_pattern"]), event)
            }
            for name in self._targets(matched):
                self.invoke(self.functions[name], "object", event)

    def run(self) -> Replay:
        """Two canary periods with replication in between, then every API route once."""
        for _ in range(2):
            for fn in self.scheduled_functions():
                self.invoke(fn, "schedule", scheduled_event())
            self.deliver_streams()
            self.deliver_object_events()
        for fn, routes in self.api_functions():
            for route in sorted(routes, key=lambda r: not r.startswith("PUT ")):  # write first
                self.invoke(fn, route, _request(route))
        self.deliver_streams()
        return self

    def runtime_written(self, kind: str) -> Iterator[Write]:
        """Item writes made by handlers invoked as ``kind`` (e.g. ``"schedule"``)."""
        functions_of_kind = {i.function for i in self.invocations if i.kind == kind}
        return (w for w in self.world.writes if w.function in functions_of_kind)


def _stream_record(write: Write, region: str) -> dict[str, Any]:
    """The DynamoDB stream record of ``write`` on the replica in ``region``."""
    item = write.item
    return {
        "eventID": "replay",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": {
            "ApproximateCreationDateTime": int(time.time()),
            "Keys": {k: item[k] for k in write.table.keys},
            "NewImage": item,
            "SequenceNumber": "1",
            "SizeBytes": len(json.dumps(item)),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": (
            f"arn:{PARTITION}:dynamodb:{region}:{ACCOUNT}:table/{write.table.name}"
            "/stream/2024-01-01T00:00:00.000"
        ),
    }


RECORD_ID = "replay-record-1"
RECORD = {"patient_id": "p-1", "record_type": "encounter", "payload": {"bp": "120/80"}}


def _request(route: str) -> dict[str, Any]:
    """An API Gateway request for ``route``: one record written, then read back."""
    if "{id}" in route:
        body = RECORD if route.startswith("PUT ") else None
        return http_event(route, record_id=RECORD_ID, body=body)
    return http_event(route)
