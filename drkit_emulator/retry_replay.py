"""One execution per SDK operation: a retried attempt gets the first attempt's answer.

The gap (moto 5.2.5 behind werkzeug's threaded server): every attempt that
reaches moto is executed. The AWS SDKs retry an operation when an attempt
gets no answer, and under load the hashicorp/aws provider's SDK does so a few
times per deploy; when moto had executed the first attempt, the retry of a
create fails the apply (``EntityAlreadyExists`` on ``iam:CreateRole``,
``InvalidPermission.Duplicate`` on ``ec2:AuthorizeSecurityGroupIngress``) or
makes a second resource. docs/emulator.md has what was found about the lost
answers.

What this does: every SDK attempt carries the operation's
``amz-sdk-invocation-id`` header, the same on each retry (aws-sdk-go-v2,
botocore and the AWS CLI all send it). For state-changing requests (any
method but GET, HEAD and OPTIONS) the first attempt to arrive is executed and
its answer kept (unless it is a 5xx, which a retry should re-run); a later
attempt of the same operation waits for that first one if it is still
running and gets its answer, logged as ``replayed ...`` in the emulator's
log. Requests without the header and reads run as they would without this.

Real AWS has no such deduplication (its APIs make retries safe with client
tokens where they can); the emulator adds it because here the lost answers
are the emulator's own, not the service's.
"""

from __future__ import annotations

import collections
import io
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import attrs

INVOCATION_ID = "HTTP_AMZ_SDK_INVOCATION_ID"
ATTEMPT = "HTTP_AMZ_SDK_REQUEST"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_CAPACITY = 20_000
"""Operations remembered; a deploy of 3 regions makes about 1,500 state-changing calls."""
DEFAULT_WAIT_SECONDS = 300.0
_FORM = "application/x-www-form-urlencoded"
_MAX_FORM_BYTES = 1 << 20

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@attrs.define(eq=False)
class _Operation:
    """One SDK operation: the first attempt's answer, once it has one."""

    name: str
    done: threading.Event = attrs.field(factory=threading.Event)
    answer: tuple[str, list[tuple[str, str]], bytes] | None = None


@attrs.define(eq=False)
class RetryReplay:
    """WSGI middleware around the emulator's app; see the module docstring.

    Attributes:
        app: The WSGI application (moto's dispatcher).
        capacity: How many operations to remember (oldest forgotten first).
        wait_seconds: How long a retry waits for a first attempt still running.
        log: Where replays are reported (the emulator's log).
    """

    app: WSGIApp
    capacity: int = DEFAULT_CAPACITY
    wait_seconds: float = DEFAULT_WAIT_SECONDS
    log: Callable[[str], None] = attrs.field(
        default=lambda line: print(f"drkit emulator: {line}", file=sys.stderr, flush=True)
    )
    replayed: int = attrs.field(default=0, init=False)
    _operations: collections.OrderedDict[str, _Operation] = attrs.field(
        factory=collections.OrderedDict, init=False
    )
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        key = environ.get(INVOCATION_ID)
        if not key or environ.get("REQUEST_METHOD", "GET") in READ_METHODS:
            return self.app(environ, start_response)
        name = _operation_name(environ)  # may read the body: not under the lock
        with self._lock:
            operation = self._operations.get(key)
            first = operation is None
            if operation is None:
                operation = self._operations[key] = _Operation(name=name)
                while len(self._operations) > self.capacity:
                    self._operations.popitem(last=False)
        if first:
            return self._execute(key, operation, environ, start_response)
        # Whether the first attempt was still running says where its answer got lost.
        running = not operation.done.is_set()
        operation.done.wait(self.wait_seconds)
        answer = operation.answer
        if answer is None:
            # The first attempt failed (5xx, crash) or is stuck: this one runs for real.
            return self.app(environ, start_response)
        status, headers, body = answer
        with self._lock:
            self.replayed += 1
        attempt = environ.get(ATTEMPT, "a retry")
        self.log(
            f"replayed the answer to {operation.name} ({status}) for {attempt} of {key}"
            + (" (it arrived while the first attempt was still running)" if running else "")
        )
        start_response(status, list(headers))
        return [body]

    def _execute(
        self,
        key: str,
        operation: _Operation,
        environ: dict[str, Any],
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, headers
            return lambda data: captured.setdefault("written", []).append(data)

        try:
            chunks = self.app(environ, capture)
            try:
                body = b"".join([*captured.get("written", []), *chunks])
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
            status, headers = captured["status"], list(captured["headers"])
            if not status.startswith("5"):
                operation.answer = (status, headers, body)
        finally:
            if operation.answer is None:
                with self._lock:
                    if self._operations.get(key) is operation:
                        del self._operations[key]
            operation.done.set()
        start_response(status, headers)
        return [body]


def _operation_name(environ: dict[str, Any]) -> str:
    """``Service.Operation`` where the request says it, else method and path (for the log only).

    JSON protocols name it in ``X-Amz-Target``; the query protocols (EC2, IAM,
    ...) in the form body's ``Action``, which is read here and put back.
    """
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target
    method, path = environ.get("REQUEST_METHOD", "?"), environ.get("PATH_INFO", "/")
    action = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if not action and environ.get("CONTENT_TYPE", "").startswith(_FORM):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if 0 < length <= _MAX_FORM_BYTES:
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    return action[0] if action else f"{method} {path}"
