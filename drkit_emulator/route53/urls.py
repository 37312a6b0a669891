"""Route 53 routes: moto's paths and the DNSSEC operations', served by drkit's handler."""

from __future__ import annotations

from moto.route53 import urls as moto_urls
from moto.route53.responses import Route53

from drkit_emulator.core.routing import routed_url_module
from drkit_emulator.route53.responses import DrkitRoute53Response

EXTRA_PATHS = (
    r"{0}/(?P<api_version>[\d_-]+)/keysigningkey$",
    r"{0}/(?P<api_version>[\d_-]+)/keysigningkey/(?P<zone_id>[^/]+)/(?P<name>[^/]+)$",
    r"{0}/(?P<api_version>[\d_-]+)/keysigningkey/(?P<zone_id>[^/]+)/(?P<name>[^/]+)/activate$",
    r"{0}/(?P<api_version>[\d_-]+)/keysigningkey/(?P<zone_id>[^/]+)/(?P<name>[^/]+)/deactivate$",
    r"{0}/(?P<api_version>[\d_-]+)/hostedzone/(?P<zone_id>[^/]+)/enable-dnssec$",
    r"{0}/(?P<api_version>[\d_-]+)/hostedzone/(?P<zone_id>[^/]+)/disable-dnssec$",
)
"""Paths moto does not route, which drkit's handler serves."""

_ROUTES = routed_url_module(moto_urls, Route53, DrkitRoute53Response, EXTRA_PATHS)
url_bases = _ROUTES.url_bases
url_paths = _ROUTES.url_paths
