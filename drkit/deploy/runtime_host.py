"""A Python process that has imported the AWS SDK once and forks a fresh child per invocation.

Lambda's Python runtime ships boto3; a function's first request pays for importing it
(0.4 s of CPU here), and so did every invocation while each one started an interpreter
of its own: about 30 CPU-seconds of ``make test``. The host imports boto3 and nothing else
(no drkit, no handler code), then for each invocation forks a child that takes the
function's environment, working folder and event before it runs a line of the handler's
code, so each invocation still starts from a process no other invocation ran in.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Mapping
from pathlib import Path

import attrs

from drkit.errors import DrkitError

# Runs in the host. Between invocations it holds boto3 and the standard library only.
_HOST = r"""
import json, os, sys, traceback
import boto3  # noqa: F401  what the Lambda runtime provides, imported before any handler

def child(job):
    os.chdir(job["cwd"])
    os.environ.clear()
    os.environ.update(job["env"])
    sys.dont_write_bytecode = True
    for fd, path, mode in ((0, job["stdin"], os.O_RDONLY), (1, job["stdout"], os.O_WRONLY),
                           (2, job["stderr"], os.O_WRONLY)):
        os.dup2(os.open(path, mode), fd)
    sys.stdin, sys.stdout, sys.stderr = (
        open(fd, mode, encoding="utf-8", closefd=False) for fd, mode in enumerate("rww")
    )
    try:
        exec(compile(job["source"], "<bootstrap>", "exec"), {"__name__": "__main__"})
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
        if not isinstance(stop.code, int) and stop.code is not None:
            print(stop.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        child(job)
    print(json.dumps({"pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"exit": os.waitstatus_to_exitcode(status)}), flush=True)
"""


class HostEnded(DrkitError):
    """The host process is gone (it could not import boto3, or was killed); its error went
    to stderr."""


@attrs.frozen
class Finished:
    """What one child left: its exit code (``None``: stopped at the timeout) and output."""

    returncode: int | None
    stdout: str
    stderr: str


class RuntimeHost:
    """One host process; :meth:`run` runs ``source`` in a fresh child of it, one at a time.

    Args:
        cwd: The host's working folder (its ``sys.path[0]``), and the children's default.
        env: The host's own environment: what the interpreter reads at start-up
            (``PYTHONPATH``, ``PYTHONDONTWRITEBYTECODE``), the same for every child.
    """

    def __init__(self, cwd: Path, env: Mapping[str, str]) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _HOST],
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._cwd = Path(cwd)
        self._buffer = b""
        self._lock = threading.Lock()  # one invocation at a time: answers come in order
        # The host ends at the end of its input: when this object goes, or this process does.
        weakref.finalize(self, _close, self._process)

    def run(self, source: str, *, env: Mapping[str, str], stdin: str, timeout: float) -> Finished:
        """Fork a child that runs ``source`` with exactly ``env``; wait up to ``timeout`` s."""
        with self._lock, tempfile.TemporaryDirectory(prefix="drkit-invoke-") as tmp:
            files = {name: Path(tmp) / name for name in ("stdin", "stdout", "stderr")}
            files["stdin"].write_text(stdin)
            for name in ("stdout", "stderr"):
                files[name].touch()
            job = {"source": source, "cwd": str(self._cwd), "env": dict(env)}
            job.update({name: str(path) for name, path in files.items()})
            self._send(job)
            pid = self._answer(timeout)["pid"]
            try:
                code: int | None = self._answer(timeout)["exit"]
            except TimeoutError:
                os.kill(pid, signal.SIGKILL)
                self._answer(timeout)
                code = None
            return Finished(code, files["stdout"].read_text(), files["stderr"].read_text())

    def _send(self, job: Mapping[str, object]) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps(job) + "\n")
            self._process.stdin.flush()
        except BrokenPipeError:
            raise HostEnded(f"the runtime host ended (exit {self._process.wait()})") from None

    def _answer(self, timeout: float) -> dict[str, int]:
        """The host's next line. TimeoutError after ``timeout`` s; HostEnded if it is gone."""
        assert self._process.stdout is not None
        fd = self._process.stdout.fileno()
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                raise TimeoutError
            chunk = os.read(fd, 65536)
            if not chunk:
                raise HostEnded(f"the runtime host ended (exit {self._process.wait()})")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        answer: dict[str, int] = json.loads(line)
        return answer


def _close(process: subprocess.Popen[str]) -> None:
    if process.stdin is not None:
        with contextlib.suppress(OSError):  # a host that ended already: nothing to close
            process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
