"""Loads the AWS provider bindings without importing all ~2,100 of them.

Why: ``cdktf_cdktf_provider_aws/__init__.py`` eagerly imports every generated
resource submodule (lexv2, medialive, glue, ... nothing drkit uses), which costs
about 8 s of pure Python on every synth, test session and deploy. Each generated
submodule is self-contained: it needs only the package's ``_jsii`` module (which
loads the jsii assembly), ``cdktf``, ``constructs`` and ``jsii``.

What: :func:`install` registers the package module from its import spec without
executing its ``__init__``, then imports ``_jsii``. Afterwards
``from cdktf_cdktf_provider_aws.vpc import Vpc`` loads only ``vpc``. The
synthesized Terraform JSON is byte-identical to the stock import (a test proves
it).

Turn it off with ``DRKIT_FAST_IMPORT=0``: the stock package is imported instead.
If a future provider package changes shape, drkit falls back to the stock import
with a one-line warning.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import warnings
from pathlib import Path
from types import ModuleType

from drkit import FAST_IMPORT_ENV

__all__ = ["PACKAGE", "fast_import_enabled", "install", "mode"]

PACKAGE = "cdktf_cdktf_provider_aws"
# The submodules the fast path needs to exist; their absence means the
# package no longer has the shape this loader was written for.
_REQUIRED = ("_jsii", "provider")

_mode: str | None = None


def fast_import_enabled() -> bool:
    """Whether the environment allows the fast path (``DRKIT_FAST_IMPORT``)."""
    return os.environ.get(FAST_IMPORT_ENV, "1").strip().lower() not in (
        "0",
        "false",
        "no",
        "off",
    )


def mode() -> str | None:
    """How the bindings were loaded: ``"fast"``, ``"stock"`` or ``None`` (not yet)."""
    return _mode


def install() -> str:
    """Make the provider package importable, the fast way if possible.

    Idempotent. Returns the mode in use (``"fast"`` or ``"stock"``).
    """
    global _mode
    if _mode is not None:
        return _mode
    existing = sys.modules.get(PACKAGE)
    if existing is not None:
        # Someone imported the package already; whatever they did stands.
        _mode = "stock" if hasattr(existing, "__all__") else "fast"
        return _mode
    if not fast_import_enabled():
        importlib.import_module(PACKAGE)
        _mode = "stock"
        return _mode
    try:
        _install_shell()
        _mode = "fast"
    except Exception as exc:  # noqa: BLE001 - any surprise means: use the stock path
        sys.modules.pop(PACKAGE, None)
        warnings.warn(
            f"drkit: fast provider import unavailable ({exc}); using the stock import",
            RuntimeWarning,
            stacklevel=2,
        )
        importlib.import_module(PACKAGE)
        _mode = "stock"
    return _mode


def _install_shell() -> ModuleType:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{PACKAGE} is not an installed package")
    # Look for the submodules on disk: find_spec("pkg.sub") would import pkg
    # itself, which is exactly the cost this module avoids.
    roots = [Path(p) for p in spec.submodule_search_locations]
    for name in _REQUIRED:
        if not any((root / name / "__init__.py").is_file() for root in roots):
            raise ImportError(f"{PACKAGE}.{name} is missing")
    shell = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = shell
    # _jsii loads the jsii assembly into the kernel: every submodule needs it.
    importlib.import_module(f"{PACKAGE}._jsii")
    return shell
