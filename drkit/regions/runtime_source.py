"""Which Lambda code a synthesis ships: ``assets/runtime``, or the folder ``DRKIT_RUNTIME``
names (``drkit release --runtime``). Pure Python: ``app.py`` checks it before the bindings
load, and ``drkit release`` before it synthesizes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from drkit.errors import SpecError

#: Names a folder to ship instead of ``assets/runtime`` (``drkit release --runtime``).
RUNTIME_VARIABLE = "DRKIT_RUNTIME"
#: The package every function's handler lives in: a release folder must hold it.
RUNTIME_PACKAGE = "drkit_runtime"
#: ``assets/runtime``: what ships unless ``DRKIT_RUNTIME`` names another folder.
DEFAULT_RUNTIME = Path(__file__).resolve().parents[2] / "assets" / "runtime"


def runtime_source(environ: Mapping[str, str] | None = None) -> Path:
    """The folder of Lambda code to ship: ``DRKIT_RUNTIME``, else ``assets/runtime``.

    Raises:
        SpecError: The folder named holds no ``drkit_runtime`` package.
    """
    env = os.environ if environ is None else environ
    given = env.get(RUNTIME_VARIABLE) or ""
    source = Path(given).resolve() if given else DEFAULT_RUNTIME
    if not (source / RUNTIME_PACKAGE / "__init__.py").is_file():
        raise SpecError(
            RUNTIME_VARIABLE,
            given or str(source),
            f"a folder holding the {RUNTIME_PACKAGE} package",
        )
    return source
