"""``drkit synth``: write every stack's ``cdk.tf.json`` for a layout, as ``cdktf synth`` does."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from drkit.commands import arguments
from drkit.deploy.synth import synthesize
from drkit.operations.synthesized import read_synthesized, size_warnings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit synth``."""
    arguments.add_layout(parser)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--outdir",
        type=arguments.workdir,
        default=Path("cdktf.out"),
        help="where the stacks go: <outdir>/stacks/<stack>/cdk.tf.json (default cdktf.out)",
    )


def run(args: argparse.Namespace) -> int:
    """The layout is checked first (a bad one exits 2 naming the field, before any
    synthesis); then every stack is written, a line each (or one JSON document)."""
    spec = arguments.layout_spec(args, os.environ)
    layout = arguments.layout_environ(args, os.environ)
    outdir, seconds = synthesize(args.outdir, layout.environ)
    stacks = read_synthesized(outdir)
    paths = {p.name: outdir / "stacks" / p.name / "cdk.tf.json" for p in spec.stacks}
    sizes = {name: path.stat().st_size for name, path in paths.items()}
    resources = sum(len(r) for s in stacks.values() for r in s.get("resource", {}).values())
    peerings = len(spec.regions) * (len(spec.regions) - 1) // 2
    warnings = size_warnings(sizes, resources, peerings)
    if args.json:
        result = {
            "stacks": {name: str(path) for name, path in paths.items()},
            "resources": resources,
            "peerings": peerings,
            "seconds": round(seconds, 1),
            "warnings": warnings,
        }
        print(json.dumps(result, indent=2), flush=True)
        return 0
    for path in paths.values():
        print(path)
    print(
        f"drkit synth | {len(stacks)} stacks, {resources} resources, {peerings} VPC peerings "
        f"in {seconds:.1f} s",
        flush=True,
    )
    for warning in warnings:
        print(f"drkit synth | warning: {warning}", file=sys.stderr)
    return 0
