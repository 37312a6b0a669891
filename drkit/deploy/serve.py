"""Requests served by the deployed functions' code, under their deployed roles, in the emulator.

After a local apply: per region, ``GET /health``, ``PUT /records/{id}`` (record and audit
entry in one transaction), ``GET /records/{id}``, each run by the function the deployed API's
route integrates (``/health`` has a function of its own); a read of a record that has not
replicated yet (replication into the reader's region held), answered from the peer's
replica; the canary on its schedule, on its heartbeat streams and on a replicated canary
object, and the lag it measured; then the drain switch flipped and ``/health`` answering
503. Every call the handlers make is authorized by the emulator against the function's
deployed role (drkit_emulator.iam). :func:`denials` shows what those roles may not do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from botocore.exceptions import ClientError

from drkit.deploy import events
from drkit.deploy.invoke import DeployedFunction, FunctionRunner
from drkit.regions import names
from drkit.regions.spec import DeploymentSpec
from drkit_emulator.runner import Emulator
from drkit_runtime.contract import (
    AUDIT_HEARTBEAT_EVENT_ID,
    AUDIT_LOGS,
    CANARY_STORES,
    DRAIN_ACTIVE,
    DRAIN_DRAINED,
    HEALTH_PATH,
    HEARTBEAT_AGE,
    HEARTBEAT_PREFIX,
    METRIC_NAMESPACE,
    REPLICATION_LAG,
    SOURCE_HEARTBEAT_AGE,
)
from drkit_runtime.keys import canary_object_key

RECORD = {"patient_id": "p-demo", "record_type": "encounter", "payload": {"bp": "120/80"}}
#: The function name and qualifier in an integration's URI (an invoke ARN, or an ARN).
_INTEGRATED_FUNCTION = re.compile(r":function:([^:/]+)(?::([^:/]+))?")


def route_key(method: str, path: str) -> str:
    """The API's route key that serves ``method path`` (``GET /records/{id}`` for a record)."""
    return f"{method} {HEALTH_PATH}" if path == HEALTH_PATH else f"{method} /records/{{id}}"


def integrated_function(apigatewayv2: Any, api_name: str, key: str) -> tuple[str, str]:
    """The function the deployed API ``api_name`` sends route ``key`` to, and the qualifier
    (alias or version) it invokes (``$LATEST`` when the URI names none).

    Raises:
        LookupError: No such API, route, or function behind the route.
    """
    apis = [a for a in apigatewayv2.get_apis()["Items"] if a["Name"] == api_name]
    if len(apis) != 1:
        raise LookupError(f"{len(apis)} APIs named {api_name}")
    return routed_function(apigatewayv2, apis[0]["ApiId"], key, api_name)


def mapped_api(apigatewayv2: Any, domain_name: str) -> str:
    """The id of the API the custom domain ``domain_name`` serves (its one API mapping)."""
    mappings = apigatewayv2.get_api_mappings(DomainName=domain_name)["Items"]
    if len(mappings) != 1:
        raise LookupError(f"{domain_name} has {len(mappings)} API mappings")
    return str(mappings[0]["ApiId"])


def routed_function(apigatewayv2: Any, api_id: str, key: str, shown: str) -> tuple[str, str]:
    """The function and qualifier the API ``api_id`` (``shown`` in errors) routes ``key`` to."""
    routes = [r for r in apigatewayv2.get_routes(ApiId=api_id)["Items"] if r["RouteKey"] == key]
    if len(routes) != 1 or not routes[0].get("Target", "").startswith("integrations/"):
        raise LookupError(f"{shown} has no route {key} to an integration")
    integration_id = routes[0]["Target"].removeprefix("integrations/")
    integration = apigatewayv2.get_integration(ApiId=api_id, IntegrationId=integration_id)
    uri = integration.get("IntegrationUri", "")
    found = _INTEGRATED_FUNCTION.search(uri)
    if found is None:
        raise LookupError(f"{shown}'s route {key} integrates no function: {uri}")
    return found.group(1), found.group(2) or "$LATEST"


