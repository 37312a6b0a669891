"""``drkit demo`` under faults: a clear one-line message, a non-zero exit, no orphaned emulator."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-faults")]


def _demo(tmp_path: Path, *extra: str, env: dict | None = None, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "drkit", "demo", "--workdir", str(tmp_path / "demo"), *extra],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def _servers_of(pid: int) -> list[int]:
    """moto servers started by process ``pid`` that are still alive."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if (
            b"drkit_emulator.server" in cmdline
            and b"--parent-pid" in cmdline
            and cmdline[cmdline.index(b"--parent-pid") + 1] == str(pid).encode()
        ):
            found.append(int(entry.name))
    return found


def _finish(process: subprocess.Popen, timeout: float = 240) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    time.sleep(1.0)  # the server notices its parent is gone within 0.5 s
    assert _servers_of(process.pid) == [], "orphaned emulator"
    return process.returncode, out, err


def _error(err: str) -> str:
    """The demo's error (maybe several lines: what was searched, what to set); no traceback."""
    assert "Traceback" not in err, err
    start = err.find("drkit demo: error:")
    assert start >= 0, err
    return err[start:]


def test_missing_terraform(tmp_path):
    """Without terraform on the PATH: exit 1 and a message saying so, before the emulator."""
    path = os.pathsep.join(
        d for d in os.environ["PATH"].split(os.pathsep) if not (Path(d) / "terraform").exists()
    )
    code, out, err = _finish(_demo(tmp_path, env={"PATH": path}), timeout=60)
    assert code == 1
    assert "terraform" in _error(err).lower() and "emulator" not in out


def test_missing_provider_mirror(tmp_path):
    """A mirror setting that holds no provider: exit 1, naming the variable to fix, before the
    emulator starts."""
    code, out, err = _finish(
        _demo(tmp_path, env={"DRKIT_TF_PROVIDER_MIRROR": str(tmp_path / "no-mirror")}),
        timeout=60,
    )
    assert code == 1
    assert "DRKIT_TF_PROVIDER_MIRROR" in _error(err) and "emulator" not in out


def test_port_in_use(tmp_path):
    """A requested emulator port that is taken: exit 1 before anything runs."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = _finish(_demo(tmp_path, "--port", str(port)), timeout=60)
    assert code == 1
    assert str(port) in _error(err) and "apply" not in out


def test_bad_spec_is_refused_before_the_emulator_starts(tmp_path):
    """An invalid layout: exit 2, one line naming the field, no emulator ever started."""
    layout = tmp_path / "bad.toml"
    layout.write_text(
        '[[regions]]\nregion="us-east-1"\nrole="primary"\nweight=100\ncidr="10.0.0.0/16"\n'
    )
    code, out, err = _finish(_demo(tmp_path, "--config", str(layout)), timeout=60)
    assert code == 2
    assert "regions" in _error(err) and "emulator" not in out


def test_emulator_dying_mid_apply_fails_the_demo_cleanly(tmp_path):
    """Emulator killed during deploy: the demo ends non-zero with the deploy's error (the
    stacks that failed, each saying the region is unreachable), no orphan."""
    process = _demo(tmp_path)
    server_pid = None
    deadline = time.monotonic() + 300
    for line in process.stdout:
        if "(pid " in line and server_pid is None:
            server_pid = int(line.rsplit("(pid ", 1)[1].rstrip(")\n"))
        if "deploy    ..." in line:
            time.sleep(3)
            os.kill(server_pid, signal.SIGKILL)
            break
        assert time.monotonic() < deadline
    code, _, err = _finish(process, timeout=400)
    assert code == 1
    assert "deploy failed" in _error(err) and "unreachable" in _error(err)
