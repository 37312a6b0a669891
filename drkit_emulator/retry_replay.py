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
botocore and the AWS CLI all send it), and a retry resends the same request.
A state-changing request (any method but GET, HEAD and OPTIONS) is therefore
keyed by its invocation id, method, path, query string, operation name
(``X-Amz-Target`` or the query protocols' ``Action``) and the SHA-256 of its
body. The first attempt of a key to arrive is executed and its answer kept
(unless it is a 5xx, which a retry should re-run); a later attempt with the
same key waits for that first one if it is still running and gets its answer,
logged as ``replayed ...`` in the emulator's log and counted
(:meth:`RetryReplay.replays`, the admin API's ``GET /_drkit/replays``). A
request that reuses an invocation id with a different operation or body is not
a retry: it is executed, and logged as such. Requests without the header and
reads run as they would without this. ``POST /moto-api/reset`` forgets the
kept answers and the count (:meth:`RetryReplay.forget`, called by the admin
layer): the answers name resources the reset deleted.

Not recognised as a retry: an upload signed chunk by chunk
(``STREAMING-AWS4-HMAC-SHA256-PAYLOAD``, which botocore and aws-sdk-go-v2 do
not send), whose chunk signatures change with each attempt's date; it runs again.

Real AWS has no such deduplication (its APIs make retries safe with client
tokens where they can); the emulator adds it because here the lost answers
are the emulator's own, not the service's.
"""

from __future__ import annotations

import collections
import hashlib
import io
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from drkit_emulator.operations import operation_name

INVOCATION_ID = "HTTP_AMZ_SDK_INVOCATION_ID"
ATTEMPT = "HTTP_AMZ_SDK_REQUEST"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_CAPACITY = 20_000
"""Operations remembered; a deploy of 3 regions makes about 1,500 state-changing calls."""
DEFAULT_WAIT_SECONDS = 300.0
REPLAYS_LISTED = 1_000
"""Replayed operations listed by :meth:`RetryReplay.replays` (the count has no limit)."""

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
# (invocation id, method, path, query, operation name, body digest)
_Key = tuple[str, str, str, str, str, str]


@attrs.define(eq=False)
class _Operation:
    """One SDK operation: the first attempt's answer, once it has one, and its attempts."""

    name: str
    invocation: str
    done: threading.Event = attrs.field(factory=threading.Event)
    answer: tuple[str, list[tuple[str, str]], bytes] | None = None
    attempts: int = 1


@attrs.define(eq=False)
class RetryReplay:
    """WSGI middleware around the emulator's app; see the module docstring.

    Attributes:
        app: The WSGI application (moto's dispatcher).
        capacity: How many operations to remember (oldest forgotten first).
        wait_seconds: How long a retry waits for a first attempt still running.
        log: Where replays are reported (the emulator's log).
        replayed: Attempts answered with a kept answer since start or the last reset.
    """

    app: WSGIApp
    capacity: int = DEFAULT_CAPACITY
    wait_seconds: float = DEFAULT_WAIT_SECONDS
    log: Callable[[str], None] = attrs.field(
        default=lambda line: print(f"drkit emulator: {line}", file=sys.stderr, flush=True)
    )
    replayed: int = attrs.field(default=0, init=False)
    _operations: collections.OrderedDict[_Key, _Operation] = attrs.field(
        factory=collections.OrderedDict, init=False
    )
    # invocation id -> the key last executed under it (to tell a reused id from a retry)
    _latest: dict[str, _Key] = attrs.field(factory=dict, init=False)
    _replayed_operations: collections.OrderedDict[_Key, _Operation] = attrs.field(
        factory=collections.OrderedDict, init=False
    )
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        invocation = environ.get(INVOCATION_ID)
        if not invocation or environ.get("REQUEST_METHOD", "GET") in READ_METHODS:
            return self.app(environ, start_response)
        key = _key(invocation, environ)  # reads the body: not under the lock
        operation, first, reused = self._register(key)
        if first:
            return self._execute(key, operation, reused, environ, start_response)
        return self._replay(key, operation, environ, start_response)

    def replays(self) -> dict[str, Any]:
        """``{"replayed": n, "operations": [{"operation", "invocation_id", "attempts",
        "status"}]}``: attempts answered by replay, and each operation replayed
        (``attempts`` counts its first attempt too), oldest first."""
        with self._lock:
            return {
                "replayed": self.replayed,
                "operations": [
                    {
                        "operation": op.name,
                        "invocation_id": op.invocation,
                        "attempts": op.attempts,
                        "status": op.answer[0] if op.answer else None,
                    }
                    for op in self._replayed_operations.values()
                ],
            }

    def forget(self) -> None:
        """Forget every kept answer and the replay count (the emulator was reset)."""
        with self._lock:
            self._operations.clear()
            self._latest.clear()
            self._replayed_operations.clear()
            self.replayed = 0

    def _register(self, key: _Key) -> tuple[_Operation, bool, _Key | None]:
        """The operation under ``key``, whether it is new, and the other key its id had."""
        with self._lock:
            operation = self._operations.get(key)
            if operation is not None:
                return operation, False, None
            # A 5xx's key is forgotten but stays latest: its retry is no reuse.
            reused = self._latest.get(key[0])
            reused = None if reused == key else reused
            operation = self._operations[key] = _Operation(name=key[4], invocation=key[0])
            self._latest[key[0]] = key
            while len(self._operations) > self.capacity:
                old, _ = self._operations.popitem(last=False)
                if self._latest.get(old[0]) == old:
                    del self._latest[old[0]]
            return operation, True, reused

    def _replay(
        self,
        key: _Key,
        operation: _Operation,
        environ: dict[str, Any],
        start_response: StartResponse,
    ) -> Iterable[bytes]:
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
            operation.attempts += 1
            self._replayed_operations[key] = operation
            while len(self._replayed_operations) > REPLAYS_LISTED:
                self._replayed_operations.popitem(last=False)
        attempt = environ.get(ATTEMPT, "a retry")
        self.log(
            f"replayed the answer to {operation.name} ({status}) for {attempt} of {key[0]}"
            + (" (it arrived while the first attempt was still running)" if running else "")
        )
        start_response(status, list(headers))
        return [body]

    def _execute(
        self,
        key: _Key,
        operation: _Operation,
        reused: _Key | None,
        environ: dict[str, Any],
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        if reused is not None:
            self.log(
                f"executed {key[4]} ({key[1]} {key[2]}) for {key[0]}: that invocation id was "
                f"used before by a different request ({reused[4]}), so this is no retry"
            )
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


def _key(invocation: str, environ: dict[str, Any]) -> _Key:
    """What makes two attempts one request: see the module docstring."""
    method, path = environ.get("REQUEST_METHOD", "?"), environ.get("PATH_INFO", "/")
    query = environ.get("QUERY_STRING", "")
    body = _read_body(environ)
    name = operation_name(
        method, path, query, environ.get("HTTP_X_AMZ_TARGET"), environ.get("CONTENT_TYPE", ""), body
    )
    return (invocation, method, path, query, name, hashlib.sha256(body).hexdigest())


def _read_body(environ: dict[str, Any]) -> bytes:
    """The request's body, put back for the application to read again."""
    stream = environ["wsgi.input"]
    if environ.get("wsgi.input_terminated"):
        # Chunked: werkzeug's stream ends where the body does.
        body = stream.read()
    else:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = stream.read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return bytes(body)
