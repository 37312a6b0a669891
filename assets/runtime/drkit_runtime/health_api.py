"""Lambda entry point of GET /health, a function of its own (API Gateway HTTP API, format 2.0).

Handler: drkit_runtime.health_api.handler. The route has its own function, with its own
reserved concurrency, because a reservation is both a function's floor and its ceiling: had
/health shared the records function, a surge of records requests that throttled that function
would have throttled Route 53's checkers too, and failed every loaded region out at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

from drkit_runtime import health
from drkit_runtime.contract import HEALTH_PATH
from drkit_runtime.deps import Deps
from drkit_runtime.http import json_response
from drkit_runtime.logs import log

Event = Mapping[str, Any]

ROUTE = f"GET {HEALTH_PATH}"


def _is_health(event: Event) -> bool:
    """Whether ``event`` asks for GET /health (by route key, or by method and path)."""
    if event.get("routeKey") == ROUTE:
        return True
    http = (event.get("requestContext") or {}).get("http") or {}
    method = str(http.get("method") or "").upper()
    return method == "GET" and (event.get("rawPath") or http.get("path")) == HEALTH_PATH


def handle(event: Event, deps: Deps, *, lambda_request_id: str = "") -> dict[str, Any]:
    """Answer GET /health and log one line about it; anything else is not this function's."""
    started = time.monotonic()
    context = event.get("requestContext") or {}
    request_id = str(context.get("requestId") or lambda_request_id or "unknown")
    if _is_health(event):
        status, body = health.check_health(deps)
        if status != 200:
            log("health_failed", level="WARN", request_id=request_id, failed=body["failed"])
        response = json_response(status, body)
    else:
        response = json_response(404, {"error": "no such route"})
    status = response["statusCode"]
    log(
        "request",
        level="ERROR" if status >= 500 else "INFO",
        request_id=request_id,
        lambda_request_id=lambda_request_id,
        route=ROUTE,
        status=status,
        latency_ms=round((time.monotonic() - started) * 1000, 1),
        region=deps.config.region,
        role=deps.config.role,
    )
    return response


_deps: Deps | None = None


def _container_deps() -> Deps:
    """Config and the health clients, built once per container."""
    global _deps
    if _deps is None:
        deps = Deps.from_environ()
        health.warm_clients(deps)
        _deps = deps
    return _deps


def handler(event: Event, context: Any) -> dict[str, Any]:
    """Lambda entry point: drkit_runtime.health_api.handler."""
    lambda_request_id = getattr(context, "aws_request_id", "")
    return handle(event, _container_deps(), lambda_request_id=lambda_request_id)


# In Lambda, build config and clients during the init phase, before the first request and its
# deadline (a missing variable then fails init, naming it); elsewhere stay import-safe.
if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    _container_deps()
