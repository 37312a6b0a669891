"""What an SDK request asks for: its operation's name.

For the layers in front of moto that must tell requests apart before moto
parses them: :mod:`drkit_emulator.retry_replay` (which attempts are one
operation). Plain functions of the request's parts; no moto, no werkzeug.
"""

from __future__ import annotations

from urllib.parse import parse_qs

FORM = "application/x-www-form-urlencoded"


def operation_name(
    method: str, path: str, query: str, target: str | None, content_type: str, body: bytes | None
) -> str:
    """``Service.Operation`` where the request says it, else its method and path.

    JSON protocols name the operation in ``X-Amz-Target``; the query protocols
    (EC2, IAM, STS, ...) in ``Action``, in the query string or the form body
    (``None`` when the body was not read); REST protocols by method and path.
    """
    if target:
        return target
    action = parse_qs(query).get("Action")
    if not action and body and content_type.startswith(FORM):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    return action[0] if action else f"{method} {path}"
