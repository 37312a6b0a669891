"""Runs moto's server, with drkit's extensions applied, in the foreground.

Usage: ``python -m drkit_emulator.server [--host 127.0.0.1] [--port 5000]``.
``--port 0`` lets the OS pick a free port; the chosen one is printed and, with
``--ready-file``, written there as JSON once the socket is listening. With
``--parent-pid`` the server exits by itself when that process is gone, so a
killed test run or deploy never leaves an orphaned emulator behind.
:class:`drkit_emulator.runner.Emulator` runs this module as a subprocess.
Requests go through :class:`drkit_emulator.retry_replay.RetryReplay`, so an SDK
retry never executes an operation twice; dropped connections are logged.
Requests signed for a region taken out (:mod:`drkit_emulator.outage`) get no answer.
Importing this module does not import moto.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from drkit_emulator import core
from drkit_emulator.admin import AdminApi
from drkit_emulator.errors import INSTALL_HINT, MotoExtensionError
from drkit_emulator.outage import RegionOutage, dropping_requests
from drkit_emulator.retry_replay import RetryReplay

EMULATOR_ENV: Mapping[str, str] = {
    # ACM certificates are ISSUED at once instead of after moto's default 60 s.
    "MOTO_ACM_VALIDATION_WAIT": "0",
    # Roles can attach AWS managed policies (AWSLambdaVPCAccessExecutionRole,
    # AWSBackupServiceRolePolicyForBackup, ...); moto 5 rejects them otherwise.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}
"""moto settings the emulator needs; moto reads them when it is imported. Explicit values win."""

EXIT_MISSING_MOTO = 3
EXIT_INCOMPATIBLE_MOTO = 4
EXIT_PORT_IN_USE = 5

_PARENT_POLL_SECONDS = 0.5


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m drkit_emulator.server",
        description="Run moto's AWS emulator with drkit's extensions.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=5000, help="port to bind; 0 picks a free one (default 5000)"
    )
    parser.add_argument(
        "--ready-file", type=Path, help="write {host, port, pid} here as JSON once listening"
    )
    parser.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    return parser.parse_args(argv)


def _watch_parent(parent_pid: int) -> None:
    """Send ourselves SIGTERM once ``parent_pid`` is gone (the OS re-parents us then)."""

    def watch() -> None:
        while True:
            time.sleep(_PARENT_POLL_SECONDS)
            if os.getppid() != parent_pid or not _alive(parent_pid):
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(family, kind, proto)
    try:
        # As werkzeug does: a port left in TIME_WAIT by a previous run is reusable.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
    except BaseException:
        listener.close()
        raise
    return listener


def _write_ready_file(path: Path, host: str, port: int) -> None:
    # Write then rename, so a reader never sees half a file.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"host": host, "port": port, "pid": os.getpid()}))
    tmp.replace(path)


def _logging_drops(handler: type) -> type:
    """``handler`` that says in the log when a client's connection drops (werkzeug is silent)."""

    class DropLoggingRequestHandler(handler):  # type: ignore[misc]
        def connection_dropped(
            self, error: BaseException, environ: dict[str, Any] | None = None
        ) -> None:
            request = "a request"
            if environ:
                request = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
            print(
                f"drkit emulator: connection dropped during {request}: {error!r}",
                file=sys.stderr,
                flush=True,
            )

    return DropLoggingRequestHandler


def _stop(signum: int, frame: FrameType | None) -> None:
    # Raised in the main thread, inside serve_forever(): unwinds it cleanly.
    raise SystemExit(0)


def _say(line: str) -> None:
    print(f"drkit emulator: {line}", file=sys.stderr, flush=True)


def _install() -> int | None:
    """Import moto and apply drkit's extensions; the exit code when that fails, else ``None``.

    moto reads :data:`EMULATOR_ENV` when it is imported, so it is imported
    here, once the settings are in the environment, not when this module is.
    """
    try:
        import moto  # noqa: F401
        import werkzeug.serving  # noqa: F401
    except ImportError as error:
        _say(f"{error}; {INSTALL_HINT}")
        return EXIT_MISSING_MOTO
    try:
        core.install()
    except MotoExtensionError as error:
        _say(str(error))
        return EXIT_INCOMPATIBLE_MOTO
    return None


def _list_moto_modules_once() -> None:
    """moto's dispatcher lists moto's package folder (an ``isdir`` per service, 1.5 ms here)
    on every request to find its backend, under a lock every request thread takes; the
    folders cannot change while the server runs."""
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


def _make_server(host: str, port: int, listener: socket.socket) -> Any:
    """werkzeug's threaded server on ``listener``, serving moto through :class:`RetryReplay`.

    The request handler drops the requests of regions out (it decides before any
    WSGI layer runs); the admin layer switches which regions those are.
    """
    _list_moto_modules_once()
    # Imported once _install() has run (see there).
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    replay = RetryReplay(DomainDispatcherApplication(create_backend_app))
    outage = RegionOutage()
    app = AdminApi(replay, replay=replay, outage=outage)
    # werkzeug prints and sys.exit(1)s on bind errors; handing it our own
    # listening socket keeps the error handling (and exit codes) ours.
    server = make_server(
        host,
        port,
        app,
        threaded=True,
        request_handler=dropping_requests(_logging_drops(MotoRequestHandler), outage, _say),
        fd=listener.fileno(),
    )
    listener.close()  # werkzeug holds a duplicate of the descriptor
    return server


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server until SIGTERM/SIGINT (or the parent's death); return the exit code."""
    args = _parse_args(argv)
    for name, value in EMULATOR_ENV.items():
        os.environ.setdefault(name, value)
    failed = _install()
    if failed is not None:
        return failed
    try:
        listener = _listen(args.host, args.port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            _say(f"port {args.port} on {args.host} is already in use")
            return EXIT_PORT_IN_USE
        _say(f"cannot listen on {args.host}:{args.port}: {error}")
        return 1
    server = _make_server(args.host, args.port, listener)
    port = int(server.server_address[1])
    # moto builds Lambda environments and callback URLs from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if args.parent_pid:
        _watch_parent(args.parent_pid)
    if args.ready_file:
        _write_ready_file(args.ready_file, args.host, port)
    _say(f"moto listening on http://{args.host}:{port}")
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
    _say("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
