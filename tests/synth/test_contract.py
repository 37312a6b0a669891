"""The runtime contract: the synthesized stack hands the Lambda code exactly what it reads.

``drkit_runtime.contract`` is shared by the stack and the runtime. These tests hold each side
to it through behaviour: the synthesized JSON on one side, the runtime's code run against it on
the other (``tests/synth/replay.py`` runs the handlers the stack names, with the environment it
synthesized, against fake AWS made from the same JSON). A rename on either side (a table, an
environment variable, a key prefix, a metric namespace or name) fails here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import pytest

from drkit.regions.naming import ResourceType
from drkit_runtime import contract, versions
from drkit_runtime.config import Config, ConfigError
from tests.helpers import bucket_named, region_of, resources
from tests.synth.metric_placement import widget_metrics
from tests.synth.replay import Replay
from tests.synth.stack_json import functions, referenced

pytestmark = pytest.mark.synth

#: Variables the runtime documents as optional (assets/runtime/README.md): without them it
#: falls back to a default, which must then be exactly what the stack writes.
DEFAULTED = (contract.ENV_METRIC_NAMESPACE, contract.ENV_HEALTH_DEADLINE_MS)
REQUIRED = tuple(v for v in contract.ENVIRONMENT if v not in DEFAULTED)


class ReadRecorder(Mapping[str, str]):
    """An environment that remembers every variable the runtime looked up."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.read.add(name)
        return self._values[name]

    def get(self, name: str, default: Any = None) -> Any:
        self.read.add(name)
        return self._values.get(name, default)

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self.read.add(name)
        return name in self._values

    def __iter__(self):
        raise AssertionError("the runtime must read its variables by name, not list them")

    def __len__(self) -> int:
        return len(self._values)


@pytest.fixture(scope="module", params=["default", "three_region"])
def replayed(request) -> tuple[Any, dict[str, Any], Replay]:
    """``(spec, stack, replay)``: the runtime run through the synthesized wiring, once per stack."""
    spec = request.getfixturevalue(f"{request.param}_spec")
    stack = request.getfixturevalue(f"{request.param}_stack")
    with pytest.MonkeyPatch.context() as monkeypatch:
        return spec, stack, Replay(stack, monkeypatch).run()


def _data_functions(stack: dict[str, Any]):
    """The functions that read Config: all but the watchers (tests/synth/test_watch.py)."""
    return {n: f for n, f in functions(stack).items() if f.handler != contract.WATCHER_HANDLER}


def _configs(stack: dict[str, Any]):
    for fn in _data_functions(stack).values():
        yield fn, Config.from_environ(fn.environment)


# ----- the environment ----------------------------------------------------------------------


def test_every_function_gets_exactly_the_contract_environment(case):
    """Each synthesized function's variables are exactly contract.ENVIRONMENT (the watcher's
    exactly contract.WATCHER_ENVIRONMENT)."""
    _, stack = case
    fns = resources(stack, "aws_lambda_function")
    assert fns
    for name, body in fns.items():
        expected = (
            contract.WATCHER_ENVIRONMENT
            if body["handler"] == contract.WATCHER_HANDLER
            else contract.ENVIRONMENT
        )
        assert sorted(body["environment"]["variables"]) == sorted(expected), name


def test_runtime_reads_exactly_the_synthesized_variables(case):
    """Config.from_environ succeeds on each function's environment and reads every variable
    in it, and no other."""
    _, stack = case
    for fn in _data_functions(stack).values():
        environ = ReadRecorder(fn.environment)
        Config.from_environ(environ)
        assert environ.read == set(fn.environment), fn.name


def test_config_yields_the_synthesized_names(case):
    """Region, role, tables, buckets, drain parameter and namespace are the synthesized ones."""
    spec, stack = case
    tables = {t["name"] for t in resources(stack, "aws_dynamodb_table").values()}
    buckets = resources(stack, "aws_s3_bucket")
    namespaces = {
        a["namespace"]
        for a in resources(stack, "aws_cloudwatch_metric_alarm").values()
        if not a["namespace"].startswith("AWS/")
        and a["namespace"] not in (contract.WATCH_NAMESPACE, contract.AUDIT_NAMESPACE)
    }
    for fn, config in _configs(stack):
        assert config.region == fn.region
        assert config.role == ("primary" if fn.region == spec.primary.region else "secondary")
        assert sorted(config.regions) == sorted(r.region for r in spec.regions)
        assert {config.patient_table_name, config.audit_table_name} == tables
        for region, name in config.bucket_names.items():
            assert region_of(stack, buckets[bucket_named(stack, name)]) == region
        assert config.bucket_name == config.bucket_names[fn.region]
        parameters = sorted(
            p["name"]
            for p in resources(stack, "aws_ssm_parameter").values()
            if region_of(stack, p) == fn.region
        )
        # The drain switch (its region's stack), the peers' endpoints (the links stack's).
        assert sorted([config.drain_parameter_name, config.peer_endpoints_parameter_name]) == (
            parameters
        )
        assert {config.metric_namespace} == namespaces


