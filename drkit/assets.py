"""The Lambda code as it is shipped: the source files of ``assets/runtime`` and nothing else.

The stack (through ``drkit_runtime.contract``) and the tests import the runtime
package from that folder, so Python may leave ``__pycache__`` beside it; zipping
the folder as it is would put bytecode in the archive and change its hash from
one run to the next. A staged copy holds exactly the tracked kinds of files.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from drkit.errors import SpecError

#: What ships: the code and its README; never bytecode or editor leftovers.
SHIPPED_SUFFIXES = (".py", ".md")
#: Names a folder to ship instead of ``assets/runtime`` (``drkit release --runtime``).
RUNTIME_VARIABLE = "DRKIT_RUNTIME"
#: The package every function's handler lives in: a release folder must hold it.
RUNTIME_PACKAGE = "drkit_runtime"
#: ``assets/runtime``: what ships unless ``DRKIT_RUNTIME`` names another folder.
DEFAULT_RUNTIME = Path(__file__).resolve().parent.parent / "assets" / "runtime"


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


def stage_sources(source: Path) -> Path:
    """A copy of ``source`` with only :data:`SHIPPED_SUFFIXES` files, removed at exit."""
    staging = Path(tempfile.mkdtemp(prefix="drkit-runtime-"))
    atexit.register(shutil.rmtree, staging, ignore_errors=True)
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.suffix in SHIPPED_SUFFIXES and "__pycache__" not in path.parts:
            target = staging / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    # The archive records times: folders keep their source's, as files do (copy2).
    for folder in sorted(p for p in staging.rglob("*") if p.is_dir()):
        shutil.copystat(source / folder.relative_to(staging), folder)
    shutil.copystat(source, staging)
    return staging
