"""Release fixtures: copies of ``assets/runtime`` a release ships, one healthy, one whose
``/health`` always fails (what ``drkit release``'s gate must stop)."""

from __future__ import annotations

import shutil
from pathlib import Path

from drkit.regions.runtime_source import DEFAULT_RUNTIME

#: Appended to the broken copy's health_api.py: its handler then answers 500 to everything.
BROKEN_HEALTH = """

def handler(event, context):  # a release whose /health fails (tests/e2e/releases.py)
    import json

    return {
        "statusCode": 500,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(
            {
                "status": "unhealthy",
                "checks": [{"name": "release", "ok": False, "reason": "broken"}],
            }
        ),
    }
"""


def runtime_copy(root: Path, name: str, *, broken: bool = False) -> Path:
    """``assets/runtime`` copied to ``root/name``, made a new release (a line added to its
    README changes the archive), with a failing ``/health`` when ``broken``."""
    folder = root / name
    shutil.copytree(DEFAULT_RUNTIME, folder, ignore=shutil.ignore_patterns("__pycache__"))
    readme = folder / "README.md"
    readme.write_text(f"{readme.read_text()}\nRelease {name} (a test fixture).\n")
    if broken:
        health = folder / "drkit_runtime" / "health_api.py"
        health.write_text(health.read_text() + BROKEN_HEALTH)
    return folder
