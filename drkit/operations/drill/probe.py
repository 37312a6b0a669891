"""The traffic probe: one request to the shared API name, answered by some region."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable

#: One request to the shared API name -> the region that answered (None: no answer).
Probe = Callable[[], "str | None"]


def https_probe(host: str, *, timeout_seconds: float = 3.0) -> Probe:
    """GET https://<host>/health once; the runtime's body names the region that answered.

    Each request opens a new connection and resolves the name again through the
    system resolver, so the measurement includes this machine's DNS caching (up
    to the TTL), as a client's would.
    """

    def probe() -> str | None:
        request = urllib.request.Request(
            f"https://{host}/health", headers={"Connection": "close", "User-Agent": "drkit-drill"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_seconds) as response:
                body = response.read()
        except urllib.error.HTTPError as err:  # the drained region answers 503 with its name
            body = err.read()
        except (OSError, ValueError):
            return None
        return answered_by(body)

    return probe


def answered_by(body: bytes) -> str | None:
    """The ``region`` field of a health answer; None when the body is not one."""
    try:
        region = json.loads(body).get("region")
    except (ValueError, AttributeError):
        return None
    return region if isinstance(region, str) else None
