"""Swaps a moto service's backend and request handler for drkit's subclasses (shared plumbing).

moto keeps one ``BackendDict`` per service and builds each region's backend
from its ``backend`` class on first use; the server asks a backend for its URL
module (``_url_module``) to route requests, and finds the handler's method by
the operation's name. A service extension therefore needs three things, all
provided here: routes that send moto's paths (plus any new ones) to the
extension's handler class (each service's ``urls.py``), a backend class whose
``_url_module`` is those routes (its ``models.py``), and the swap of the
``BackendDict``'s class before any region backend exists (its ``install()``).
Importing this module does not import moto.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType, SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from drkit_emulator.errors import MotoExtensionError

if TYPE_CHECKING:
    from moto.core.base_backend import BackendDict


def routed_url_module(
    urls: ModuleType,
    original_handler: type,
    handler: type,
    extra_paths: Iterable[str] = (),
    *,
    keep_other_handlers: bool = False,
) -> SimpleNamespace:
    """A stand-in for ``moto.<service>.urls`` routing ``original_handler``'s paths to ``handler``.

    Args:
        urls: moto's URL module for the service (``url_bases`` and ``url_paths``).
        original_handler: The class moto routes to. Paths to one of its
            class-bound dispatchers (``dispatch``; S3 has ``bucket_dispatch`` and
            friends) go to the same dispatcher of ``handler``; paths to one of its
            static methods stay (apigatewayv2's ``get_api_without_id``).
        handler: drkit's subclass of ``original_handler``.
        extra_paths: Paths moto does not route at all (``{0}`` is the URL base),
            sent to ``handler.dispatch`` too.
        keep_other_handlers: Leave paths of other handlers alone (moto serves
            API Gateway v2 through API Gateway v1's URL module). Without it,
            such a path means moto changed, and the extension refuses.

    Raises:
        MotoExtensionError: A path goes to another handler (and that is not
            allowed), or no path goes to ``original_handler`` at all.
    """
    paths: dict[str, Callable[..., Any]] = {}
    routed = 0
    for path, target in urls.url_paths.items():
        if getattr(target, "__self__", None) is original_handler:
            paths[path] = getattr(handler, target.__name__)
            routed += 1
        elif keep_other_handlers or (
            getattr(original_handler, getattr(target, "__name__", ""), None) is target
        ):
            paths[path] = target
        else:
            raise MotoExtensionError(
                f"{urls.__name__} routes {path!r} to {target!r}, not to "
                f"{original_handler.__name__}.dispatch; drkit's extension cannot be routed"
            )
    if not routed:
        raise MotoExtensionError(
            f"{urls.__name__} routes no path to {original_handler.__name__}.dispatch; "
            "drkit's extension cannot be routed"
        )
    for path in extra_paths:
        paths[path] = handler.dispatch  # type: ignore[attr-defined]
    return SimpleNamespace(url_bases=list(urls.url_bases), url_paths=paths)


def install_backend(backends: BackendDict[Any], backend: type) -> None:
    """Make every region backend ``backends`` creates from now on a ``backend``. Idempotent.

    Raises:
        MotoExtensionError: Region backends already exist (they would keep the
            old class); install before the service's first request.
    """
    if backends.backend is backend:
        return
    existing = [
        f"{account}/{region}" for account, regions in backends.items() for region in regions
    ]
    if existing:
        raise MotoExtensionError(
            f"drkit's {backends.service_name} extensions must be installed before the first "
            f"{backends.service_name} request, but backends exist already for {', '.join(existing)}"
        )
    backends.backend = backend
    for regions in backends.values():
        regions.backend = backend


def uri_param(handler: Any, name: str) -> str:
    """A path parameter of the request ``handler`` serves, by the name in the API's URI template.

    moto matches each request against the API's URI templates to find the
    operation and keeps the parameters in ``uri_match``.
    """
    return unquote(str(handler.uri_match[name]))
