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
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import attrs
import pytest

from drkit_runtime.contract import CANARY_HANDLER, WATCHER_HANDLER
from tests.helpers import region_of, resources
from tests.runtime.events import http_event, object_created_event, scheduled_event
from tests.synth.fake_aws import FakeClients, World, Write
from tests.synth.stack_json import (
    ACCOUNT,
    PARTITION,
    Function,
    functions,
    matches,
    referenced,
    resolve,
)


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

    def canaries(self) -> list[Function]:
        """The scheduled functions that run the canary's handler."""
        return [f for f in self.scheduled_functions() if f.handler == CANARY_HANDLER]

    def api_functions(self) -> list[tuple[Function, list[str]]]:
        """Functions behind an HTTP API, each with the route keys that target its integration."""
        found = []
        for name, integration in resources(self.stack, "aws_apigatewayv2_integration").items():
            fn = referenced(integration["integration_uri"], "aws_lambda_function", self.stack)
            routes = [
                r["route_key"]
                for r in resources(self.stack, "aws_apigatewayv2_route").values()
                if r["target"] == f"integrations/${{aws_apigatewayv2_integration.{name}.id}}"
            ]
            found.append((self.functions[fn], sorted(routes)))
        return found

    def _targets(self, rules: set[str]) -> list[str]:
        return sorted(
            referenced(t["arn"], "aws_lambda_function", self.stack)
            for t in resources(self.stack, "aws_cloudwatch_event_target").values()
            if referenced(t["rule"], "aws_cloudwatch_event_rule", self.stack) in rules
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
                    if referenced(source, "aws_dynamodb_table", self.stack) != write.table.logical:
                        continue
                    patterns = [
                        json.loads(f["pattern"])
                        for f in mapping.get("filter_criteria", {}).get("filter", [])
                    ]
                    passed = not patterns or any(matches(p, record) for p in patterns)
                    fn = self.functions[
                        referenced(mapping["function_name"], "aws_lambda_function", self.stack)
                    ]
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