@attrs.frozen(kw_only=True)
class Served:
    """One request and what the deployed code answered.

    Attributes:
        region: Where it was served.
        request: What was asked (``GET /health``, ``canary schedule``, ...).
        status: HTTP status, or ``ok``/``failed`` for the canary.
        summary: One line of what came back.
        body: The answer itself.
    """

    region: str
    request: str
    status: int | str
    summary: str
    body: Any = None

    @property
    def line(self) -> str:
        return f"{self.region:<15} {self.request:<34} {self.status!s:>6}  {self.summary}"


class Scenario:
    """The served requests of one local deployment."""

    def __init__(self, spec: DeploymentSpec, emulator: Emulator, runner: FunctionRunner) -> None:
        self.spec, self.emulator, self.runner = spec, emulator, runner
        self.regions = [r.region for r in spec.regions]
        self._routed: dict[tuple[str, str], DeployedFunction] = {}

    def function(self, purpose: str, region: str) -> DeployedFunction:
        name = names.FUNCTIONS[purpose].function(self.spec.namer, region)
        return DeployedFunction.read(self.emulator, name, region)

    def routed(self, region: str, method: str, path: str) -> DeployedFunction:
        """The function the region's deployed API runs for ``method path``, read once."""
        key = (region, route_key(method, path))
        if key not in self._routed:
            apigatewayv2 = self.emulator.client("apigatewayv2", region)
            api_name = names.API(self.spec.namer, region)
            name, qualifier = integrated_function(apigatewayv2, api_name, key[1])
            self._routed[key] = DeployedFunction.read(self.emulator, name, region, qualifier)
        return self._routed[key]

    def health_by_name(self, region: str) -> Served:
        """``GET /health`` as the region's own name serves it: the API its custom domain maps
        to, that API's route, and the version the alias runs now (read on every call: a
        release moves aliases)."""
        apigatewayv2 = self.emulator.client("apigatewayv2", region)
        domain = self.spec.regional_api_domain_name(region)
        key = route_key("GET", HEALTH_PATH)
        name, qualifier = routed_function(
            apigatewayv2, mapped_api(apigatewayv2, domain), key, domain
        )
        function = DeployedFunction.read(self.emulator, name, region, qualifier)
        return self._served(region, function, "GET", HEALTH_PATH, None)

    def api(self, region: str, method: str, path: str, body: Any = None) -> Served:
        """``method path`` as the region's API serves it: by the function its route integrates."""
        return self._served(region, self.routed(region, method, path), method, path, body)

    def _served(
        self, region: str, function: DeployedFunction, method: str, path: str, body: Any
    ) -> Served:
        answer = self.runner.invoke(function, events.api_request(method, path, body)).result
        status, content = answer["statusCode"], json.loads(answer["body"])
        return Served(
            region=region,
            request=f"{method} {path}",
            status=status,
            summary=_summary(path, status, content),
            body=content,
        )

    def run(self) -> list[Served]:
        """Every served request, in order."""
        served: list[Served] = []
        for region in self.regions:
            record = f"rec-{self.spec.namer.suffix}-{region}"
            served += [
                self.api(region, "GET", "/health"),
                self.api(region, "PUT", f"/records/{record}", RECORD),
                self.api(region, "GET", f"/records/{record}"),
            ]
        served += self.cross_region_read()
        served += self.canary()
        served += self.drain(self.spec.primary.region)
        return served

    def cross_region_read(self) -> list[Served]:
        """A record written in a secondary, read in the primary before it replicated there."""
        reader, writer = self.spec.primary.region, self.spec.secondaries[0].region
        record = f"late-{self.spec.namer.suffix}"
        self.replication({"hold": [reader]})
        try:
            written = self.api(writer, "PUT", f"/records/{record}", RECORD)
            read = self.api(reader, "GET", f"/records/{record}")
        finally:
            self.replication({"release": True})
        return [written, attrs.evolve(read, request=f"{read.request} (held)")]

    def canary(self) -> list[Served]:
        """Schedules in every region (twice, so every region sees the others' heartbeats), the
        heartbeats arriving on each region's streams, a replicated object arriving; the lag."""
        served = [self._canary(r, "schedule", self._schedule(r)) for r in self.regions * 2]
        for region in self.regions:
            served += [
                self._canary(region, f"stream {store}", batch)
                for store, batch in self._stream_batches(region)
            ]
            served += [self._canary(region, "object arrived", e) for e in self._arrivals(region)]
        return [*served, *self._measured()]

    def drain(self, region: str) -> list[Served]:
        """Flip the region's drain switch (as an operator would), ask /health, flip it back."""
        ssm = self.emulator.client("ssm", region)
        name = names.DRAIN_SWITCH(self.spec.namer, region)
        ssm.put_parameter(Name=name, Value=DRAIN_DRAINED, Type="SecureString", Overwrite=True)
        try:
            drained = self.api(region, "GET", "/health")
        finally:
            ssm.put_parameter(Name=name, Value=DRAIN_ACTIVE, Type="SecureString", Overwrite=True)
        return [attrs.evolve(drained, request="GET /health (drained)")]

    # -- the canary's inputs, read from the emulated account -------------------------------

    def _canary(self, region: str, what: str, event: dict[str, Any]) -> Served:
        result = self.runner.invoke(self.function("canary", region), event).result
        return Served(
            region=region,
            request=f"canary {what}",
            status="ok",
            summary=_canary_summary(result),
            body=result,
        )

    def _schedule(self, region: str) -> dict[str, Any]:
        rule = names.CANARY_SCHEDULE(self.spec.namer, region)
        arn = f"arn:aws:events:{region}:123456789012:rule/{rule}"
        return events.schedule(region, arn)

    def _stream_batches(self, region: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """The other regions' heartbeats as this region's streams would deliver them.

        moto empties a stream that has an event source mapping (it tries to invoke the
        function, which it cannot run without Docker), so the records are made from what
        replicated into this region's replicas: the item as ``NewImage``, now as the
        arrival time, the table's stream as the source (docs/emulator.md).
        """
        dynamodb = self.emulator.client("dynamodb", region)
        now_s = datetime.now(UTC).timestamp()
        for store in CANARY_STORES[:2]:
            table = names.TABLES[store](self.spec.namer)
            stream_arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
            records = [
                events.stream_record(item, arrived_s=now_s)
                for source in self.regions
                if source != region and (item := _heartbeat(dynamodb, table, store, source))
            ]
            if records:
                yield store, events.stream_batch(records, stream_arn, region)

    def _arrivals(self, region: str) -> Iterator[dict[str, Any]]:
        """The other regions' canary objects replicated into this region's bucket."""
        s3 = self.emulator.client("s3", region)
        bucket = names.DATA_BUCKET(self.spec.namer, region)
        for source in self.regions:
            if source == region:
                continue
            try:
                head = s3.head_object(Bucket=bucket, Key=canary_object_key(source))
            except ClientError:
                continue
            yield events.object_created(
                bucket=bucket,
                key=canary_object_key(source),
                version_id=head["VersionId"],
                at=head["LastModified"],
                region=region,
            )

    def _measured(self) -> list[Served]:
        """What the canaries published, read back from each region's CloudWatch."""
        served = []
        for region in self.regions:
            cloudwatch = self.emulator.client("cloudwatch", region)
            for metric in (REPLICATION_LAG, HEARTBEAT_AGE, SOURCE_HEARTBEAT_AGE):
                values = _maxima(cloudwatch, metric)
                if values:
                    worst = max(values.items(), key=lambda kv: kv[1])
                    served.append(
                        Served(
                            region=region,
                            request=f"measured {metric}",
                            status="ok",
                            summary=f"{len(values)} series, worst {worst[1]:.1f} s ({worst[0]})",
                            body=values,
                        )
                    )
        return served

    def replication(self, body: dict[str, Any]) -> None:
        """Hold (``{"hold": [regions]}``) or release (``{"release": true}``) the emulator's
        replication of global tables."""
        status, answer = self.emulator.post(
            "/_drkit/dynamodb/replication", json.dumps(body).encode()
        )
        if status != 200:
            raise RuntimeError(f"the emulator refused {body}: {answer!r}")


def problems(served: list[Served]) -> list[str]:
    """What in ``served`` is not what a healthy deployment answers (empty: all is well)."""
    found = []
    for s in served:
        if s.request == "GET /health (drained)":
            drained = s.status == 503 and "drain" in (s.body or {}).get("failed", [])
            if not drained:
                found.append(f"{s.region}: a drained region answered {s.status}")
        elif s.request.endswith("(held)"):
            writer = (s.body or {}).get("read_from")
            if s.status != 200 or writer in (None, s.region):
                found.append(f"{s.region}: the unreplicated record was not read from the peer")
        elif isinstance(s.status, int) and s.status != 200:
            found.append(f"{s.region}: {s.request} answered {s.status} ({s.summary})")
    measured = {s.request for s in served if s.request.startswith("measured ")}
    found.extend(
        f"no canary published {metric}"
        for metric in (REPLICATION_LAG, HEARTBEAT_AGE, SOURCE_HEARTBEAT_AGE)
        if f"measured {metric}" not in measured
    )
    return found


def _heartbeat(dynamodb: Any, table: str, store: str, source: str) -> dict[str, Any] | None:
    key = {"record_id": {"S": f"{HEARTBEAT_PREFIX}{source}"}}
    if store == AUDIT_LOGS:
        key["event_id"] = {"S": AUDIT_HEARTBEAT_EVENT_ID}
    item: dict[str, Any] | None = dynamodb.get_item(
        TableName=table, Key=key, ConsistentRead=True
    ).get("Item")
    return item


def _maxima(cloudwatch: Any, metric: str) -> dict[str, float]:
    """``store from source`` -> the largest data point of the last hour."""
    now = datetime.now(UTC)
    found = {}
    for listed in cloudwatch.list_metrics(Namespace=METRIC_NAMESPACE, MetricName=metric)["Metrics"]:
        dims = {d["Name"]: d["Value"] for d in listed["Dimensions"]}
        points = cloudwatch.get_metric_statistics(
            Namespace=METRIC_NAMESPACE,
            MetricName=metric,
            Dimensions=listed["Dimensions"],
            StartTime=now - timedelta(hours=1),
            EndTime=now + timedelta(minutes=5),
            Period=60,
            Statistics=["Maximum"],
        )["Datapoints"]
        if points:
            found[f"{dims['Store']} from {dims['SourceRegion']}"] = max(
                p["Maximum"] for p in points
            )
    return found


def _canary_summary(result: dict[str, Any]) -> str:
    """A canary run's outcome in words: what it published, skipped, or has not seen yet."""
    if "batchItemFailures" in result:  # a stream batch: the records Lambda would retry
        failed = [f["itemIdentifier"] for f in result["batchItemFailures"]]
        return f"records to retry: {', '.join(failed)}" if failed else "batch done, none to retry"
    count = result.get("published", 0)
    parts = [f"published {count} figure{'' if count == 1 else 's'}"]
    if result.get("skipped"):
        parts.append(f"skipped {result['skipped']}")
    if result.get("missing"):
        parts.append(f"no heartbeat yet from {', '.join(result['missing'])}")
    return "; ".join(parts)


def _summary(path: str, status: int, content: dict[str, Any]) -> str:
    if path == "/health":
        checks = ", ".join(
            f"{c['name']} {'ok' if c['ok'] else c.get('reason')}" for c in content["checks"]
        )
        return f"{content['status']}: {checks}"
    if status == 200 and "read_from" in content:
        return f"read from {content['read_from']} (updated in {content.get('updated_in_region')})"
    if status == 200:
        return f"written at {content.get('updated_at')} in {content.get('region')}"
    error: str = content.get("error", "")
    return error
