"""The emulator runner: start, answer, reset, stop, and never leave a moto process behind."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from drkit_emulator import runner as runner_module
from drkit_emulator.errors import EmulatorError
from drkit_emulator.runner import Emulator
from tests.helpers import process_gone, wait_gone

# Each test starts and stops moto servers of its own (2-4 s each).
pytestmark = pytest.mark.slow


def test_starts_answers_and_stops_without_leftovers(tmp_path: Path) -> None:
    """A started emulator serves AWS APIs at endpoint_url; after stop its process is gone."""
    emulator = Emulator(log_dir=tmp_path)
    with emulator:
        assert emulator.running
        assert emulator.endpoint_url.startswith("http://127.0.0.1:")
        sqs = emulator.client("sqs")
        sqs.create_queue(QueueName="probe")
        assert len(sqs.list_queues()["QueueUrls"]) == 1
        pid = emulator.pid
    assert pid is not None and wait_gone(pid, timeout=1.0)
    assert not emulator.running
    assert emulator.log_path is not None and emulator.log_path.parent == tmp_path
    assert "moto listening" in emulator.log_path.read_text()
    with pytest.raises(EmulatorError, match="not running"):
        emulator.endpoint_url  # noqa: B018


def test_reset_forgets_every_resource(aws: Emulator, unique_name: str) -> None:
    """After reset() resources created before it are gone, in every region."""
    for region in ("us-east-1", "us-west-2"):
        aws.client("sqs", region).create_queue(QueueName=unique_name)
    aws.reset()
    for region in ("us-east-1", "us-west-2"):
        assert aws.client("sqs", region).list_queues().get("QueueUrls", []) == []


def test_requested_port_in_use_is_a_clear_error(busy_port: int, tmp_path: Path) -> None:
    """Asking for a port someone else listens on fails at once, naming the port."""
    with pytest.raises(EmulatorError, match=f"port {busy_port} on 127.0.0.1 is already in use"):
        Emulator(port=busy_port, log_dir=tmp_path).start()


def test_requested_free_port_is_used(tmp_path: Path) -> None:
    """A free requested port is the one the emulator listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with Emulator(port=port, log_dir=tmp_path) as emulator:
        assert emulator.endpoint_url == f"http://127.0.0.1:{port}"


def test_server_dying_at_start_is_a_clear_error_with_its_log(tmp_path: Path) -> None:
    """If the server exits while starting, the error gives its exit code and last log lines."""
    crash = [sys.executable, "-c", "import sys; print('boom: no emulator today'); sys.exit(7)"]
    with pytest.raises(EmulatorError) as caught:
        Emulator(command=crash, log_dir=tmp_path).start()
    assert "exited with code 7" in str(caught.value)
    assert "boom: no emulator today" in str(caught.value)


def test_incompatible_moto_exit_code_is_explained(tmp_path: Path) -> None:
    """The server's 'moto does not fit' exit code becomes an error that says so."""
    incompatible = [sys.executable, "-c", "import sys; print('moto 9 differs'); sys.exit(4)"]
    with pytest.raises(
        EmulatorError, match=r"does not fit drkit's extensions(.|\n)*moto 9 differs"
    ):
        Emulator(command=incompatible, log_dir=tmp_path).start()


def test_server_that_never_answers_times_out_and_is_stopped(tmp_path: Path) -> None:
    """A server that never answers fails after startup_timeout_seconds and is not left running."""
    silent = [sys.executable, "-c", "import time; print('thinking', flush=True); time.sleep(60)"]
    emulator = Emulator(command=silent, log_dir=tmp_path, startup_timeout_seconds=1.0)
    started = time.monotonic()
    with pytest.raises(EmulatorError, match=r"did not answer within 1 s(.|\n)*thinking"):
        emulator.start()
    assert time.monotonic() - started < 10
    assert not emulator.running


def test_missing_moto_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without moto installed, start() says which extra to install instead of failing obscurely."""
    monkeypatch.setattr(runner_module, "_moto_installed", lambda: False)
    with pytest.raises(EmulatorError, match=r"pip install 'drkit\[local\]'"):
        Emulator(log_dir=tmp_path).start()


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_exception_in_with_block_leaves_no_process(
    error: type[BaseException], tmp_path: Path
) -> None:
    """An exception (even KeyboardInterrupt) inside `with Emulator()` still stops the server."""
    pid = None
    with pytest.raises(error), Emulator(log_dir=tmp_path) as emulator:
        pid = emulator.pid
        raise error()
    assert pid is not None and wait_gone(pid, timeout=1.0)


PARENT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from drkit_emulator.runner import Emulator
    emulator = Emulator(log_dir=Path(sys.argv[1])).start()
    print(emulator.pid, flush=True)
    time.sleep(120)
    """
)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_killed_parent_leaves_no_orphan(signum: int, tmp_path: Path) -> None:
    """When the emulator's owner is killed (no cleanup runs), the server exits by itself."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        server_pid = int(parent.stdout.readline())
        assert not process_gone(server_pid)
        parent.send_signal(signum)
        parent.wait(timeout=10)
        assert wait_gone(server_pid, timeout=10), "moto server outlived its parent"
    finally:
        parent.kill()
        parent.wait()
