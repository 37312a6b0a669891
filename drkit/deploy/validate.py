"""``drkit validate``: synthesize for real AWS, ``terraform validate`` offline.

The layout the caller names (``DRKIT_CONFIG``/``ENVIRONMENT_SUFFIX``, or the command's
``--config``/``--suffix``), else the built-in two regions and the three-region example.
Every stack of each layout is initialized and validated, the stacks of a layout side by side.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from functools import partial
from pathlib import Path

from drkit.deploy.stackset import StackSet, run_rounds
from drkit.deploy.synth import ROOT, synthesize
from drkit.deploy.terraform import Terraform
from drkit.regions.spec import DeploymentSpec
from drkit.regions.stacks import StackPlan

LAYOUTS = {"two-region (default)": None, "three-region": ROOT / "examples" / "three-region.toml"}


def chosen_layouts(layout: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """``label -> variables`` of what to validate: the layout ``layout`` names (its
    ``DRKIT_CONFIG`` and ``ENVIRONMENT_SUFFIX``), or with neither set, the built-in ones."""
    named = {k: v for k in ("DRKIT_CONFIG", "ENVIRONMENT_SUFFIX") if (v := layout.get(k))}
    if named:
        label = named.get("DRKIT_CONFIG") or "the built-in two regions"
        if "ENVIRONMENT_SUFFIX" in named:
            label = f"{label} (suffix {named['ENVIRONMENT_SUFFIX']!r})"
        return {label: named}
    return {
        label: {"DRKIT_CONFIG": str(config)} if config is not None else {}
        for label, config in LAYOUTS.items()
    }


def validate_layouts(
    workdir: Path, layout: Mapping[str, str] | None = None, *, as_json: bool = False
) -> int:
    """Synthesize each chosen layout for AWS into ``workdir``, validate it; raise at the
    first failure (a bad spec before anything is synthesized). A line per layout, or with
    ``as_json`` one JSON document once all are valid."""
    results = []
    chosen = chosen_layouts(layout or {})
    specs = {label: DeploymentSpec.from_environment({**env, "DRKIT_TARGET": "aws"})
             for label, env in chosen.items()}  # fmt: skip
    for index, (label, variables) in enumerate(chosen.items()):
        env = {**variables, "DRKIT_TARGET": "aws"}
        outdir = Path(workdir).resolve() / str(index)
        shutil.rmtree(outdir, ignore_errors=True)  # fresh: no stale .terraform or state
        outdir, seconds = synthesize(outdir, env)
        spec = specs[label]
        # Every stack at once: validation reads no state, so no stack waits for another.
        stacks = StackSet(outdir=outdir, plans=spec.stacks).unordered()
        seconds_by_stack = run_rounds(stacks, "validate", partial(_validate, stacks))
        results.append(
            {
                "layout": label,
                "valid": sorted(seconds_by_stack),
                "synth_seconds": round(seconds, 1),
                "validate_seconds": round(max(seconds_by_stack.values()), 1),
                "stacks": str(outdir / "stacks"),
            }
        )
        if not as_json:
            print(
                f"drkit validate | {label}: {len(seconds_by_stack)} stacks valid (synth "
                f"{seconds:.1f} s; init and validate {max(seconds_by_stack.values()):.1f} s) "
                f"in {outdir / 'stacks'}",
                flush=True,
            )
    if as_json:
        print(json.dumps({"valid": True, "layouts": results}, indent=2), flush=True)
    return 0


def _validate(stacks: StackSet, plan: StackPlan) -> float:
    """``terraform init`` and ``validate`` of one stack; the seconds they took."""
    terraform = Terraform.for_stack(stacks.directory(plan.name))
    terraform.init()
    terraform.validate()
    return sum(t.seconds for t in terraform.timings)
