"""The process runner: moto's server with drkit's extensions, as a managed subprocess.

A subprocess rather than a thread because Terraform, the AWS CLI and Lambda
runtimes under test all need a real HTTP endpoint, and because a separate
process can be killed as a whole. Cleanup is layered so that no moto process
outlives its owner: :meth:`Emulator.stop` (also on ``with`` exit and at
interpreter exit) terminates the server's process group, and the server itself
exits when its parent process disappears (``--parent-pid``), which covers a
parent killed by SIGTERM or SIGKILL.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import attrs

from drkit_emulator.controls import AdminControls, http_request
from drkit_emulator.enforcement import bootstrap_deployer
from drkit_emulator.errors import INSTALL_HINT, EmulatorError
from drkit_emulator.server import (
    EMULATOR_ENV,
    EXIT_INCOMPATIBLE_MOTO,
    EXIT_MISSING_MOTO,
    EXIT_PORT_IN_USE,
)

DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
"""moto accepts any credentials; these map to its default account 123456789012."""

# The directory holding drkit_emulator (and drkit): the server imports the same code as we do.
_SOURCE_ROOT = str(Path(__file__).resolve().parents[1])

_LOG_TAIL_LINES = 40
_POLL_SECONDS = 0.1

# Emulators started by this process and not stopped yet; atexit stops them.
_live: dict[int, Emulator] = {}
_live_lock = threading.Lock()


@attrs.define(kw_only=True, eq=False)
class Emulator(AdminControls):
    """A moto server on 127.0.0.1, started and stopped by this process.

    Its admin API's switches (:meth:`take_out`, :meth:`bring_back`,
    :meth:`regions_out`, :meth:`replays`) come from
    :class:`~drkit_emulator.controls.AdminControls`.

    Mutable (it owns a process), compared by identity. Use it as a context
    manager, or call :meth:`start` and :meth:`stop`::

        with Emulator(log_dir=Path("logs")) as aws:
            s3 = aws.client("s3")

    Attributes:
        host: Address the server binds to.
        port: Port to bind; ``None`` lets the OS choose a free one. A requested
            port that is in use is an :class:`EmulatorError`, never a silent switch.
        log_dir: Directory for the server's log file; a fresh temporary
            directory when ``None``.
        startup_timeout_seconds: How long to wait for the server to answer.
        stop_grace_seconds: How long :meth:`stop` waits after SIGTERM before SIGKILL.
        env: Extra environment variables for the server (moto settings, say).
            Precedence: these, then this process's environment, then
            :data:`~drkit_emulator.server.EMULATOR_ENV`.
        command: The server command, without its ``--host``/``--port``/...
            arguments; defaults to ``python -m drkit_emulator.server`` with
            this interpreter. Tests use it to run a failing server.
    """

    host: str = "127.0.0.1"
    port: int | None = None
    log_dir: Path | None = attrs.field(default=None, converter=attrs.converters.optional(Path))
    startup_timeout_seconds: float = 30.0
    stop_grace_seconds: float = 5.0
    env: Mapping[str, str] = attrs.field(factory=dict)
    command: Sequence[str] | None = None

    _process: subprocess.Popen[bytes] | None = attrs.field(default=None, init=False, repr=False)
    _log_file: IO[bytes] | None = attrs.field(default=None, init=False, repr=False)
    _log_path: Path | None = attrs.field(default=None, init=False)
    _bound_port: int | None = attrs.field(default=None, init=False)
    #: What :meth:`client` and :meth:`client_env` sign with; the deployer's once IAM is enforced.
    credentials: dict[str, str] = attrs.field(factory=lambda: dict(DUMMY_CREDENTIALS), init=False)

    # -- lifecycle --------------------------------------------------------------

    def start(self) -> Self:
        """Start the server and wait until it answers; returns ``self``.

        Raises:
            EmulatorError: moto is missing, the port is taken, the server died
                while starting (its last log lines are in the message) or did
                not answer in time.
        """
        if self.running:
            return self
        if self.command is None and not _moto_installed():
            raise EmulatorError(f"moto is not installed; {INSTALL_HINT}")
        if self.port is not None:
            _check_port_free(self.host, self.port)

        log_dir = self.log_dir or Path(tempfile.mkdtemp(prefix="drkit-emulator-"))
        log_dir.mkdir(parents=True, exist_ok=True)
        fd, log_name = tempfile.mkstemp(prefix="moto-server-", suffix=".log", dir=log_dir)
        self._log_path = Path(log_name)
        self._log_file = os.fdopen(fd, "wb")
        ready_file = self._log_path.with_suffix(".ready.json")

        command = list(self.command or [sys.executable, "-m", "drkit_emulator.server"])
        command += [
            "--host",
            self.host,
            "--port",
            str(self.port if self.port is not None else 0),
            "--ready-file",
            str(ready_file),
            "--parent-pid",
            str(os.getpid()),
        ]
        env = {**EMULATOR_ENV, **os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        # The server must import the same code as this process, wherever it runs from.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_SOURCE_ROOT, env.get("PYTHONPATH")]))
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env=env,
            # Its own process group, so stop() reaches anything it spawns and
            # a Ctrl-C meant for us does not kill it before we clean up.
            start_new_session=True,
        )
        with _live_lock:
            _live[id(self)] = self
        try:
            self._wait_until_ready(ready_file)
        except BaseException:
            self.stop()
            raise
        finally:
            with contextlib.suppress(OSError):
                ready_file.unlink()
        return self

    def stop(self) -> None:
        """Stop the server: SIGTERM to its process group, SIGKILL after the grace. Idempotent."""
        process, self._process = self._process, None
        with _live_lock:
            _live.pop(id(self), None)
        if process is not None:
            if process.poll() is None:
                _signal_group(process.pid, signal.SIGTERM)
                try:
                    process.wait(self.stop_grace_seconds)
                except subprocess.TimeoutExpired:
                    _signal_group(process.pid, signal.SIGKILL)
                    process.wait()
            else:
                # The leader is gone; make sure nothing it spawned lingers.
                _signal_group(process.pid, signal.SIGKILL)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        self._bound_port = None

    def reset(self) -> None:
        """Forget every resource in every region (``POST /moto-api/reset``).

        IAM enforcement (:meth:`enforce_iam`) ends too: the reset forgets the deployer.
        """
        self.post("/moto-api/reset-auth", b"inf")
        self.credentials = dict(DUMMY_CREDENTIALS)
        # moto resets every service's backend in every region: seconds on a loaded machine
        # (over 10 s once in a make test run with 3 workers and Terraform on 2 cores).
        status, body = self._request("POST", "/moto-api/reset", timeout=RESET_TIMEOUT_SECONDS)
        if status != 200:
            raise EmulatorError(f"resetting the emulator failed: HTTP {status}: {body[:200]!r}")

    def enforce_iam(self) -> dict[str, str]:
        """From now on every request is authorized against IAM (see drkit_emulator.iam).

        First creates the identity deployments use (an IAM user allowed everything) and
        switches :meth:`client` and :meth:`client_env` to its keys; returns them.
        """
        self.credentials = bootstrap_deployer(self.client("iam"))
        status, body = self.post("/moto-api/reset-auth", b"0")
        if status != 200:
            raise EmulatorError(f"enforcing IAM failed: HTTP {status}: {body[:200]!r}")
        return dict(self.credentials)

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """POST ``body`` to one of the emulator's own endpoints (``/moto-api/``, ``/_drkit/``)."""
        return self._request("POST", path, data=body)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what callers use -----------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The server's process id (also its process group id), while started."""
        return self._process.pid if self._process is not None else None

    @property
    def endpoint_url(self) -> str:
        """``http://host:port`` of the running server, for every service.

        Raises:
            EmulatorError: The emulator is not started.
        """
        if self._bound_port is None:
            raise EmulatorError(
                "the emulator is not running; call start() or use it in a `with` block"
            )
        return f"http://{self.host}:{self._bound_port}"

    @property
    def log_path(self) -> Path | None:
        """The server's log file (kept after stop), once started."""
        return self._log_path

    def log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        """The last ``lines`` lines of the server log."""
        if self._log_path is None or not self._log_path.exists():
            return ""
        text = self._log_path.read_text(errors="replace")
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def client_env(self, region: str = "us-east-1") -> dict[str, str]:
        """Environment variables that point AWS SDKs and the AWS CLI at the emulator."""
        return {
            **self.credentials,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "NO_PROXY": ",".join(
                filter(None, [os.environ.get("NO_PROXY", ""), self.host, "localhost"])
            ),
        }

    def client(self, service_name: str, region_name: str = "us-east-1", **kwargs: Any) -> Any:
        """A boto3 client for ``service_name`` in ``region_name``, talking to the emulator
        (``kwargs`` go to ``boto3.client``: a ``config``, say)."""
        try:
            import boto3
        except ImportError:
            raise EmulatorError(f"boto3 is not installed; {INSTALL_HINT}") from None
        return boto3.client(
            service_name,
            region_name=region_name,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.credentials["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.credentials["AWS_SECRET_ACCESS_KEY"],
            **kwargs,
        )

    # -- internals ---------------------------------------------------------------

    def _wait_until_ready(self, ready_file: Path) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout_seconds
        while True:
            code = self._process.poll()
            if code is not None:
                raise self._died(code)
            if self._bound_port is None and ready_file.exists():
                self._bound_port = int(json.loads(ready_file.read_text())["port"])
            if self._bound_port is not None:
                with contextlib.suppress(OSError):
                    status, _ = self._request("GET", "/moto-api/", timeout=2.0)
                    if status == 200:
                        return
            if time.monotonic() > deadline:
                raise EmulatorError(
                    f"the emulator did not answer within {self.startup_timeout_seconds:g} s; "
                    f"last lines of {self._log_path}:\n{self.log_tail()}"
                )
            time.sleep(_POLL_SECONDS)

    def _died(self, code: int) -> EmulatorError:
        tail = self.log_tail()
        if code == EXIT_PORT_IN_USE:
            return _port_in_use(self.host, self.port)
        if code == EXIT_MISSING_MOTO:
            return EmulatorError(
                f"moto is not installed for {self.command or sys.executable}; "
                f"{INSTALL_HINT}\n{tail}"
            )
        if code == EXIT_INCOMPATIBLE_MOTO:
            return EmulatorError(f"the installed moto does not fit drkit's extensions:\n{tail}")
        return EmulatorError(
            f"the emulator exited with code {code} while starting; "
            f"last lines of {self._log_path}:\n{tail}"
        )

    def _request(
        self, method: str, path: str, timeout: float = 10.0, data: bytes = b""
    ) -> tuple[int, bytes]:
        return http_request(self.endpoint_url, method, path, timeout=timeout, data=data)


#: How long :meth:`Emulator.reset` waits for moto's reset of every backend.
RESET_TIMEOUT_SECONDS = 60.0


def _moto_installed() -> bool:
    return (
        importlib.util.find_spec("moto") is not None
        and importlib.util.find_spec("werkzeug") is not None
    )


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Same option the server uses, so a port in TIME_WAIT is not "in use".
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise _port_in_use(host, port) from None
            raise EmulatorError(f"cannot bind {host}:{port}: {error}") from None


def _port_in_use(host: str, port: int | None) -> EmulatorError:
    return EmulatorError(
        f"port {port} on {host} is already in use; "
        "pick another port or let the emulator choose one (port=None)"
    )


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


@atexit.register
def _stop_all() -> None:
    """Stop every emulator still running when the interpreter exits."""
    with _live_lock:
        emulators = list(_live.values())
    for emulator in emulators:
        with contextlib.suppress(Exception):
            emulator.stop()
