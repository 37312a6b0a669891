"""``drkit graph``: draw the topology of the synthesized stack (Mermaid; DOT; SVG with Graphviz)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from drkit.commands import arguments
from drkit.deploy.synth import synthesize
from drkit.errors import SpecError
from drkit.operations.graph import StackTopology, draw, to_dot, to_mermaid, to_svg
from drkit.regions.spec import DeploymentSpec, Target

FORMATS = {"mermaid": to_mermaid, "dot": to_dot, "svg": to_svg}
#: An ``--output`` file's suffix picks the format when ``--format`` is not given.
SUFFIXES = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit graph``."""
    arguments.add_layout(parser)
    parser.add_argument(
        "--stack",
        type=arguments.existing_file("a cdk.tf.json"),
        help="draw this cdk.tf.json (say, cdktf.out/stacks/drkit/cdk.tf.json) instead of "
        "synthesizing the layout",
    )
    parser.add_argument(
        "--format",
        type=arguments.one_of(*sorted(FORMATS)),
        help="mermaid (the default), dot, or svg (needs Graphviz's dot on the PATH)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=arguments.output_file,
        help="write here instead of stdout (.svg/.dot/.mmd pick --format)",
    )
    parser.add_argument(
        "--workdir",
        type=arguments.workdir,
        default=Path(".drkit") / "graph",
        help="where the synth output goes",
    )


def run(args: argparse.Namespace) -> int:
    """Synthesize (for AWS, as ``cdktf synth`` would) or read ``--stack``; draw; print or write."""
    fmt = args.format or SUFFIXES.get(args.output.suffix if args.output else "", "mermaid")
    if args.stack is not None:
        if args.config or args.suffix:
            raise SpecError(
                "--stack", str(args.stack), "a stack file alone, without --config/--suffix"
            )
        stack = _read_stack(args.stack)
    else:
        stack = _synthesize(args)
    text = FORMATS[fmt](draw(StackTopology.from_stack(stack)))
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"drkit graph | wrote {args.output} ({fmt})", file=sys.stderr)
    return 0


def _read_stack(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise SpecError("--stack", str(path), f"a readable cdk.tf.json ({err})") from None


def _synthesize(args: argparse.Namespace) -> dict:
    environ = arguments.layout_environ(args, os.environ).environ
    environ["DRKIT_TARGET"] = Target.AWS.value
    DeploymentSpec.from_environment(environ)  # a bad spec is refused before the synth
    outdir = Path(args.workdir).resolve() / "cdktf.out"
    shutil.rmtree(outdir, ignore_errors=True)
    stack_dir, _ = synthesize(outdir, environ)
    return json.loads((stack_dir / "cdk.tf.json").read_text(encoding="utf-8"))
