"""S3 routes: moto's paths, served by drkit's handler.

S3 routes to three dispatchers of its handler (bucket, key, and "either");
each goes to drkit's handler's namesake.
"""

from __future__ import annotations

from moto.s3 import urls as moto_urls
from moto.s3.responses import S3Response

from drkit_emulator.core.routing import routed_url_module
from drkit_emulator.s3.responses import DrkitS3Response

_ROUTES = routed_url_module(moto_urls, S3Response, DrkitS3Response)
url_bases = _ROUTES.url_bases
url_paths = _ROUTES.url_paths
