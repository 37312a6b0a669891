"""Extensions that fill the gaps drkit found in moto, applied before the emulator serves requests.

Each extension is one small module whose docstring names the gap, the moto
version it was found in and what the extension does; ``docs/emulator.md``
lists them. They were written against moto 5.2.5 (the version the ``local``
extra pins). :func:`install` checks that the moto in use still has the shape
they rely on and refuses, with :class:`~drkit.deploy.errors.MotoExtensionError`,
when it does not; another version that still fits only earns a warning.

Importing this package does not import moto; :func:`install` does.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import warnings

from drkit.deploy.errors import MotoExtensionError

SUPPORTED_MOTO_VERSION = "5.2.5"

EXTENSIONS = (
    "drkit.deploy.moto_ext.dynamodb_global_tables",
    "drkit.deploy.moto_ext.dynamodb_stream_region",
    "drkit.deploy.moto_ext.dynamodb_tags",
)
"""The extension modules, in the order docs/emulator.md lists them."""

# Method -> the parameters the extensions pass by name or position.
_BACKEND_SIGNATURES = {
    "create_table": (
        "name",
        "schema",
        "throughput",
        "attr",
        "global_indexes",
        "indexes",
        "streams",
        "billing_mode",
        "sse_specification",
        "tags",
        "deletion_protection_enabled",
        "warm_throughput",
    ),
    "delete_table": ("name",),
    "describe_table": ("name",),
    "get_table": ("table_name",),
    "get_keys_value": ("table", "keys"),
    "put_item": ("table_name", "item_attrs"),
    "update_item": ("table_name", "key"),
    "delete_item": ("table_name", "key"),
    "transact_write_items": ("transact_items",),
    "execute_statement": ("statement", "parameters"),
    "update_time_to_live": ("table_name", "ttl_spec"),
    "tag_resource": ("arn", "tags"),
}

_installed = False


def moto_version() -> str | None:
    """The installed moto's version, or ``None`` when moto is not installed."""
    try:
        return importlib.metadata.version("moto")
    except importlib.metadata.PackageNotFoundError:
        return None


def compatibility_problems() -> list[str]:
    """Check the parts of moto the extensions override or call; return what no longer fits."""
    from moto.core.base_backend import BackendDict
    from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
    from moto.dynamodb.models import table as table_module
    from moto.dynamodb.responses import DynamoHandler

    problems = []
    for method, params in _BACKEND_SIGNATURES.items():
        function = getattr(DynamoDBBackend, method, None)
        if function is None:
            problems.append(f"DynamoDBBackend.{method} is gone")
            continue
        names = list(inspect.signature(function).parameters)[1:]
        # The first parameter is passed by position, the others by name.
        if not names or names[0] != params[0] or not set(params) <= set(names):
            problems.append(f"DynamoDBBackend.{method}{tuple(names)} no longer takes {params}")
    if not isinstance(dynamodb_backends, BackendDict) or not hasattr(dynamodb_backends, "backend"):
        problems.append("moto.dynamodb.models.dynamodb_backends is no longer a BackendDict")
    if not callable(getattr(DynamoHandler, "update_table", None)):
        problems.append("DynamoHandler.update_table is gone")
    record = getattr(table_module, "StreamRecord", None)
    if record is None:
        problems.append("moto.dynamodb.models.table.StreamRecord is gone")
    elif list(inspect.signature(record.__init__).parameters)[1:2] != ["table"]:
        problems.append("StreamRecord.__init__ no longer takes the table first")
    for method in ("all_items", "get_item", "put_item", "delete_item", "describe"):
        if not callable(getattr(table_module.Table, method, None)):
            problems.append(f"Table.{method} is gone")
    return problems


def install() -> None:
    """Apply every extension to the moto in this process. Idempotent.

    Raises:
        MotoExtensionError: moto is missing, or its shape no longer fits the
            extensions; the message names the version and what changed.
    """
    global _installed
    if _installed:
        return
    version = moto_version()
    if version is None:
        raise MotoExtensionError("moto is not installed; pip install 'drkit[local]'")
    problems = compatibility_problems()
    if problems:
        raise MotoExtensionError(
            f"drkit's moto extensions were written for moto {SUPPORTED_MOTO_VERSION}; "
            f"moto {version} differs where they depend on it:\n"
            + "\n".join(f"  - {p}" for p in problems)
            + f"\nInstall moto[server]=={SUPPORTED_MOTO_VERSION} (pip install 'drkit[local]')."
        )
    if version != SUPPORTED_MOTO_VERSION:
        warnings.warn(
            f"drkit's moto extensions were written for moto {SUPPORTED_MOTO_VERSION}, "
            f"running on {version}; the checked interfaces still fit",
            stacklevel=2,
        )
    from drkit.deploy.moto_ext import dynamodb

    dynamodb.install()
    _installed = True


def installed() -> bool:
    """Whether :func:`install` has run in this process."""
    return _installed
