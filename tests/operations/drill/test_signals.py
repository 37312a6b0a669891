"""Ctrl-C is held off during the restore, and only there."""

from __future__ import annotations

import signal
import threading

from drkit.operations.drill.signals import sigint_ignored


def test_sigint_is_ignored_inside_and_restored_after():
    """Inside the block SIGINT is ignored; afterwards the previous handler is back."""
    before = signal.getsignal(signal.SIGINT)
    with sigint_ignored():
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) is before


def test_outside_the_main_thread_nothing_changes():
    """Only the main thread may set handlers; elsewhere the block just runs."""
    seen = []

    def body() -> None:
        with sigint_ignored():
            seen.append(signal.getsignal(signal.SIGINT))

    worker = threading.Thread(target=body)
    worker.start()
    worker.join()
    assert seen == [signal.getsignal(signal.SIGINT)]
