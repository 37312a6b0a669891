"""The emulator's own endpoints (``/_drkit/...``), beside moto's ``/moto-api/``.

``POST /_drkit/lambda/execution-credentials`` ``{"FunctionName", "Region"}``: what the
Lambda service does before it runs a function: assume the function's execution role
(moto's STS backend), refused unless the role's trust policy admits
``lambda.amazonaws.com``. The answer is the session's credentials, as Lambda hands
them to the function's environment. moto's own ``AssumeRole`` cannot stand in: it
checks the caller against the trust policy's ``AWS`` principals only.

``POST /_drkit/dynamodb/replication`` ``{"hold": [regions]}`` or ``{"release": true}``:
replicated writes into the held regions wait until released (replication lag on
demand; see :class:`drkit_emulator.dynamodb.models.global_tables.ReplicationHold`).

Importing this module does not import moto; the handlers do, in the server process.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

PREFIX = "/_drkit/"
LAMBDA_PRINCIPAL = "lambda.amazonaws.com"
SESSION_SECONDS = 3600

StartResponse = Callable[..., Any]


class AdminApi:
    """WSGI layer: answers ``/_drkit/`` itself, passes everything else to ``app``."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]) -> None:
        self.app = app
        self.routes: dict[str, Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]] = {
            "/_drkit/lambda/execution-credentials": execution_credentials,
            "/_drkit/dynamodb/replication": replication,
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return self.app(environ, start_response)
        route = self.routes.get(path)
        if route is None or environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, 404, {"error": f"no POST {path}"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            status, answer = route(body)
        except (ValueError, KeyError) as err:
            status, answer = 400, {"error": f"{type(err).__name__}: {err}"}
        return _answer(start_response, status, answer)


def execution_credentials(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Assume ``FunctionName``'s execution role as Lambda would."""
    from moto.awslambda.models import lambda_backends
    from moto.core import DEFAULT_ACCOUNT_ID as account
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    region = body["Region"]
    function = lambda_backends[account][region].get_function(body["FunctionName"])
    role_arn = function.role
    role = iam_backends[account]["aws"].get_role_by_arn(role_arn)
    if not trusts_lambda(json.loads(role.assume_role_policy_document)):
        return 403, {"error": f"{role_arn} does not trust {LAMBDA_PRINCIPAL}"}
    session = sts_backends[account]["aws"].assume_role(
        region_name=region,
        role_session_name=function.function_name,
        role_arn=role_arn,
        policy="",
        duration=SESSION_SECONDS,
        external_id="",
    )
    return 200, {
        "RoleArn": role_arn,
        "AccessKeyId": session.access_key_id,
        "SecretAccessKey": session.secret_access_key,
        "SessionToken": session.session_token,
    }


def trusts_lambda(document: dict[str, Any]) -> bool:
    """Whether an Allow ``sts:AssumeRole`` statement names Lambda's service principal."""
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        services = (statement.get("Principal") or {}).get("Service", [])
        if (
            statement.get("Effect") == "Allow"
            and "sts:AssumeRole" in (actions if isinstance(actions, list) else [actions])
            and LAMBDA_PRINCIPAL in (services if isinstance(services, list) else [services])
        ):
            return True
    return False


def replication(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Hold replication into some regions, or release every held write."""
    from drkit_emulator.dynamodb.models.hold import HOLD

    if body.get("release"):
        return 200, {"released": HOLD.release()}
    HOLD.hold(body["hold"])
    return 200, {"held": sorted(HOLD.regions)}


def _answer(start_response: StartResponse, status: int, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found"}[status]
    start_response(
        f"{status} {reason}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
    )
    return [payload]
