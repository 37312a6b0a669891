"""Puts drkit's DynamoDB extensions into moto: one backend class and one handler class.

moto keeps one ``BackendDict`` per service and builds each region's backend
from its ``backend`` class on first use; the server routes DynamoDB requests
to the handler named by the backend's URL module. :func:`install` swaps both
for subclasses that mix in the extensions, so every region created afterwards
(including after ``/moto-api/reset``) has them. Nothing else in moto changes.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from moto.dynamodb import urls as moto_urls
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.responses import DynamoHandler

from drkit.deploy.errors import MotoExtensionError
from drkit.deploy.moto_ext import dynamodb_stream_region
from drkit.deploy.moto_ext.dynamodb_global_tables import (
    GlobalTablesBackendMixin,
    GlobalTablesHandlerMixin,
)
from drkit.deploy.moto_ext.dynamodb_tags import TagOverwriteMixin


class DrkitDynamoHandler(GlobalTablesHandlerMixin, DynamoHandler):
    """moto's DynamoDB request handler with the extensions mixed in."""


def _url_paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, handler in moto_urls.url_paths.items():
        if getattr(handler, "__self__", None) is not DynamoHandler:
            raise MotoExtensionError(
                f"moto.dynamodb.urls routes {path!r} to {handler!r}, not to "
                "DynamoHandler.dispatch; drkit's DynamoDB extensions cannot be routed"
            )
        paths[path] = DrkitDynamoHandler.dispatch
    return paths


_URL_MODULE = SimpleNamespace(url_bases=list(moto_urls.url_bases), url_paths=_url_paths())


class DrkitDynamoDBBackend(GlobalTablesBackendMixin, TagOverwriteMixin, DynamoDBBackend):
    """moto's DynamoDB backend with the extensions mixed in."""

    @property
    def _url_module(self) -> Any:
        # moto derives the URL module from the class's module name, which is
        # ours now; route to our handler with moto's URL patterns instead.
        return _URL_MODULE


def install() -> None:
    """Make every DynamoDB backend created from now on a :class:`DrkitDynamoDBBackend`. Idempotent.

    Raises:
        MotoExtensionError: Region backends already exist (they would keep the
            old class); install before the first DynamoDB request.
    """
    dynamodb_stream_region.install()
    if dynamodb_backends.backend is DrkitDynamoDBBackend:
        return
    existing = [
        f"{account}/{region}"
        for account, regions in dynamodb_backends.items()
        for region in regions
    ]
    if existing:
        raise MotoExtensionError(
            "drkit's DynamoDB extensions must be installed before the first DynamoDB "
            f"request, but backends exist already for {', '.join(existing)}"
        )
    dynamodb_backends.backend = DrkitDynamoDBBackend
    for regions in dynamodb_backends.values():
        regions.backend = DrkitDynamoDBBackend
