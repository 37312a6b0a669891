"""DynamoDB routes: moto's paths, served by drkit's handler."""

from __future__ import annotations

from moto.dynamodb import urls as moto_urls
from moto.dynamodb.responses import DynamoHandler

from drkit_emulator.core.routing import routed_url_module
from drkit_emulator.dynamodb.responses import DrkitDynamoHandler

_ROUTES = routed_url_module(moto_urls, DynamoHandler, DrkitDynamoHandler)
url_bases = _ROUTES.url_bases
url_paths = _ROUTES.url_paths
