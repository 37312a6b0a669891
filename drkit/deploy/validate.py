"""``drkit validate``: synthesize for real AWS (2 and 3 regions), ``terraform validate`` offline.

Every stack of each layout is initialized and validated, the stacks of a layout side by side.
"""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

from drkit.deploy.stackset import StackSet, run_rounds
from drkit.deploy.synth import ROOT, synthesize
from drkit.deploy.terraform import Terraform
from drkit.regions.spec import DeploymentSpec
from drkit.regions.stacks import StackPlan

LAYOUTS = {"two-region (default)": None, "three-region": ROOT / "examples" / "three-region.toml"}


def validate_layouts(workdir: Path) -> int:
    """Synthesize each layout for AWS into ``workdir``, validate it; raise at the first failure."""
    for index, (label, config) in enumerate(LAYOUTS.items()):
        env = {"DRKIT_TARGET": "aws"}
        if config is not None:
            env["DRKIT_CONFIG"] = str(config)
        outdir = Path(workdir).resolve() / str(index)
        shutil.rmtree(outdir, ignore_errors=True)  # fresh: no stale .terraform or state
        outdir, seconds = synthesize(outdir, env)
        spec = DeploymentSpec.from_environment(env)
        # Every stack at once: validation reads no state, so no stack waits for another.
        stacks = StackSet(outdir=outdir, plans=spec.stacks).unordered()
        seconds_by_stack = run_rounds(stacks, "validate", partial(_validate, stacks))
        print(
            f"drkit validate | {label}: {len(seconds_by_stack)} stacks valid (synth "
            f"{seconds:.1f} s; init and validate {max(seconds_by_stack.values()):.1f} s) "
            f"in {outdir / 'stacks'}",
            flush=True,
        )
    return 0


def _validate(stacks: StackSet, plan: StackPlan) -> float:
    """``terraform init`` and ``validate`` of one stack; the seconds they took."""
    terraform = Terraform.for_stack(stacks.directory(plan.name))
    terraform.init()
    terraform.validate()
    return sum(t.seconds for t in terraform.timings)
