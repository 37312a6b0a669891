"""Running a probe script in a fresh interpreter, for the provider loader's tests.

The script prints one ``DRKIT-PROBE <json>`` line; the environment is scrubbed of
settings that would change a synth for reasons other than the loader.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from drkit import JSII_QUIET, bindings
from drkit.deploy.synth import MEASURED_SYNTH_ENV

PACKAGE = bindings.PACKAGE
#: Settings that would make the two synths differ for reasons other than the loader.
SCRUBBED_ENV = MEASURED_SYNTH_ENV
PROBE = "DRKIT-PROBE "


def probe_env(**overrides: str) -> dict[str, str]:
    """This process's environment without SCRUBBED_ENV, jsii quietened, plus ``overrides``."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env.update(JSII_QUIET)
    env.update(overrides)
    return env


def run_probe(args: list[str], *, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Run the interpreter with ``args`` and return what its one probe line reports."""
    proc = subprocess.run(
        [sys.executable, *args],
        check=False,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"subprocess failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    lines = [line for line in proc.stdout.splitlines() if line.startswith(PROBE)]
    assert len(lines) == 1, (
        f"no probe line in the output:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    )
    return json.loads(lines[0][len(PROBE) :])
