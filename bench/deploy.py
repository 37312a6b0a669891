"""Deploy timings for ``make bench``: init, deploy, drift, destroy of every stack on the emulator.

Loaded by bench/run.py. One run per layout (each is minutes long); the
figures are wall times of the real Terraform and provider against the
embedded emulator on this machine, printed, never asserted. A step's figure is its
wall time over all stacks (they run in dependency rounds, concurrently within a
round); the slowest stacks of each step are listed after the table.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drkit.deploy.local import LocalDeployment  # noqa: E402
from drkit_emulator.runner import Emulator  # noqa: E402

LAYOUTS = {
    "2 regions": {},
    "3 regions": {"DRKIT_CONFIG": str(ROOT / "examples" / "three-region.toml")},
}
STEPS = ("synth", "init", "deploy", "drift", "destroy")


def run(bench: Any) -> None:
    columns: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    stacks: dict[str, int] = {}
    slowest: dict[str, list[Any]] = {}
    for label, environ in LAYOUTS.items():
        print(f"  deploying {label} to the emulator ...", file=sys.stderr, flush=True)
        with (
            tempfile.TemporaryDirectory(prefix="drkit-bench-deploy-") as tmp,
            Emulator(log_dir=Path(tmp) / "emulator") as emulator,
            contextlib.ExitStack() as closing,
        ):
            deployment = LocalDeployment(
                emulator=emulator,
                workdir=Path(tmp) / "work",
                environ={"ENVIRONMENT_SUFFIX": "bench", **environ},
            )
            closing.enter_context(deployment)
            deployment.synthesize()
            deployment.init()
            applied = deployment.deploy(scan=True)
            counts[label] = sum(
                1
                for plan in applied.plans.values()
                for c in plan.get("resource_changes", [])
                if "create" in c["change"]["actions"]
            )
            stacks[label] = len(applied.plans)
            drift = deployment.drift()
            deployment.destroy()
            left = deployment.leftovers()
            columns[label] = {t.step: t.seconds for t in deployment.timings}
            slowest[label] = sorted(deployment.stack_timings, key=lambda t: -t.seconds)[:4]
            if drift or left:  # figures of a broken deploy would mislead
                print(f"  WARNING {label}: drift={drift} leftovers={left}", flush=True)
    rows = [[step, *(f"{columns[label].get(step, 0):.1f}" for label in LAYOUTS)] for step in STEPS]
    rows.append(["total", *(f"{sum(columns[label].values()):.1f}" for label in LAYOUTS)])
    rows.append(["resources created", *(str(counts[label]) for label in LAYOUTS)])
    rows.append(["stacks", *(str(stacks[label]) for label in LAYOUTS)])
    bench.print_table(
        "Deploy to the embedded emulator "
        "(wall s, one run each; real Terraform 1.11 + hashicorp/aws 5.100.0)",
        ["step", *LAYOUTS],
        rows,
    )
    for label in LAYOUTS:
        print(
            f"  {label}, slowest stack steps: "
            + ", ".join(f"{t.step} {t.seconds:.1f} s" for t in slowest[label])
        )
