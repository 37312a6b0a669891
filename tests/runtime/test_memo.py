"""A memo reuses one value per interval, shares a computation in flight, and distrusts a
clock set back."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from drkit_runtime.memo import Memo, Memos


class Calls:
    """A computation that counts its calls and returns their number."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> int:
        self.count += 1
        return self.count


def test_value_is_reused_until_the_interval_ends() -> None:
    """Within the interval the computation runs once; at its end it runs again."""
    memo, compute = Memo[int](5), Calls()
    runs = [memo.run(compute, now=100 + t) for t in (0, 1, 4.999)]
    assert runs == [(1, False), (1, True), (1, True)]
    assert memo.run(compute, now=105) == (2, False)


def test_clock_set_back_computes_again() -> None:
    """A value stamped in the future is not trusted."""
    memo, compute = Memo[int](5), Calls()
    memo.run(compute, now=100)
    assert memo.run(compute, now=99) == (2, False)


def test_broken_computation_raises_and_is_retried() -> None:
    """A computation that raises hands the error to its caller; the next caller retries."""
    memo = Memo[int](5)

    def broken() -> int:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError, match="bug"):
        memo.run(broken, now=0)
    assert memo.run(Calls(), now=1) == (1, False)


def test_computation_in_flight_is_shared() -> None:
    """Callers arriving while the value is computed wait for it instead of computing again."""
    memo, release, calls = Memo[str](5), threading.Event(), []

    def slow() -> str:
        calls.append(1)
        release.wait(5)
        return "ok"

    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(memo.run, slow, now=0)
        while not calls:
            threading.Event().wait(0.01)
        others = [pool.submit(memo.run, slow, now=1) for _ in range(3)]
        release.set()
        assert first.result(timeout=5) == ("ok", False)
        assert [f.result(timeout=5) for f in others] == [("ok", True)] * 3
    assert len(calls) == 1


def test_memos_are_one_per_name() -> None:
    """The same name gives the same memo; another name another one."""
    memos = Memos()
    assert memos.get("a", ttl_seconds=5) is memos.get("a", ttl_seconds=5)
    assert memos.get("a", ttl_seconds=5) is not memos.get("b", ttl_seconds=5)