@pytest.mark.parametrize("variable", REQUIRED)
def test_removing_a_required_variable_fails_naming_it(case, variable):
    """Without any one required variable, from_environ raises ConfigError naming it."""
    _, stack = case
    for fn in _data_functions(stack).values():
        assert variable in fn.environment, fn.name
        environ = {k: v for k, v in fn.environment.items() if k != variable}
        with pytest.raises(ConfigError, match=re.escape(variable)):
            Config.from_environ(environ)


@pytest.mark.parametrize("variable", DEFAULTED)
def test_a_defaulted_variable_falls_back_to_what_the_stack_writes(case, variable):
    """Without a defaulted variable the runtime's config is the same as with it."""
    _, stack = case
    for fn, config in _configs(stack):
        environ = {k: v for k, v in fn.environment.items() if k != variable}
        assert Config.from_environ(environ) == config, fn.name


# ----- tables -------------------------------------------------------------------------------


def test_tables_are_the_namers_names_with_the_contract_keys(case):
    """The synthesized tables are the namer's names of the contract's tables, with its keys."""
    spec, stack = case
    synthesized = {
        t["name"]: (t["hash_key"], t.get("range_key"))
        for t in resources(stack, "aws_dynamodb_table").values()
    }
    assert synthesized == {
        spec.namer(ResourceType.DYNAMODB_TABLE, logical): keys
        for logical, keys in contract.TABLE_KEYS.items()
    }
    assert set(contract.TABLE_KEYS) == {contract.PATIENT_RECORDS, contract.AUDIT_LOGS}


def test_every_item_the_runtime_writes_fits_the_synthesized_key_schema(replayed):
    """Heartbeats, health probes, records and audit entries all land in synthesized tables,
    keyed as the tables are: the fake DynamoDB refuses anything else."""
    _, _, replay = replayed
    written = {(w.table.name, w.function) for w in replay.world.writes}
    assert {table for table, _ in written} == set(replay.world.tables)
    refused = [v for v in replay.world.violations if "AccessDenied" not in v]
    assert not refused, "\n".join(refused)


# ----- handlers and the wiring the stack builds around them ---------------------------------


def test_handlers_are_the_contracts_entry_points(case):
    """API functions use contract.API_HANDLER, health functions HEALTH_HANDLER, canaries
    CANARY_HANDLER, watchers WATCHER_HANDLER, auditors AUDITOR_HANDLER."""
    _, stack = case
    handlers = sorted(f.handler for f in functions(stack).values())
    regions = len({f.region for f in functions(stack).values()})
    every = [
        contract.API_HANDLER,
        contract.HEALTH_HANDLER,
        contract.CANARY_HANDLER,
        contract.WATCHER_HANDLER,
        contract.AUDITOR_HANDLER,
    ]
    assert handlers == sorted(every * regions)


def test_every_handler_the_stack_names_runs_without_error(replayed):
    """Every invocation of a synthesized handler (schedule, streams, objects, API) succeeded."""
    _, _, replay = replayed
    kinds = {i.kind for i in replay.invocations}
    assert {"schedule", "stream", "object"} <= kinds
    failed = [i for i in replay.invocations if i.error is not None]
    assert not failed, "\n".join(f"{i.function} ({i.kind}): {i.error}" for i in failed)
    for invocation in replay.invocations:
        if invocation.kind.startswith(("GET ", "PUT ")):
            assert invocation.result["statusCode"] == 200, invocation


def test_every_synthesized_route_is_served(replayed):
    """The API answers each route key the stack synthesized, and a record written reads back."""
    _, _, replay = replayed
    api = replay.api_functions()
    assert api
    for fn, routes in api:
        assert routes, fn.name
        answered = [i for i in replay.invocations if i.function == fn.name]
        assert sorted(i.kind for i in answered) == routes
        assert all(i.result["statusCode"] == 200 for i in answered), answered


def test_heartbeat_filters_pass_the_runtimes_heartbeats_and_nothing_else(replayed):
    """Each replica's stream mapping passes every heartbeat the canary writes (by the stack's
    filter) and drops the API's records and health probes."""
    _, _, replay = replayed
    heartbeats = {w.item["record_id"]["S"] for w in replay.runtime_written("schedule")}
    others = {w.item["record_id"]["S"] for w in replay.world.writes} - heartbeats
    assert heartbeats and others
    presented = {d.record_id for d in replay.deliveries}
    assert heartbeats | others <= presented
    canaries = {f.name for f in replay.canaries()}
    for delivery in (d for d in replay.deliveries if d.function in canaries):
        assert delivery.passed == (delivery.record_id in heartbeats), delivery


