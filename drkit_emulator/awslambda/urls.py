"""Lambda routes: moto's paths, and those of ``GetAccountSettings`` and the code-signing
configurations, served by drkit's handler."""

from __future__ import annotations

from moto.awslambda import urls as moto_urls
from moto.awslambda.responses import LambdaResponse

from drkit_emulator.awslambda.responses import DrkitLambdaResponse
from drkit_emulator.core.routing import routed_url_module

EXTRA_PATHS = (
    # With and without the trailing slash (boto3 sends it, the Go SDK does not);
    # moto's regex-to-Flask conversion does not take "/?".
    r"{0}/(?P<api_version>[^/]+)/account-settings$",
    r"{0}/(?P<api_version>[^/]+)/account-settings/$",
    r"{0}/(?P<api_version>[^/]+)/code-signing-configs$",
    r"{0}/(?P<api_version>[^/]+)/code-signing-configs/$",
    r"{0}/(?P<api_version>[^/]+)/code-signing-configs/(?P<arn>[^/]+)$",
    r"{0}/(?P<api_version>[^/]+)/code-signing-configs/(?P<arn>[^/]+)/functions$",
)
"""Paths moto does not route, which drkit's handler serves."""

_ROUTES = routed_url_module(moto_urls, LambdaResponse, DrkitLambdaResponse, EXTRA_PATHS)
url_bases = _ROUTES.url_bases
url_paths = _ROUTES.url_paths
