"""/health cannot be starved by records traffic (issue 22).

The synthesized API sends ``GET /health`` to a function of its own, with a reservation of its
own; and with the handlers under a bounded local load that models reserved concurrency as AWS
documents it (tests/synth/lambda_concurrency.py, citing
https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html), a records surge
that throttles the records function leaves /health answering 200.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import boto3
import pytest
from moto import mock_aws

from drkit.regions import names
from drkit.regions.quotas import HEALTH_RESERVED_CONCURRENCY, ROUTE53_CHECKER_PEAK_RPS
from drkit.services.apigateway import HEALTH_RATE_LIMIT, HEALTH_ROUTE, ROUTES
from drkit_runtime import api, contract, health_api
from drkit_runtime.aws import Clients
from drkit_runtime.config import Config
from drkit_runtime.deps import Deps
from tests.helpers import region_of, resources
from tests.runtime.events import http_event
from tests.synth.lambda_concurrency import ReservedConcurrency, Throttled
from tests.synth.stack_json import functions, referenced

pytestmark = pytest.mark.synth

RECORD = {"patient_id": "p-1", "record_type": "encounter", "payload": {"bp": "120/80"}}
#: Probes sent while the records function is saturated, by as many callers at once as Route
#: 53's checkers can be (drkit.regions.quotas).
PROBES = 5 * ROUTE53_CHECKER_PEAK_RPS
HOLD_SECONDS = 60


def served_by(stack: dict[str, Any]) -> dict[tuple[str, str], str]:
    """``(region, route key) -> logical name of the function its integration runs``."""
    integrations = {
        f"integrations/${{aws_apigatewayv2_integration.{name}.id}}": referenced(
            body["integration_uri"], "aws_lambda_function", stack
        )
        for name, body in resources(stack, "aws_apigatewayv2_integration").items()
    }
    return {
        (region_of(stack, route), route["route_key"]): integrations[route["target"]]
        for route in resources(stack, "aws_apigatewayv2_route").values()
    }


def test_health_route_runs_its_own_function_with_its_own_reservation(case):
    """In every region: /health's integration runs a function other than the records routes',
    with the health handler, HEALTH_RESERVED_CONCURRENCY reserved, and its route throttle."""
    spec, stack = case
    bodies = resources(stack, "aws_lambda_function")
    served = served_by(stack)
    stages = {region_of(stack, s): s for s in resources(stack, "aws_apigatewayv2_stage").values()}
    for r in spec.regions:
        health = bodies[served[(r.region, HEALTH_ROUTE)]]
        (records_name,) = {served[(r.region, key)] for key in ROUTES}
        records = bodies[records_name]
        assert health["function_name"] != records["function_name"], r.region
        assert health["handler"] == contract.HEALTH_HANDLER
        assert records["handler"] == contract.API_HANDLER
        assert health["reserved_concurrent_executions"] == HEALTH_RESERVED_CONCURRENCY
        assert records["reserved_concurrent_executions"] == spec.reserved_concurrency(r.region)
        (throttle,) = stages[r.region]["route_settings"]
        assert (throttle["route_key"], throttle["throttling_rate_limit"]) == (
            HEALTH_ROUTE,
            HEALTH_RATE_LIMIT,
        )


def test_every_function_is_alarmed_on_its_errors_and_dead_letters(case):
    """In every region, each function (the health function too) has an Errors alarm on its
    own name and a DLQ-depth alarm on its own queue, both in its region."""
    spec, stack = case
    alarmed = {
        (region_of(stack, a), a["metric_name"], *a["dimensions"].values())
        for a in resources(stack, "aws_cloudwatch_metric_alarm").values()
        if a["namespace"] in ("AWS/Lambda", "AWS/SQS")
    }
    queues = {(region_of(stack, q), q["name"]) for q in resources(stack, "aws_sqs_queue").values()}
    fns = resources(stack, "aws_lambda_function").values()
    assert {f["function_name"].split("-")[1] for f in fns} == set(names.FUNCTION_PURPOSES)
    for fn in fns:
        region = region_of(stack, fn)
        queue = names.FUNCTIONS[fn["function_name"].split("-")[1]].dead_letter_queue
        assert (region, queue(spec.namer, region)) in queues
        assert (region, "Errors", fn["function_name"]) in alarmed, fn["function_name"]
        assert (
            region,
            "ApproximateNumberOfMessagesVisible",
            queue(spec.namer, region),
        ) in alarmed


# ----- a records surge against the handlers -----------------------------------------------------


@pytest.fixture
def region_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An in-process moto account; no real AWS account is ever reachable."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_LAMBDA_FUNCTION_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    with mock_aws():
        yield


def create_region(config: Config) -> None:
    """The region's replicas and drain switch as the stack names them, keyed as the contract."""
    dynamodb = boto3.client("dynamodb", region_name=config.region)
    logical = {
        contract.PATIENT_RECORDS: config.patient_table_name,
        contract.AUDIT_LOGS: config.audit_table_name,
    }
    for table, (hash_key, range_key) in contract.TABLE_KEYS.items():
        keys = [(hash_key, "HASH"), *([(range_key, "RANGE")] if range_key else [])]
        dynamodb.create_table(
            TableName=logical[table],
            KeySchema=[{"AttributeName": k, "KeyType": t} for k, t in keys],
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k, _ in keys],
            BillingMode="PAY_PER_REQUEST",
        )
    boto3.client("ssm", region_name=config.region).put_parameter(
        Name=config.drain_parameter_name, Value=contract.DRAIN_ACTIVE, Type="SecureString"
    )


