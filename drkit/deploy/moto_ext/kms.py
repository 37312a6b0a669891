"""Puts drkit's KMS extension into moto: one backend class (for the routing) and one handler class.

Same mechanism as :mod:`drkit.deploy.moto_ext.dynamodb`, through
:mod:`drkit.deploy.moto_ext._routing`. The backend differs from moto's only
in routing requests to drkit's handler.
"""

from __future__ import annotations

from typing import Any

from moto.kms import urls as moto_urls
from moto.kms.models import KmsBackend, kms_backends
from moto.kms.responses import KmsResponse

from drkit.deploy.moto_ext import _routing
from drkit.deploy.moto_ext.kms_rotation_period import RotationPeriodHandlerMixin


class DrkitKmsResponse(RotationPeriodHandlerMixin, KmsResponse):
    """moto's KMS request handler with the extension mixed in."""


_URL_MODULE = _routing.routed_url_module(moto_urls, KmsResponse, DrkitKmsResponse)


class DrkitKmsBackend(KmsBackend):
    """moto's KMS backend, routing requests to :class:`DrkitKmsResponse`."""

    @property
    def _url_module(self) -> Any:
        return _URL_MODULE


def install() -> None:
    """Make every KMS backend created from now on a :class:`DrkitKmsBackend`. Idempotent."""
    _routing.install_backend(kms_backends, DrkitKmsBackend)
