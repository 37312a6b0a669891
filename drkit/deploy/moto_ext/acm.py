"""Puts drkit's ACM extension into moto: one backend class and one handler class.

Same mechanism as :mod:`drkit.deploy.moto_ext.dynamodb`, through
:mod:`drkit.deploy.moto_ext._routing`.
"""

from __future__ import annotations

from typing import Any

from moto.acm import urls as moto_urls
from moto.acm.models import AWSCertificateManagerBackend, acm_backends
from moto.acm.responses import AWSCertificateManagerResponse

from drkit.deploy.moto_ext import _routing
from drkit.deploy.moto_ext.acm_key_algorithm import (
    KeyAlgorithmBackendMixin,
    KeyAlgorithmHandlerMixin,
)


class DrkitACMResponse(KeyAlgorithmHandlerMixin, AWSCertificateManagerResponse):
    """moto's ACM request handler with the extension mixed in."""


_URL_MODULE = _routing.routed_url_module(moto_urls, AWSCertificateManagerResponse, DrkitACMResponse)


class DrkitACMBackend(KeyAlgorithmBackendMixin, AWSCertificateManagerBackend):
    """moto's ACM backend with the extension mixed in."""

    @property
    def _url_module(self) -> Any:
        return _URL_MODULE


def install() -> None:
    """Make every ACM backend created from now on a :class:`DrkitACMBackend`. Idempotent."""
    _routing.install_backend(acm_backends, DrkitACMBackend)
