"""The emulator's own endpoints (``/_drkit/...``), beside moto's ``/moto-api/``.

``POST /_drkit/lambda/execution-credentials`` ``{"FunctionName", "Region"}``: what the
Lambda service does before it runs a function: assume the function's execution role
(moto's STS backend), refused unless the role's trust policy admits
``lambda.amazonaws.com``. The answer is the session's credentials, as Lambda hands
them to the function's environment. moto's own ``AssumeRole`` cannot stand in: it
checks the caller against the trust policy's ``AWS`` principals only.

``POST /_drkit/lambda/code`` ``{"FunctionName", "Region", "Qualifier"}``: the code the
Lambda service holds for a version or alias (``Qualifier``; default ``$LATEST``), what
it would run: ``{"Version", "CodeSha256", "ZipFile"}`` (base64). AWS hands this out as
``GetFunction``'s presigned ``Code.Location``; moto's location is not a URL it serves.

``POST /_drkit/dynamodb/replication`` ``{"hold": [regions]}`` or ``{"release": true}``:
replicated writes into the held regions wait until released (replication lag on
demand; see :class:`drkit_emulator.dynamodb.models.hold.ReplicationHold`). A release
leaves the writes an outage holds waiting.

``GET /_drkit/outage``, and ``POST /_drkit/outage`` with ``{"take_out": [regions]}``,
``{"bring_back": [regions]}`` or ``{"bring_back": "all"}`` (both keys at once: bring
back first, then take out): the regions taken out of the emulator, whose requests get
no answer (:mod:`drkit_emulator.outage`). Both answer ``{"regions_out": [regions],
"control_planes_out": [signing names], "dynamodb_replication_pending": n}``. A value
that is not a list of AWS region names is a 400 naming it, and changes nothing.
DynamoDB replication into and out of an out region is held until it is back.

``GET /_drkit/replays``: ``{"replayed": n, "operations": [{"operation",
"invocation_id", "attempts", "status"}]}``, the retried attempts
:class:`drkit_emulator.retry_replay.RetryReplay` answered with the first attempt's
answer since the start or the last reset (``attempts`` counts the first one too).

``POST /moto-api/reset`` goes on to moto after this layer brings every region back,
drops every held replicated write and makes the retry-replay layer forget its answers
and its count: all of them refer to what the reset deletes.

Importing this module does not import moto; the handlers do, in the server process.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from drkit_emulator.outage import RegionOutage, check_regions

if TYPE_CHECKING:
    from drkit_emulator.retry_replay import RetryReplay

PREFIX = "/_drkit/"
RESET_PATH = "/moto-api/reset"
LAMBDA_PRINCIPAL = "lambda.amazonaws.com"
SESSION_SECONDS = 3600

StartResponse = Callable[..., Any]
Route = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


def _say(line: str) -> None:
    print(f"drkit emulator: {line}", file=sys.stderr, flush=True)


class AdminApi:
    """WSGI layer: answers ``/_drkit/`` itself, passes everything else to ``app``.

    Args:
        app: The emulator's application (retry replay around moto).
        replay: The retry-replay layer whose replays ``/_drkit/replays`` reports.
        outage: The regions out, shared with the request handler that drops their requests.
        log: Where changes of the outage are reported (the emulator's log).
    """

    def __init__(
        self,
        app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]],
        replay: RetryReplay | None = None,
        outage: RegionOutage | None = None,
        log: Callable[[str], None] = _say,
    ) -> None:
        self.app = app
        self.replay = replay
        self.outage = outage if outage is not None else RegionOutage()
        self.log = log
        self.routes: dict[tuple[str, str], Route] = {
            ("POST", "/_drkit/lambda/execution-credentials"): execution_credentials,
            ("POST", "/_drkit/lambda/code"): function_code,
            ("POST", "/_drkit/dynamodb/replication"): replication,
            ("GET", "/_drkit/outage"): lambda _: (200, self.outage_state()),
            ("POST", "/_drkit/outage"): self.change_outage,
            ("GET", "/_drkit/replays"): lambda _: (200, self.replays()),
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == RESET_PATH and method == "POST":
            self.forget()
        if not path.startswith(PREFIX):
            return self.app(environ, start_response)
        route = self.routes.get((method, path))
        if route is None:
            return _answer(start_response, 404, {"error": f"no {method} {path}"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            if not isinstance(body, dict):
                raise ValueError(f"expected a JSON object, got {body!r}")
            status, answer = route(body)
        except (ValueError, KeyError) as err:
            status, answer = 400, {"error": f"{type(err).__name__}: {err}"}
        return _answer(start_response, status, answer)

    def change_outage(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Bring regions back and/or take regions out; every name is checked before either."""
        if not body or set(body) - {"take_out", "bring_back"}:
            raise ValueError(
                'expected {"take_out": [regions]} and/or {"bring_back": [regions] or "all"}, '
                f"got {body!r}"
            )
        take_out = check_regions(body.get("take_out", []))
        bring_back = body.get("bring_back", [])
        back = None if bring_back == "all" else check_regions(bring_back)
        self.outage.bring_back(back)
        out = self.outage.take_out(take_out)
        released = _hold_replication(out)
        self.log(
            f"regions out: {', '.join(sorted(out)) or 'none'}"
            + (f" ({released} held replicated writes applied)" if released else "")
        )
        return 200, self.outage_state()

    def outage_state(self) -> dict[str, Any]:
        from drkit_emulator.dynamodb.models.hold import HOLD

        return {
            "regions_out": sorted(self.outage.regions_out),
            "control_planes_out": self.outage.control_planes_out(),
            "dynamodb_replication_pending": len(HOLD.pending),
        }

    def replays(self) -> dict[str, Any]:
        if self.replay is None:
            return {"replayed": 0, "operations": []}
        return self.replay.replays()

    def forget(self) -> None:
        """End what a reset of the emulator ends besides moto's state (see the module docstring)."""
        from drkit_emulator.dynamodb.models.hold import HOLD

        if self.outage.regions_out:
            self.log("reset: every region is back")
        self.outage.bring_back()
        HOLD.forget()
        if self.replay is not None:
            self.replay.forget()


def _hold_replication(regions_out: frozenset[str]) -> int:
    """Hold DynamoDB replication into and out of ``regions_out``; how many writes now flowed."""
    from drkit_emulator.dynamodb.models.hold import HOLD

    return HOLD.set_out(regions_out)


def execution_credentials(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Assume ``FunctionName``'s execution role as Lambda would."""
    from moto.awslambda.models import lambda_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID as account
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


def function_code(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The code of ``FunctionName`` at ``Qualifier`` (a version or an alias), as Lambda holds it."""
    import base64

    from moto.awslambda.exceptions import UnknownFunctionException
    from moto.awslambda.models import lambda_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID as account

    backend = lambda_backends[account][body["Region"]]
    try:
        function = backend.get_function(body["FunctionName"], body.get("Qualifier"))
    except UnknownFunctionException as err:
        return 404, {"error": err.message}
    return 200, {
        "Version": str(function.version),
        "CodeSha256": function.code_sha_256,
        "ZipFile": base64.b64encode(function.code_bytes).decode(),
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
    """Hold replication into some regions, or release the writes held on demand."""
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
