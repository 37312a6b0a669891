"""``drkit synth``: write every stack's ``cdk.tf.json`` for a layout, as ``cdktf synth`` does."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from drkit.commands import arguments
from drkit.deploy.synth import synthesize


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit synth``."""
    arguments.add_layout(parser)
    parser.add_argument(
        "--outdir",
        type=arguments.workdir,
        default=Path("cdktf.out"),
        help="where the stacks go: <outdir>/stacks/<stack>/cdk.tf.json (default cdktf.out)",
    )


def run(args: argparse.Namespace) -> int:
    """The layout is checked first (a bad one exits 2 naming the field, before any
    synthesis); then every stack is written, one line each."""
    spec = arguments.layout_spec(args, os.environ)
    layout = arguments.layout_environ(args, os.environ)
    outdir, seconds = synthesize(args.outdir, layout.environ)
    for plan in spec.stacks:
        print(outdir / "stacks" / plan.name / "cdk.tf.json")
    print(f"drkit synth | {len(spec.stacks)} stacks in {seconds:.1f} s", flush=True)
    return 0
