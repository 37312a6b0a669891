"""The runner's readings of a running emulator, through its admin API.

:class:`AdminControls` is a base of :class:`drkit_emulator.runner.Emulator`: reading
the retry-replay layer's count (:mod:`drkit_emulator.retry_replay`). The routes and
their answers are described in :mod:`drkit_emulator.admin`.
"""

from __future__ import annotations

import json
from typing import Any

from drkit_emulator.errors import EmulatorError


class AdminControls:
    """Calls of ``/_drkit/replays``; the host class sends the requests."""

    def _request(
        self, method: str, path: str, timeout: float = 10.0, data: bytes = b""
    ) -> tuple[int, bytes]:
        raise NotImplementedError  # the runner's own HTTP request

    def replays(self) -> dict[str, Any]:
        """Retried attempts the emulator answered with the first attempt's answer.

        ``{"replayed": n, "operations": [{"operation": "CreateRole", "invocation_id":
        ..., "attempts": 2, "status": "200 OK"}, ...]}``, since the emulator started
        or was last reset; ``attempts`` counts each operation's first attempt too.
        """
        return self._admin("GET", "/_drkit/replays")

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
