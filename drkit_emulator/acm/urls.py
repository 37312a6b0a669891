"""ACM routes: moto's paths, served by drkit's handler."""

from __future__ import annotations

from moto.acm import urls as moto_urls
from moto.acm.responses import AWSCertificateManagerResponse

from drkit_emulator.acm.responses import DrkitACMResponse
from drkit_emulator.core.routing import routed_url_module

_ROUTES = routed_url_module(moto_urls, AWSCertificateManagerResponse, DrkitACMResponse)
url_bases = _ROUTES.url_bases
url_paths = _ROUTES.url_paths
