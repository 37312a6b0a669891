"""Every call the runtime makes to AWS during a test, with the parameters it passed.

moto answers a GetItem whether or not it asks for a consistent read, so only the call itself
shows what the runtime asked for. A botocore ``provide-client-params`` hook on every client
created during a runtime test records each call's own parameters (before botocore fills in
anything), the client's region, and which function's code made it: the innermost
``drkit_runtime`` module on the calling thread's stack (the health checks run on their own
threads, whose stacks start in ``drkit_runtime.health``). Calls made by the tests themselves
(seeding moto, reading it back) have no such frame and are not recorded.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: The runtime's modules, by the function (as access.FUNCTIONS names it) whose code they are.
FUNCTION_OF_MODULE = {
    "drkit_runtime.api": "api",
    "drkit_runtime.records": "api",
    "drkit_runtime.replicated": "api",
    "drkit_runtime.health": "health",
    "drkit_runtime.health_api": "health",
    "drkit_runtime.canary": "canary",
    "drkit_runtime.metrics": "canary",
    "drkit_runtime.watcher": "watcher",
    "drkit_runtime.auditor": "auditor",
}


@dataclass(frozen=True, kw_only=True)
class AwsCall:
    """One API call the runtime made.

    Attributes:
        function: ``api``, ``health``, ``canary`` or ``watcher``: whose code made it.
        service: botocore's service name (``dynamodb``, ``s3``, ``ssm``, ``cloudwatch``).
        operation: The API operation, e.g. ``GetItem``.
        region: The region of the client that made it.
        params: The parameters the runtime passed, as it passed them.
    """

    function: str
    service: str
    operation: str
    region: str
    params: Mapping[str, Any]


def calling_function() -> str | None:
    """The function whose runtime code is on this thread's stack (innermost first)."""
    frame = sys._getframe(1)
    while frame is not None:
        function = FUNCTION_OF_MODULE.get(frame.f_globals.get("__name__", ""))
        if function:
            return function
        frame = frame.f_back  # type: ignore[assignment]
    return None


class CallRecorder:
    """The calls of one test, in the order they were made (from any thread)."""

    def __init__(self) -> None:
        self._calls: list[AwsCall] = []
        self._lock = threading.Lock()

    def attach(self, client: Any) -> None:
        """Record every call ``client`` makes from runtime code."""
        service = client.meta.service_model.service_name
        region = client.meta.region_name

        def record(params: Mapping[str, Any], model: Any, **_: Any) -> None:
            function = calling_function()
            if function is None:
                return
            call = AwsCall(
                function=function,
                service=service,
                operation=model.name,
                region=region,
                params=dict(params),
            )
            with self._lock:
                self._calls.append(call)

        client.meta.events.register("provide-client-params", record)

    @property
    def calls(self) -> list[AwsCall]:
        with self._lock:
            return list(self._calls)

    def __iter__(self) -> Iterator[AwsCall]:
        return iter(self.calls)

    def of(self, operation: str, **params: Any) -> list[AwsCall]:
        """The calls of ``operation`` whose parameters include ``params``."""
        return [
            c
            for c in self.calls
            if c.operation == operation and all(c.params.get(k) == v for k, v in params.items())
        ]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
