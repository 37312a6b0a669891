"""The layouts the end-to-end tests deploy, and how (tests/e2e/conftest.py deploys each once).

``two`` is applied stack by stack by drkit's runner (what ``drkit demo`` does). ``three``
starts as two regions (the runner), then its third region is added to the running deployment
with the ``cdktf deploy '*'`` line ``drkit demo --keep`` prints for the three-region layout.
Each Terraform command costs seconds of CPU (every one starts the AWS provider, which builds
its whole schema), so the lifecycles share their plans: the last drift check's plans are the
ones checkov scans (tests/e2e/test_local_deploy.py).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from drkit.deploy.cdktf import run_cdktf
from drkit.deploy.demo import cdktf_commands
from drkit.deploy.local import LocalDeployment
from drkit_emulator.runner import Emulator
from tests.helpers import ROOT

LAYOUTS = {
    "two": {
        "ENVIRONMENT_SUFFIX": "e2e2",
        "DRKIT_CONFIG": str(ROOT / "tests" / "e2e" / "two-region.toml"),
    },
    "three": {
        "ENVIRONMENT_SUFFIX": "e2e3",
        "DRKIT_CONFIG": str(ROOT / "examples" / "three-region.toml"),
    },
}
#: What the 3-region layout is deployed as first, before its third region is added.
BEFORE_THE_THIRD = {
    **LAYOUTS["three"],
    "DRKIT_CONFIG": str(ROOT / "tests" / "e2e" / "before-the-third-region.toml"),
}


def _apply_two(deployment: LocalDeployment) -> dict:
    """Every stack applied once the stacks it reads are."""
    deployment.synthesize()
    deployment.init()
    deployment.deploy()
    return {}


def _apply_three(deployment: LocalDeployment, root: Path) -> dict:
    """Two regions with the runner, then the third added with ``cdktf deploy '*'``."""
    deployment.synthesize()
    deployment.init()
    deployment.deploy()
    deployment.use_layout(LAYOUTS["three"])
    added = run_cdktf(cdktf_commands(deployment), "deploy", log=root / "cdktf-add.log")
    return {"cdktf": {"add the third region": added.output}}


@contextlib.contextmanager
def deployment_of(layout: str, root: Path):
    """The stacks of ``layout`` applied to a fresh emulator, which stops on exit with whatever
    a test left in it (a destroy here would only cost minutes)."""
    with contextlib.ExitStack() as stack:
        emulator = stack.enter_context(Emulator(log_dir=root / "emulator"))
        first = BEFORE_THE_THIRD if layout == "three" else LAYOUTS[layout]
        deployment = LocalDeployment(emulator=emulator, workdir=root / "work", environ=first)
        stack.enter_context(deployment)
        applied = _apply_three(deployment, root) if layout == "three" else _apply_two(deployment)
        state = {
            "deployment": deployment,
            **applied,
            "view": deployment.describe(),
            "root": root,
        }
        yield state
