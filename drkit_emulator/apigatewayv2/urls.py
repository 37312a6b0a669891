"""API Gateway v2 routes: moto's paths and the domain names' tag paths, served by drkit's handler.

moto's server serves API Gateway v2 through v1 (both sign as ``apigateway``;
v1's URL module includes v2's paths), so v1's routes are rerouted too
(:data:`V1_ROUTES`).
"""

from __future__ import annotations

from moto.apigateway import urls as moto_v1_urls
from moto.apigatewayv2 import urls as moto_urls
from moto.apigatewayv2.responses import ApiGatewayV2Response

from drkit_emulator.apigatewayv2.responses import DrkitApiGatewayV2Response
from drkit_emulator.core.routing import routed_url_module

EXTRA_PATHS = (
    # GetTags/TagResource/UntagResource of a domain name: its ARN holds "/domainnames/".
    "{0}/v2/tags/(?P<resource_arn_pt1>[^/]+)/domainnames/(?P<resource_arn_pt2>[^/]+)$",
)
"""Paths moto does not route, which drkit's handler serves."""

_ROUTES = routed_url_module(moto_urls, ApiGatewayV2Response, DrkitApiGatewayV2Response, EXTRA_PATHS)
url_bases = _ROUTES.url_bases
url_paths = _ROUTES.url_paths

V1_ROUTES = routed_url_module(
    moto_v1_urls,
    ApiGatewayV2Response,
    DrkitApiGatewayV2Response,
    EXTRA_PATHS,
    keep_other_handlers=True,
)
"""API Gateway v1's routes, its v2 paths (and :data:`EXTRA_PATHS`) sent to drkit's handler."""
