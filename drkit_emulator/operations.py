"""What an SDK request asks for: its operation's name and the region and service it is signed for.

Shared by the layers in front of moto that must tell requests apart before moto
parses them: :mod:`drkit_emulator.retry_replay` (which attempts are one
operation) and :mod:`drkit_emulator.outage` (which requests an out region must
not answer). Plain functions of the request's parts; no moto, no werkzeug.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import attrs

FORM = "application/x-www-form-urlencoded"

# SigV4: "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/dynamodb/aws4_request, ...".
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
_CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/(?P<region>[^/,\s]+)/(?P<service>[^/,\s]+)/")
# The same scope in a presigned URL's X-Amz-Credential, once percent-decoded.
_QUERY_CREDENTIAL = re.compile(r"^[^/]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request$")


@attrs.frozen
class CredentialScope:
    """The region and service (signing name) a SigV4 request was signed for."""

    region: str
    service: str


def credential_scope(authorization: str | None, query: str) -> CredentialScope | None:
    """The scope of a SigV4 ``Authorization`` header, else of a presigned URL's query.

    ``None`` for an unsigned request and for schemes without a region in their
    scope (SigV2, SigV4a, an S3 browser POST whose credential is in the form).
    """
    found = _CREDENTIAL.search(authorization or "")
    if found is None and "X-Amz-Credential" in query:
        credential = parse_qs(query).get("X-Amz-Credential", [""])[0]
        found = _QUERY_CREDENTIAL.match(credential)
    if found is None:
        return None
    return CredentialScope(region=found["region"], service=found["service"])


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
