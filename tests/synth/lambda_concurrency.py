"""Lambda's reserved concurrency as AWS documents it, to put a bounded local load on handlers.

https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html: "Reserved
concurrency acts as both a lower and upper bound - it reserves the specified capacity
exclusively for your function while also preventing it from scaling beyond that limit." The
same page: reservations may take the account's unreserved concurrency down to 100, no lower.

Modelled: each function has as many executions as it reserves; an invocation holds one while
its handler runs, and one that arrives while all are held is throttled (Lambda's 429
``TooManyRequestsException``, which API Gateway turns into an error for the caller). No
invocation of one function ever takes another's execution (the lower bound), and none runs
beyond its own reservation (the upper bound). Not modelled: the unreserved pool (every drkit
function reserves), cold starts, scaling rate; an execution here is a thread of this process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TypeVar

T = TypeVar("T")

#: Lambda's default concurrency quota per account and region, and what must stay unreserved.
ACCOUNT_CONCURRENCY = 1000
UNRESERVED_MINIMUM = 100


class Throttled(Exception):
    """The function had no free execution: Lambda answered 429 TooManyRequestsException."""


class ReservedConcurrency:
    """The executions of functions that each reserve concurrency, in one account and region.

    Args:
        reservations: Function name -> its reserved concurrency.
        account_concurrency: The account's quota in the region.

    Raises:
        ValueError: The reservations leave less than 100 unreserved (AWS refuses them).
    """

    def __init__(
        self, reservations: Mapping[str, int], *, account_concurrency: int = ACCOUNT_CONCURRENCY
    ) -> None:
        if sum(reservations.values()) > account_concurrency - UNRESERVED_MINIMUM:
            raise ValueError(
                f"{dict(reservations)} leave less than {UNRESERVED_MINIMUM} unreserved"
            )
        self._reserved = dict(reservations)
        self._running = dict.fromkeys(reservations, 0)
        self._lock = threading.Lock()

    def running(self, function: str) -> int:
        """Executions of ``function`` held right now."""
        with self._lock:
            return self._running[function]

    def invoke(self, function: str, handler: Callable[[], T]) -> T:
        """Run ``handler`` in one of ``function``'s executions, or raise Throttled."""
        with self._lock:
            if self._running[function] >= self._reserved[function]:
                raise Throttled(function)
            self._running[function] += 1
        try:
            return handler()
        finally:
            with self._lock:
                self._running[function] -= 1
