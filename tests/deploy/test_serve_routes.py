"""The demo's requests go to the function the deployed API's route integrates (drkit.deploy.serve),
and the end-to-end probe table covers exactly the calls the runtime declares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from drkit.deploy.serve import integrated_function, route_key
from drkit_runtime.access import FUNCTIONS, Scope
from tests.e2e.served import PROBES

REGION = "us-east-1"
ACCOUNT = "123456789012"


def _invoke_arn(function: str) -> str:
    """A function's (or alias's: ``name:live``) invoke ARN, the form Terraform hands API
    Gateway as the integration URI."""
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}"
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}/invocations"


@pytest.fixture
def apigatewayv2(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An in-process moto API like the stack's: records routes to one function, /health to
    another."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("apigatewayv2", region_name=REGION)
        api_id = client.create_api(Name="api-records-use1-dev", ProtocolType="HTTP")["ApiId"]
        for function, keys in (
            ("lambda-api-use1-dev:live", ("GET /records/{id}", "PUT /records/{id}")),
            ("lambda-health-use1-dev", ("GET /health",)),
        ):
            integration = client.create_integration(
                ApiId=api_id,
                IntegrationType="AWS_PROXY",
                IntegrationUri=_invoke_arn(function),
                PayloadFormatVersion="2.0",
            )["IntegrationId"]
            for key in keys:
                client.create_route(
                    ApiId=api_id, RouteKey=key, Target=f"integrations/{integration}"
                )
        yield client


@pytest.mark.parametrize(
    ("method", "path", "function"),
    [
        ("GET", "/health", ("lambda-health-use1-dev", "$LATEST")),
        ("GET", "/records/rec-1", ("lambda-api-use1-dev", "live")),
        ("PUT", "/records/rec-1", ("lambda-api-use1-dev", "live")),
    ],
)
def test_each_request_runs_the_function_its_route_integrates(apigatewayv2, method, path, function):
    key = route_key(method, path)
    assert integrated_function(apigatewayv2, "api-records-use1-dev", key) == function


def test_a_route_the_api_lacks_is_named(apigatewayv2):
    with pytest.raises(LookupError, match="DELETE /records"):
        integrated_function(apigatewayv2, "api-records-use1-dev", "DELETE /records/{id}")


def test_every_declared_call_has_exactly_one_probe():
    """Each call a function makes itself (not the Lambda platform's, not a denial) has a probe
    in the end-to-end table, and the table names no call the runtime does not declare."""
    declared = {
        (purpose, call.sid)
        for purpose, calls in FUNCTIONS.items()
        for call in calls
        if not call.deny and call.scope is not Scope.PLATFORM
    }
    assert set(PROBES) == declared
