"""Puts drkit's Route 53 extensions into moto: one backend class and one handler class.

Same mechanism as :mod:`drkit.deploy.moto_ext.dynamodb`, through
:mod:`drkit.deploy.moto_ext._routing`. Route 53 is global: one backend per
partition rather than per region.
"""

from __future__ import annotations

from typing import Any

from moto.route53 import urls as moto_urls
from moto.route53.models import Route53Backend, route53_backends
from moto.route53.responses import Route53

from drkit.deploy.moto_ext import _routing, route53_dnssec
from drkit.deploy.moto_ext.route53_dnssec import DNSSECBackendMixin, DNSSECHandlerMixin
from drkit.deploy.moto_ext.route53_query_logging import QueryLoggingBackendMixin


class DrkitRoute53Response(DNSSECHandlerMixin, Route53):
    """moto's Route 53 request handler with the extensions mixed in."""


_URL_MODULE = _routing.routed_url_module(
    moto_urls, Route53, DrkitRoute53Response, route53_dnssec.EXTRA_PATHS
)


class DrkitRoute53Backend(DNSSECBackendMixin, QueryLoggingBackendMixin, Route53Backend):
    """moto's Route 53 backend with the extensions mixed in."""

    @property
    def _url_module(self) -> Any:
        return _URL_MODULE


def install() -> None:
    """Make every Route 53 backend created from now on a :class:`DrkitRoute53Backend`. Idempotent."""
    _routing.install_backend(route53_backends, DrkitRoute53Backend)
