"""``drkit check``: the compliance gate on a layout's stacks, by HIPAA safeguard; 1 if one fails."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from drkit import compliance
from drkit.commands import arguments
from drkit.deploy.synth import synthesize
from drkit.errors import SpecError
from drkit.operations.check import drkit_findings, evaluate
from drkit.operations.check.render import FORMATS, RENDER
from drkit.operations.synthesized import read_synthesized


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit check``."""
    arguments.add_layout(parser)
    parser.add_argument(
        "--synthesized",
        type=arguments.synth_output,
        help="check the stacks of this synth output (`drkit synth`'s --outdir) instead of "
        "synthesizing the layout",
    )
    parser.add_argument(
        "--format",
        type=arguments.one_of(*FORMATS),
        default="text",
        help="text (default), json, junit (JUnit XML) or sarif (SARIF 2.1.0)",
    )
    parser.add_argument(
        "-o", "--output", type=arguments.output_file, help="write here instead of stdout"
    )
    arguments.add_workdir(parser, Path(".drkit") / "check")


def run(args: argparse.Namespace) -> int:
    """Synthesize the layout for AWS (as ``cdktf synth``), run checkov on every stack and
    drkit's own controls on all of them; 0 when every safeguard passes, 1 when one fails."""
    if args.synthesized is not None:
        if args.config or args.suffix:
            raise SpecError("--synthesized", str(args.synthesized), "a synth output alone")
        outdir, source = args.synthesized, f"synth output {args.synthesized}"
    else:
        spec = arguments.layout_spec(args, os.environ)
        layout = arguments.layout_environ(args, os.environ)
        outdir, _ = synthesize(args.workdir / "cdktf.out", layout.environ)
        config = layout.environ.get("DRKIT_CONFIG") or "built-in default layout"
        source = f"{config}, suffix {spec.environment_suffix}"
    stacks = read_synthesized(outdir)
    files = tuple(outdir / "stacks" / name / "cdk.tf.json" for name in stacks)
    reports = compliance.scan(files, "terraform_json")
    skips = [s for s in compliance.load_skips() if "json" in s.scans]
    results = evaluate(reports.values(), skips, drkit_findings(stacks))
    text = RENDER[args.format](results, source)
    if args.output is None:
        print(text)
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
        print(f"drkit check | wrote {args.output} ({args.format})", file=sys.stderr)
    return 0 if all(r.passed for r in results) else 1
