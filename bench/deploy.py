"""Deploy timings for ``make bench``: init, plan, apply, drift, destroy on the emulator.

Loaded by bench/run.py. One run per layout (each is minutes long); the
figures are wall times of the real Terraform and provider against the
embedded emulator on this machine, printed, never asserted.
"""

from __future__ import annotations

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
STEPS = ("synth", "init", "plan", "apply", "plan (drift)", "destroy")


def run(bench: Any) -> None:
    columns: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    for label, environ in LAYOUTS.items():
        print(f"  deploying {label} to the emulator ...", file=sys.stderr, flush=True)
        with (
            tempfile.TemporaryDirectory(prefix="drkit-bench-deploy-") as tmp,
            Emulator(log_dir=Path(tmp) / "emulator") as emulator,
        ):
            deployment = LocalDeployment(
                emulator=emulator,
                workdir=Path(tmp) / "work",
                environ={"ENVIRONMENT_SUFFIX": "bench", **environ},
            )
            deployment.synthesize()
            deployment.init()
            plan = deployment.plan()
            counts[label] = sum(
                1 for c in plan.get("resource_changes", []) if "create" in c["change"]["actions"]
            )
            deployment.apply()
            drift = deployment.drift()
            deployment.destroy()
            left = deployment.leftovers()
            columns[label] = {t.step: t.seconds for t in deployment.timings}
            if drift or left:  # figures of a broken deploy would mislead
                print(f"  WARNING {label}: drift={drift} leftovers={left}", flush=True)
    rows = [[step, *(f"{columns[label].get(step, 0):.1f}" for label in LAYOUTS)] for step in STEPS]
    rows.append(["total", *(f"{sum(columns[label].values()):.1f}" for label in LAYOUTS)])
    rows.append(["resources created", *(str(counts[label]) for label in LAYOUTS)])
    bench.print_table(
        "Deploy to the embedded emulator "
        "(wall s, one run each; real Terraform 1.11 + hashicorp/aws 5.100.0)",
        ["step", *LAYOUTS],
        rows,
    )
