"""AWS Signer routes: moto's paths and the signing jobs', served by drkit's handler."""

from __future__ import annotations

from moto.signer import urls as moto_urls
from moto.signer.responses import SignerResponse

from drkit_emulator.core.routing import routed_url_module
from drkit_emulator.signer.responses import DrkitSignerResponse

EXTRA_PATHS = (
    "{0}/signing-jobs$",
    "{0}/signing-jobs/(?P<job_id>[^/]+)$",
)
"""Paths moto does not route, which drkit's handler serves."""

_ROUTES = routed_url_module(moto_urls, SignerResponse, DrkitSignerResponse, EXTRA_PATHS)
url_bases = _ROUTES.url_bases
url_paths = _ROUTES.url_paths
