"""``drkit validate``: synthesize for real AWS (2 and 3 regions), ``terraform validate`` offline."""

from __future__ import annotations

import shutil
from pathlib import Path

from drkit.deploy.synth import ROOT, synthesize
from drkit.deploy.terraform import Terraform

LAYOUTS = {"two-region (default)": None, "three-region": ROOT / "examples" / "three-region.toml"}


def validate_layouts(workdir: Path) -> int:
    """Synthesize each layout for AWS into ``workdir``, validate it; raise at the first failure."""
    for index, (label, config) in enumerate(LAYOUTS.items()):
        env = {"DRKIT_TARGET": "aws"}
        if config is not None:
            env["DRKIT_CONFIG"] = str(config)
        outdir = Path(workdir).resolve() / str(index)
        shutil.rmtree(outdir, ignore_errors=True)  # fresh: no stale .terraform or state
        stack_dir, seconds = synthesize(outdir, env)
        terraform = Terraform.for_stack(stack_dir)
        terraform.init()
        terraform.validate()
        steps = ", ".join(f"{t.step} {t.seconds:.1f} s" for t in terraform.timings)
        print(
            f"drkit validate | {label}: valid (synth {seconds:.1f} s, {steps}) in {stack_dir}",
            flush=True,
        )
    return 0
