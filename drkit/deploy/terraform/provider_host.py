"""Runs a shared AWS provider (``-debug``: it serves until stopped) for as long as drkit does.

``python -m drkit.deploy.terraform.provider_host <drkit's pid> <provider binary>``. The
provider cannot watch its parent, so this does: when drkit's process is gone (killed with
SIGKILL, say) or this one is told to stop, the provider is stopped too, and no provider
is left serving nobody. Standard library only: it starts in a few milliseconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

POLL_SECONDS = 0.5


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(process: subprocess.Popen[bytes], grace_seconds: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after ``grace_seconds``; waits for the process either way."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main(argv: list[str]) -> int:
    parent, binary = int(argv[0]), argv[1]
    provider = subprocess.Popen([binary, "-debug"], stdin=subprocess.DEVNULL)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    while not stopping and os.getppid() == parent and _alive(parent):
        try:  # returns at once when the provider dies: drkit then starts another
            provider.wait(timeout=POLL_SECONDS)
            break
        except subprocess.TimeoutExpired:
            continue
    stop(provider)
    return 0 if stopping or provider.returncode in (0, -signal.SIGTERM) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
