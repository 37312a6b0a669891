"""Lambda entry point of the records routes (API Gateway HTTP API, payload format 2.0).

Handler: drkit_runtime.api.handler. Routes: PUT /records/{id} (``If-Match``: the version it
replaces), GET /records/{id} (``?version=``: an earlier one). GET /health
is another function's (drkit_runtime.health_api), so that no volume of records traffic can
throttle it.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

from drkit_runtime import record_input, records, replicated
from drkit_runtime.deps import Deps
from drkit_runtime.http import HttpError, error_response, json_response
from drkit_runtime.logs import error_fields, log

Event = Mapping[str, Any]
Route = Callable[[Event, Deps, str], dict[str, Any]]

_RECORD_PATH = re.compile(r"/records/([^/]+)")


def _put_record(event: Event, deps: Deps, request_id: str) -> dict[str, Any]:
    record_id = records.require_record_id(_path_id(event))
    record = record_input.parse_record(record_input.read_body(event))
    caller = records.Caller.from_event(event, fallback_request_id=request_id)
    if_match = _header(event, "if-match")
    body = records.put_record(
        deps, record_id=record_id, record=record, caller=caller, if_match=if_match
    )
    return json_response(200, body, headers={"etag": f'"{body["version"]}"'})


def _get_record(event: Event, deps: Deps, request_id: str) -> dict[str, Any]:
    record_id = records.require_record_id(_path_id(event))
    caller = records.Caller.from_event(event, fallback_request_id=request_id)
    version = (event.get("queryStringParameters") or {}).get("version") or None
    status, body = records.get_record(deps, record_id=record_id, caller=caller, version=version)
    etag = {"etag": f'"{body["version"]}"'} if status == 200 and body.get("version") else {}
    return json_response(status, body, headers=etag)


ROUTES: dict[str, Route] = {
    "PUT /records/{id}": _put_record,
    "GET /records/{id}": _get_record,
}


def _header(event: Event, name: str) -> str | None:
    """A request header (API Gateway lower-cases their names in payload 2.0)."""
    headers = event.get("headers") or {}
    value = headers.get(name)
    return str(value) if value else None


def _path_id(event: Event) -> object:
    params = event.get("pathParameters") or {}
    if "id" in params:
        return params["id"]
    match = _RECORD_PATH.fullmatch(event.get("rawPath") or "")
    return unquote(match.group(1)) if match else None


def resolve_route(event: Event) -> str:
    """The route key to serve, or an HttpError: 404 for an unknown path, 405 for a method.

    The stack wires explicit route keys; a "$default" catch-all route is resolved from the
    method and path so that it still gets 404/405 rather than a generic error.
    """
    route_key = str(event.get("routeKey") or "")
    if route_key in ROUTES:
        return route_key
    http = (event.get("requestContext") or {}).get("http") or {}
    method = str(http.get("method") or route_key.partition(" ")[0]).upper()
    path = str(event.get("rawPath") or http.get("path") or route_key.partition(" ")[2])
    if not _RECORD_PATH.fullmatch(path):
        raise HttpError(404, "no such route")
    template = "/records/{id}"
    allowed = sorted(key.partition(" ")[0] for key in ROUTES if key.endswith(" " + template))
    if method not in allowed:
        raise HttpError(405, "method not allowed", headers={"allow": ", ".join(allowed)})
    return f"{method} {template}"


def handle(event: Event, deps: Deps, *, lambda_request_id: str = "") -> dict[str, Any]:
    """Serve one request and log one line about it (never its body or any record data)."""
    started = time.monotonic()
    context = event.get("requestContext") or {}
    request_id = str(context.get("requestId") or lambda_request_id or "unknown")
    route = str(event.get("routeKey") or "")
    fields: dict[str, Any] = {}
    try:
        route = resolve_route(event)
        response = ROUTES[route](event, deps, request_id)
    except HttpError as exc:
        response = error_response(exc)
        if exc.__cause__ is not None:
            fields = error_fields(exc.__cause__)
    # Anything else is a 500; a traceback could quote record data, so log the type only.
    except Exception as exc:  # noqa: BLE001
        response = json_response(500, {"error": "internal error"})
        fields = error_fields(exc)
    status = response["statusCode"]
    log(
        "request",
        level="ERROR" if status >= 500 else "INFO",
        request_id=request_id,
        lambda_request_id=lambda_request_id,
        route=route,
        status=status,
        latency_ms=round((time.monotonic() - started) * 1000, 1),
        region=deps.config.region,
        role=deps.config.role,
        **fields,
    )
    return response


_deps: Deps | None = None


def _container_deps() -> Deps:
    """Config and clients, built once per container."""
    global _deps
    if _deps is None:
        deps = Deps.from_environ()
        deps.clients.get("dynamodb")
        _deps = deps
    return _deps


def handler(event: Event, context: Any) -> dict[str, Any]:
    """Lambda entry point: drkit_runtime.api.handler (the records routes, and the patient
    replica's stream of writes replicated here: drkit_runtime.replicated)."""
    if "Records" in event:
        return replicated.handle_stream(event, _container_deps())
    lambda_request_id = getattr(context, "aws_request_id", "")
    return handle(event, _container_deps(), lambda_request_id=lambda_request_id)


# In Lambda, build config and clients during the init phase, before the first request (a
# missing variable then fails init, naming it); elsewhere stay import-safe.
if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    _container_deps()
