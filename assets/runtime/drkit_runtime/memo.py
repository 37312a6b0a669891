"""Outcomes reused by every request of one container for a few seconds.

GET /health is anonymous, so its cost per request must not depend on how many requests
arrive: each check's outcome (pass or failure) is kept for a fixed interval and every
request of the container in that interval gets the same outcome. A call still in flight
counts as the current outcome, so a burst makes one call, not one per request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    """The latest value of one computation, reused until it is ``ttl_seconds`` old.

    The computation should return its outcome rather than raise: a value is handed to
    every caller as it is, while an exception would be raised again, traceback and all,
    by each of them.

    Args:
        ttl_seconds: How long a value is reused, from the moment its computation started.
    """

    def __init__(self, ttl_seconds: float) -> None:
        self._ttl_seconds = ttl_seconds
        self._lock = threading.Lock()
        self._future: Future[T] | None = None
        self._started = 0.0

    def peek(self, *, now: float) -> tuple[bool, T | None]:
        """``(True, value)`` if a finished value is fresh at ``now``, else ``(False, None)``.

        Lets a caller skip starting a thread for an answer it already has.
        """
        with self._lock:
            future, age = self._future, now - self._started
        if future is None or not future.done() or not 0 <= age < self._ttl_seconds:
            return False, None
        if future.exception() is not None:
            return False, None
        return True, future.result()

    def run(self, compute: Callable[[], T], *, now: float) -> tuple[T, bool]:
        """The current value and whether it was reused (False: this call computed it).

        ``now`` is the caller's clock in seconds. A value from the future (a clock set
        back) is not trusted: it is computed again.
        """
        with self._lock:
            age = now - self._started
            reuse = self._future is not None and 0 <= age < self._ttl_seconds
            if not reuse:
                self._future = Future()
                self._started = now
            future = self._future
        if not reuse:
            try:
                future.set_result(compute())
            # Waiters must never hang on a computation that broke, and the next caller
            # computes again rather than inherit the error.
            except BaseException as exc:
                with self._lock:
                    if self._future is future:
                        self._future = None
                future.set_exception(exc)
                raise
        return future.result(), reuse


class Memos:
    """A container's memos, one per name, created on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._memos: dict[str, Memo[object]] = {}

    def get(self, name: str, *, ttl_seconds: float) -> Memo[object]:
        """The memo called ``name`` (its interval is fixed by the first caller)."""
        with self._lock:
            memo = self._memos.get(name)
            if memo is None:
                memo = self._memos[name] = Memo(ttl_seconds)
            return memo
