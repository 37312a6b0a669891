"""Puts drkit's S3 extension into moto: one backend class (for the routing) and one handler class.

Same mechanism as :mod:`drkit.deploy.moto_ext.dynamodb`, through
:mod:`drkit.deploy.moto_ext._routing`. S3 routes to three dispatchers of its
handler (bucket, key, and "either"); each goes to drkit's handler's namesake.
"""

from __future__ import annotations

from typing import Any

from moto.s3 import urls as moto_urls
from moto.s3.models import S3Backend, s3_backends
from moto.s3.responses import S3Response

from drkit.deploy.moto_ext import _routing
from drkit.deploy.moto_ext.s3_bucket_configs import BucketConfigsHandlerMixin


class DrkitS3Response(BucketConfigsHandlerMixin, S3Response):
    """moto's S3 request handler with the extension mixed in."""


_URL_MODULE = _routing.routed_url_module(moto_urls, S3Response, DrkitS3Response)


class DrkitS3Backend(S3Backend):
    """moto's S3 backend, routing requests to :class:`DrkitS3Response`."""

    @property
    def _url_module(self) -> Any:
        return _URL_MODULE


def install() -> None:
    """Make every S3 backend created from now on a :class:`DrkitS3Backend`. Idempotent."""
    _routing.install_backend(s3_backends, DrkitS3Backend)
