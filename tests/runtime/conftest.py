"""Fixtures for the Lambda runtime tests: a fake environment, and
an in-process moto account holding one region's tables, bucket and drain parameter."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import botocore.session
import pytest
from moto import mock_aws

from drkit_runtime import api, canary, health_api
from drkit_runtime.aws import Clients
from drkit_runtime.deps import Deps
from tests.runtime.observed_calls import OBSERVED, translate
from tests.runtime.recorder import CallRecorder
from tests.runtime.support import (
    BUCKETS,
    DRAIN_PARAMETER,
    ENV,
    LOCAL,
    PARAMETERS,
    PEER_ENDPOINTS,
    PEER_ENDPOINTS_PARAMETER,
    TABLES,
    FixedClock,
    create_audit_table,
    create_patient_table,
    roomy_config,
)


@pytest.fixture(autouse=True)
def runtime_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials and the stack's variables; no real AWS account is ever reachable."""
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_LAMBDA_FUNCTION_NAME",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", LOCAL)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DRKIT_METRIC_NAMESPACE", raising=False)
    monkeypatch.delenv("DRKIT_HEALTH_DEADLINE_MS", raising=False)
    # Handlers cache their wiring per container; every test starts from a cold container.
    monkeypatch.setattr(api, "_deps", None)
    monkeypatch.setattr(canary, "_deps", None)
    monkeypatch.setattr(health_api, "_deps", None)
    yield


@pytest.fixture(autouse=True)
def aws_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[CallRecorder]:
    """Every call the runtime makes to AWS in this test, recorded from each client it creates.

    When the test is done, each recorded call must have its row in the table of observed
    calls (tests/runtime/observed_calls.py): a call the runtime starts making without one
    fails here, so the table (and, through it, access.py) cannot fall behind the code.
    """
    recorder = CallRecorder()
    create_client = botocore.session.Session.create_client

    def create_recorded_client(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
        client = create_client(self, *args, **kwargs)
        recorder.attach(client)
        return client

    monkeypatch.setattr(botocore.session.Session, "create_client", create_recorded_client)
    yield recorder
    unlisted = {
        (call.function, use)
        for call in recorder
        for use in translate(call, own_region=LOCAL, tables=TABLES, parameters=PARAMETERS)
        if use not in OBSERVED[call.function]
    }
    assert not unlisted, f"calls missing from tests/runtime/observed_calls.py: {unlisted}"


@pytest.fixture
def aws() -> Iterator[None]:
    """An empty in-process moto account."""
    with mock_aws():
        yield


@pytest.fixture(scope="session")
def inspecting() -> SimpleNamespace:
    """The tests' own clients, made once: a client costs tens of milliseconds to build and
    keeps nothing of an account (moto's hook on every botocore client answers whichever mock
    account is active). The runtime's clients are still made per test, by the runtime."""
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=LOCAL
    )
    return SimpleNamespace(
        **{name: session.client(name) for name in ("dynamodb", "s3", "ssm", "cloudwatch")}
    )


@pytest.fixture
def infra(aws: None, inspecting: SimpleNamespace) -> SimpleNamespace:
    """This region's resources as the stack creates them, and clients to inspect them."""
    dynamodb, s3, ssm = inspecting.dynamodb, inspecting.s3, inspecting.ssm
    cloudwatch = inspecting.cloudwatch
    create_patient_table(dynamodb)
    create_audit_table(dynamodb)
    s3.create_bucket(Bucket=BUCKETS[LOCAL])
    s3.put_bucket_versioning(Bucket=BUCKETS[LOCAL], VersioningConfiguration={"Status": "Enabled"})
    ssm.put_parameter(Name=DRAIN_PARAMETER, Value="active", Type="SecureString")
    ssm.put_parameter(
        Name=PEER_ENDPOINTS_PARAMETER, Value=json.dumps(PEER_ENDPOINTS), Type="SecureString"
    )
    return SimpleNamespace(dynamodb=dynamodb, s3=s3, ssm=ssm, cloudwatch=cloudwatch)


@pytest.fixture
def clock() -> FixedClock:
    """A fixed clock at a recent whole second (CloudWatch keeps only recent data points)."""
    return FixedClock(float(int(time.time())))


@pytest.fixture(scope="session")
def boto3_session() -> boto3.session.Session:
    """One boto3 session for the tests' wiring: a session costs ~130 handler registrations.

    Clients are still made per test (each Deps has its own Clients); the handlers' own
    cold-start path (Deps.from_environ) keeps making its own session.
    """
    return boto3.session.Session()


@pytest.fixture
def deps(infra: SimpleNamespace, clock: FixedClock, boto3_session: boto3.session.Session) -> Deps:
    """Handler wiring against moto, with the fixed clock."""
    config = roomy_config()
    return Deps(config=config, clients=Clients(config, session=boto3_session), clock=clock)
