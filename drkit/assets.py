"""The Lambda code as it is shipped: the source files of ``assets/runtime`` and nothing else.

The stack (through ``drkit_runtime.contract``) and the tests import the runtime
package from that folder, so Python may leave ``__pycache__`` beside it; zipping
the folder as it is would put bytecode in the archive and change its hash from
one run to the next. A staged copy holds exactly the tracked kinds of files.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

#: What ships: the code and its README; never bytecode or editor leftovers.
SHIPPED_SUFFIXES = (".py", ".md")


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
