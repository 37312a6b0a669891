"""SSM routes: moto's paths, served by drkit's handler."""

from __future__ import annotations

from moto.ssm import urls as moto_urls
from moto.ssm.responses import SimpleSystemManagerResponse

from drkit_emulator.core.routing import routed_url_module
from drkit_emulator.ssm.responses import DrkitSSMResponse

_ROUTES = routed_url_module(moto_urls, SimpleSystemManagerResponse, DrkitSSMResponse)
url_bases = _ROUTES.url_bases
url_paths = _ROUTES.url_paths