def test_canary_objects_reach_the_other_regions_canaries(replayed):
    """A canary object replicated into another region's bucket triggers that region's canary,
    in every region of the deployment."""
    spec, _, replay = replayed
    canaries = {f.name: f.region for f in replay.canaries()}
    assert sorted(canaries.values()) == sorted(r.region for r in spec.regions)
    reached = {canaries[i.function] for i in replay.invocations if i.kind == "object"}
    assert reached == set(canaries.values())


def test_canary_grants_cover_its_object_keys(replayed):
    """Every S3 call the canary makes (its own key, the others' replicas) is granted by its
    role, and so is everything else the runtime does."""
    _, _, replay = replayed
    assert any(a.function != "s3-replication" for a in replay.world.arrivals)
    denied = [v for v in replay.world.violations if "AccessDenied" in v]
    assert not denied, "\n".join(denied)


def test_lifecycle_expires_old_versions_of_every_canary_object(replayed):
    """Each bucket a canary object lands in expires its old versions by a rule whose prefix
    covers the runtime's key (the canary rewrites its object every minute)."""
    _, stack, replay = replayed
    buckets = resources(stack, "aws_s3_bucket")
    lifecycles = {
        buckets[referenced(c["bucket"], "aws_s3_bucket", stack)]["bucket"]: c["rule"]
        for c in resources(stack, "aws_s3_bucket_lifecycle_configuration").values()
    }
    canaries = {f.name for f in replay.canaries()}
    keys = {a.key for a in replay.world.arrivals if a.function in canaries}
    canary_objects = {(a.bucket, a.key) for a in replay.world.arrivals if a.key in keys}
    assert keys and len(canary_objects) > len(keys)  # written, then replicated
    for bucket, key in canary_objects:
        rules = [
            r
            for r in lifecycles.get(bucket, [])
            if r["status"] == "Enabled"
            and r.get("noncurrent_version_expiration")
            and r["filter"]
            and all(f.get("prefix") and key.startswith(f["prefix"]) for f in r["filter"])
        ]
        assert rules, f"no rule of {bucket} expires old versions of {key}"


def _conflict_points(regions: set[str]) -> set[tuple[str, str, str, frozenset]]:
    """What drkit_runtime.versions.publish sends in each region."""
    sent = set()
    for region in regions:
        cloudwatch = SimpleNamespace(
            put_metric_data=lambda Namespace, MetricData, region=region: sent.update(
                (
                    region,
                    Namespace,
                    d["MetricName"],
                    frozenset((x["Name"], x["Value"]) for x in d["Dimensions"]),
                )
                for d in MetricData
            )
        )
        versions.publish(cloudwatch, region=region, count=1, at_s=0)
    return sent


def test_canary_alarms_watch_exactly_what_the_runtime_publishes(replayed):
    """The custom-namespace alarms (and, for what no alarm watches, the dashboards) and the
    canary's data points are the same set of (region, namespace, metric name, dimensions):
    no alarm waits on a metric nobody sends, and nothing is sent that nobody looks at."""
    _, stack, replay = replayed
    alarms = {
        (
            region_of(stack, a),
            a["namespace"],
            a["metric_name"],
            frozenset(a["dimensions"].items()),
        )
        for a in resources(stack, "aws_cloudwatch_metric_alarm").values()
        if not a["namespace"].startswith("AWS/") and a["namespace"] != contract.WATCH_NAMESPACE
    }
    drawn = {
        (region, namespace, metric, frozenset(dims.items()))
        for region, namespace, metric, dims in widget_metrics(stack)
        if namespace == contract.METRIC_NAMESPACE
    }
    published = set(replay.world.metrics)
    # A replay makes no concurrent write: WriteConflicts is held to what the runtime's
    # publisher sends when it records one (exercised in tests/runtime/test_versions.py).
    conflicts = {a for a in alarms if a[2] == contract.WRITE_CONFLICTS}
    assert conflicts == _conflict_points({a[0] for a in alarms})
    alarms -= conflicts
    assert alarms and drawn - alarms
    assert alarms <= published, (
        f"alarmed, never published: {sorted(alarms - published, key=str)[:5]}"
    )
    assert published <= alarms | drawn, (
        f"published, never alarmed or drawn: {sorted(published - alarms - drawn, key=str)[:5]}"
    )
