"""KMS routes: moto's paths, served by drkit's handler."""

from __future__ import annotations

from moto.kms import urls as moto_urls
from moto.kms.responses import KmsResponse

from drkit_emulator.core.routing import routed_url_module
from drkit_emulator.kms.responses import DrkitKmsResponse

_ROUTES = routed_url_module(moto_urls, KmsResponse, DrkitKmsResponse)
url_bases = _ROUTES.url_bases
url_paths = _ROUTES.url_paths