def container(environment: dict[str, str], *, hold: threading.Event | None = None) -> Deps:
    """One function's wiring from its synthesized environment. With ``hold``, its record
    transactions wait for it at DynamoDB: how a surge of slow records looks to Lambda."""
    session = boto3.session.Session()
    if hold is not None:
        # moto's tables are not safe for concurrent access: once released, one call at a
        # time (the transactions, and the reads of the audit chain's heads between them).
        one = threading.Lock()

        def wait(**_: Any) -> None:
            hold.wait(HOLD_SECONDS)
            one.acquire()

        def done(**_: Any) -> None:
            one.release()

        for operation in ("TransactWriteItems", "GetItem"):
            session.events.register(f"before-call.dynamodb.{operation}", wait)
            for answered in ("after-call", "after-call-error"):
                session.events.register(f"{answered}.dynamodb.{operation}", done)
    config = Config.from_environ(environment)
    return Deps(config=config, clients=Clients(config, session=session))


def wait_until(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the load did not build up"
        time.sleep(0.01)


def test_a_records_surge_that_throttles_records_leaves_health_at_200(
    default_spec, default_stack, region_aws, monkeypatch
):
    """Every execution the records function reserves is held by a records request, and more
    keep coming, throttled (as /health itself would be on that function); meanwhile probes on
    the health function, as many at once as Route 53's checkers, all answer 200."""
    region = default_spec.primary.region
    fns, bodies = functions(default_stack), resources(default_stack, "aws_lambda_function")
    served = served_by(default_stack)
    records, health = served[(region, "PUT /records/{id}")], served[(region, HEALTH_ROUTE)]
    reserved = bodies[records]["reserved_concurrent_executions"]
    lambda_ = ReservedConcurrency(
        {f: bodies[f]["reserved_concurrent_executions"] for f in (records, health)}
    )
    release, stop = threading.Event(), threading.Event()
    monkeypatch.setattr(api, "_deps", container(fns[records].environment, hold=release))
    monkeypatch.setattr(health_api, "_deps", container(fns[health].environment))
    create_region(health_api._deps.config)

    def write(i: int) -> dict[str, Any]:
        event = http_event("PUT /records/{id}", record_id=f"surge-{i}", body=RECORD)
        return lambda_.invoke(records, partial(api.handler, event, None))

    def probe(function: str) -> dict[str, Any]:
        return lambda_.invoke(function, partial(health_api.handler, http_event(HEALTH_ROUTE), None))

    throttled: list[int] = []
    admitted: list[int] = []

    def keep_writing() -> None:
        """More records requests than the function reserves, a thousand a second at most."""
        for i in itertools.count(reserved):
            if stop.is_set():
                return
            try:
                write(i)
                admitted.append(i)
            except Throttled:
                throttled.append(i)
            time.sleep(0.001)

    surge = ThreadPoolExecutor(max_workers=reserved)
    more = threading.Thread(target=keep_writing)
    try:
        held = [surge.submit(write, i) for i in range(reserved)]
        wait_until(lambda: lambda_.running(records) == reserved)
        more.start()
        with pytest.raises(Throttled):  # /health on the records function, as it was
            probe(records)
        with ThreadPoolExecutor(max_workers=ROUTE53_CHECKER_PEAK_RPS) as checkers:
            answers = list(checkers.map(lambda _: probe(health), range(PROBES)))
        assert lambda_.running(records) == reserved  # saturated throughout
    finally:
        stop.set()
        release.set()
        if more.ident is not None:  # started
            more.join()
        surge.shutdown()
    assert [a["statusCode"] for a in answers] == [200] * PROBES
    assert throttled and not admitted
    assert [f.result()["statusCode"] for f in held] == [200] * reserved
