"""The runner's switches and readings of a running emulator, through its admin API.

:class:`AdminControls` is a base of :class:`drkit_emulator.runner.Emulator`: taking
regions out and bringing them back (:mod:`drkit_emulator.outage`), and reading the
retry-replay layer's count (:mod:`drkit_emulator.retry_replay`). The routes and
their answers are described in :mod:`drkit_emulator.admin`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import attrs

from drkit_emulator.errors import EmulatorError


class AdminControls:
    """Calls of ``/_drkit/outage`` and ``/_drkit/replays``; the host class sends the requests."""

    def _request(
        self, method: str, path: str, timeout: float = 10.0, data: bytes = b""
    ) -> tuple[int, bytes]:
        raise NotImplementedError  # the runner's own HTTP request

    def take_out(self, *regions: str) -> frozenset[str]:
        """Take ``regions`` out: from now on no request signed for them gets an answer.

        With us-east-1, the global control planes hosted there (IAM, Route 53, ...:
        :data:`drkit_emulator.outage.GLOBAL_CONTROL_PLANES`) go too, whatever region
        their requests are signed for. Returns the regions now out.

        Raises:
            EmulatorError: No region named, or a name that is not an AWS region.
        """
        if not regions:
            raise EmulatorError("take_out() needs at least one region")
        return self._change_outage({"take_out": list(regions)})

    def bring_back(self, *regions: str) -> frozenset[str]:
        """Bring ``regions`` back, every region when none is named; the regions still out.

        DynamoDB writes replicated while a region was out reach it (or leave it) now.
        """
        return self._change_outage({"bring_back": list(regions) if regions else "all"})

    def regions_out(self) -> frozenset[str]:
        """The regions taken out and not brought back yet."""
        return frozenset(self._admin("GET", "/_drkit/outage")["regions_out"])

    def replays(self) -> dict[str, Any]:
        """Retried attempts the emulator answered with the first attempt's answer.

        ``{"replayed": n, "operations": [{"operation": "CreateRole", "invocation_id":
        ..., "attempts": 2, "status": "200 OK"}, ...]}``, since the emulator started
        or was last reset; ``attempts`` counts each operation's first attempt too.
        """
        replays: dict[str, Any] = self._admin("GET", "/_drkit/replays")
        return replays

    def _change_outage(self, body: dict[str, Any]) -> frozenset[str]:
        return frozenset(self._admin("POST", "/_drkit/outage", body)["regions_out"])

    def _admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else b""
        status, answer = self._request(method, path, data=data)
        if status != 200:
            raise EmulatorError(f"{method} {path} failed: HTTP {status}: {_error(answer)}")
        return json.loads(answer)


def _error(answer: bytes) -> str:
    try:
        return str(json.loads(answer)["error"])
    except (ValueError, KeyError, TypeError):
        return repr(answer[:300])


def http_request(
    base_url: str, method: str, path: str, *, timeout: float = 10.0, data: bytes = b""
) -> tuple[int, bytes]:
    """One request to the emulator at ``base_url``: ``(status, body)``."""
    # Not form-encoded (urllib's default): the server would parse the body away.
    request = urllib.request.Request(
        base_url + path,
        method=method,
        data=data if method == "POST" else None,
        headers={"Content-Type": "application/octet-stream"},
    )
    # Never send local traffic through a proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@attrs.frozen
class RunningEmulator(AdminControls):
    """The switches of an emulator another process started (a kept ``drkit demo``).

    Attributes:
        endpoint_url: Its URL, e.g. ``http://127.0.0.1:42925``.
    """

    endpoint_url: str

    def _request(
        self, method: str, path: str, timeout: float = 10.0, data: bytes = b""
    ) -> tuple[int, bytes]:
        try:
            return http_request(self.endpoint_url, method, path, timeout=timeout, data=data)
        except OSError as error:
            raise EmulatorError(f"no emulator answers at {self.endpoint_url}: {error}") from None
