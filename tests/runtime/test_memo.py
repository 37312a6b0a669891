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


def test_a_fresh_value_can_be_peeked_without_computing() -> None:
    """From the moment it is computed until the interval ends, peek hands the value over."""
    memo = Memo[int](5)
    assert memo.peek(now=10) == (False, None)
    memo.run(Calls(), now=10)
    assert [memo.peek(now=10 + t) for t in (0, 0.5, 4.999)] == [(True, 1)] * 3
    assert memo.peek(now=15) == (False, None)
    assert memo.peek(now=9.999) == (False, None)


def test_a_value_is_reused_from_its_first_instant() -> None:
    """A second caller at the very same moment (or half a second on) reuses the value."""
    memo, compute = Memo[int](5), Calls()
    assert [memo.run(compute, now=t) for t in (7, 7, 7.5)] == [(1, False), (1, True), (1, True)]


def test_a_value_still_being_computed_is_not_peeked() -> None:
    """While the computation runs, peek says there is nothing to hand over yet."""
    memo, release, started = Memo[int](5), threading.Event(), threading.Event()

    def slow() -> int:
        started.set()
        release.wait(5)
        return 1

    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(memo.run, slow, now=0)
        started.wait(5)
        assert memo.peek(now=0) == (False, None)
        release.set()
        running.result(timeout=5)
    assert memo.peek(now=0) == (True, 1)


def test_callers_sharing_a_broken_computation_get_its_error() -> None:
    """A caller waiting on a computation that raises gets that same error, not another one."""
    memo, release, started = Memo[int](5), threading.Event(), threading.Event()

    def broken() -> int:
        started.set()
        release.wait(5)
        raise LookupError("table gone")

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(memo.run, broken, now=0)
        started.wait(5)
        second = pool.submit(memo.run, broken, now=1)
        release.set()
        for caller in (first, second):
            with pytest.raises(LookupError, match="table gone"):
                caller.result(timeout=5)
