"""Regions taken out of the emulator: a request signed for an out region gets no answer at all.

An operator rehearsing a regional outage needs the region's endpoints to fail
as an unreachable AWS endpoint does: the client's connection is closed without
a single byte of response, so its SDK sees a transport error (EOF, connection
reset), retries, and gives up. Not an HTTP error: a 5xx would be the service
answering, which a client of an unreachable endpoint never gets.

Which requests: the region comes from the SigV4 credential scope (the
``Authorization`` header, or a presigned URL's ``X-Amz-Credential``). A request
is dropped when its scope's region is out, or when us-east-1 is out and its
scope's service is one of :data:`GLOBAL_CONTROL_PLANES`: AWS hosts those
services' control planes in us-east-1 whatever the caller's region, and with a
custom endpoint the SDKs sign them with the client's own region. Requests with
no SigV4 scope (unsigned, SigV2 presigned URLs) and the emulator's own paths
(``/_drkit/``, ``/moto-api/``) are never dropped, so the operator can always
bring a region back.

Where: :func:`dropping_requests` makes werkzeug's request handler decide as
soon as the request's headers are parsed, before anything is written: before
``run_wsgi``, and before http.server's own ``100 Continue`` answer to an
``Expect`` header. A dropped request never reaches the WSGI layers (so the
retry-replay layer keeps no answer for it) and is logged as
``dropped (us-east-1 out) POST iam CreateRole``.

What is not modelled: docs/emulator.md ("Taking a region out").
Importing this module does not import moto or werkzeug.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from drkit_emulator.operations import CredentialScope, credential_scope, operation_name

FAULT_ISOLATION_GLOBAL_SERVICES = (
    "https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/"
    "global-services.html"
)
"""AWS Fault Isolation Boundaries, "Global services": where each global control plane lives."""

CONTROL_PLANE_REGION = "us-east-1"
"""The region hosting the control planes in :data:`GLOBAL_CONTROL_PLANES` (aws partition)."""

GLOBAL_CONTROL_PLANES: Mapping[str, str] = MappingProxyType(
    {
        "iam": "AWS IAM is a partitional service: its control plane (users, roles, policies) "
        "is in us-east-1; each Region has its own isolated data plane (authentication "
        "and authorization), which keeps working",
        "route53": "Route 53's control plane (hosted zones, records, health checks: the "
        "route53 API) is in us-east-1; its data plane (DNS answers, health checkers) "
        "runs in PoPs and every Region",
        "organizations": "AWS Organizations is a partitional service with its control "
        "plane in us-east-1",
        "account": "AWS Account Management is a partitional service with its control "
        "plane in us-east-1",
    }
)
"""Signing name -> why: services whose API AWS serves from us-east-1 only, per
:data:`FAULT_ISOLATION_GLOBAL_SERVICES`. The page's us-west-2 ones (Route 53 ARC,
Network Manager) are left out: the emulator serves neither."""

EMULATOR_PATHS = ("/_drkit/", "/moto-api/")
"""The emulator's own endpoints: never dropped."""

_MAX_DRAIN_BYTES = 1 << 20


class RegionOutage:
    """The regions currently out. Thread-safe; the set is swapped whole, so reads take no lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._out: frozenset[str] = frozenset()

    @property
    def regions_out(self) -> frozenset[str]:
        return self._out

    def take_out(self, regions: Iterable[str]) -> frozenset[str]:
        """Take ``regions`` out (those out already stay out); the regions now out."""
        with self._lock:
            self._out = self._out | frozenset(regions)
            return self._out

    def bring_back(self, regions: Iterable[str] | None = None) -> frozenset[str]:
        """Bring ``regions`` back, every region when ``None``; the regions still out."""
        with self._lock:
            self._out = frozenset() if regions is None else self._out - frozenset(regions)
            return self._out

    def control_planes_out(self) -> list[str]:
        """The signing names of the global control planes that are out with their region."""
        return sorted(GLOBAL_CONTROL_PLANES) if CONTROL_PLANE_REGION in self._out else []

    def unreachable(self, scope: CredentialScope | None) -> str | None:
        """The out region that makes a request signed for ``scope`` unreachable, else ``None``."""
        if scope is None:
            return None
        out = self._out
        if scope.region in out:
            return scope.region
        if scope.service in GLOBAL_CONTROL_PLANES and CONTROL_PLANE_REGION in out:
            return CONTROL_PLANE_REGION
        return None


def check_regions(value: object) -> list[str]:
    """``value`` as a list of AWS region names; ``ValueError`` naming the first that is not one."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of region names, got {value!r}")
    known = known_regions()
    for region in value:
        if region not in known:
            raise ValueError(f"{region!r} is not an AWS region (for example 'us-east-1')")
    return value


def known_regions() -> frozenset[str]:
    """Every region of every partition in botocore's endpoint data (moto serves the same ones)."""
    from botocore.session import get_session  # the server process has it (moto needs it)

    partitions = get_session().get_data("endpoints")["partitions"]
    return frozenset(region for p in partitions for region in p["regions"])


def dropping_requests(handler: type, outage: RegionOutage, log: Callable[[str], None]) -> type:
    """werkzeug request handler ``handler`` that answers nothing to requests for an out region.

    Decided at the first point after the headers are parsed where the handler
    would write: ``handle_expect_100`` (http.server answers ``100 Continue``
    while parsing) and ``run_wsgi`` (for every other request).
    """

    class OutageRequestHandler(handler):  # type: ignore[misc]
        def handle_expect_100(self) -> bool:
            if self.drop_if_out():
                return False  # parse_request fails quietly: run_wsgi never runs
            return bool(super().handle_expect_100())

        def run_wsgi(self) -> None:
            if not self.drop_if_out():
                super().run_wsgi()

        def drop_if_out(self) -> bool:
            """Whether the request is for an out region; if so, read it, log it, answer nothing."""
            path = urlsplit(self.path)
            if path.path.startswith(EMULATOR_PATHS):
                return False
            scope = credential_scope(self.headers.get("Authorization"), path.query)
            region = outage.unreachable(scope)
            if region is None or scope is None:
                return False
            # No keep-alive: the socket is shut once the handler returns, nothing written on it.
            self.close_connection = True
            body = _drain(self)
            operation = operation_name(
                self.command,
                path.path,
                path.query,
                self.headers.get("X-Amz-Target"),
                self.headers.get("Content-Type", ""),
                body,
            )
            log(f"dropped ({region} out) {self.command} {scope.service} {operation}")
            return True

    return OutageRequestHandler


def _drain(handler: Any) -> bytes | None:
    """Read a small body the client has sent, so closing the socket is a clean EOF, not a RST.

    Not when the client waits for ``100 Continue`` before sending it (it will
    see the connection close instead), nor a large or chunked one.
    """
    headers = handler.headers
    if "100-continue" in headers.get("Expect", "").lower():
        return None
    try:
        length = int(headers.get("Content-Length") or 0)
    except ValueError:
        return None
    if not 0 < length <= _MAX_DRAIN_BYTES:
        return None
    return bytes(handler.rfile.read(length))
