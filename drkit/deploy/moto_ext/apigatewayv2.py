"""Puts drkit's API Gateway v2 extension into moto: backend and handler classes, and the routing.

Same mechanism as :mod:`drkit.deploy.moto_ext.dynamodb`, through
:mod:`drkit.deploy.moto_ext._routing`, with one twist: moto's server serves
API Gateway v2 through API Gateway v1 (both sign as ``apigateway``; v1's URL
module includes v2's paths). So the v1 backend is swapped too, for a subclass
that differs only in routing the v2 paths to drkit's handler.
"""

from __future__ import annotations

from typing import Any

from moto.apigateway import urls as moto_v1_urls
from moto.apigateway.models import APIGatewayBackend, apigateway_backends
from moto.apigatewayv2 import urls as moto_urls
from moto.apigatewayv2.models import ApiGatewayV2Backend, apigatewayv2_backends
from moto.apigatewayv2.responses import ApiGatewayV2Response

from drkit.deploy.moto_ext import _routing
from drkit.deploy.moto_ext.apigatewayv2_domain_names import (
    EXTRA_PATHS,
    DomainNamesBackendMixin,
    DomainNamesHandlerMixin,
)


class DrkitApiGatewayV2Response(DomainNamesHandlerMixin, ApiGatewayV2Response):
    """moto's API Gateway v2 request handler with the extension mixed in."""


_URL_MODULE = _routing.routed_url_module(
    moto_urls, ApiGatewayV2Response, DrkitApiGatewayV2Response, EXTRA_PATHS
)
_V1_URL_MODULE = _routing.routed_url_module(
    moto_v1_urls,
    ApiGatewayV2Response,
    DrkitApiGatewayV2Response,
    EXTRA_PATHS,
    keep_other_handlers=True,
)


class DrkitApiGatewayV2Backend(DomainNamesBackendMixin, ApiGatewayV2Backend):
    """moto's API Gateway v2 backend with the extension mixed in."""

    @property
    def _url_module(self) -> Any:
        return _URL_MODULE


class DrkitAPIGatewayBackend(APIGatewayBackend):
    """moto's API Gateway (v1) backend, routing the v2 paths it serves to drkit's handler."""

    @property
    def _url_module(self) -> Any:
        return _V1_URL_MODULE


def install() -> None:
    """Make every API Gateway v1/v2 backend created from now on one of drkit's. Idempotent."""
    _routing.install_backend(apigatewayv2_backends, DrkitApiGatewayV2Backend)
    _routing.install_backend(apigateway_backends, DrkitAPIGatewayBackend)
