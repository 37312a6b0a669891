"""``drkit graph``: draw every synthesized stack's topology (Mermaid; DOT; SVG with Graphviz)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from drkit.commands import arguments
from drkit.deploy.synth import synthesize
from drkit.errors import SpecError
from drkit.operations.graph import draw, from_merged, to_dot, to_mermaid, to_svg
from drkit.operations.graph.output import output_format
from drkit.operations.synthesized import merge_stacks, read_synthesized
from drkit.regions.spec import DeploymentSpec, Target

FORMATS = {"mermaid": to_mermaid, "dot": to_dot, "svg": to_svg}
#: What ``--synthesized`` takes.
SYNTHESIZED = "a synth output directory holding cdktf's manifest.json, say cdktf.out"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit graph``."""
    arguments.add_layout(parser)
    parser.add_argument(
        "--synthesized",
        type=arguments.synth_output,
        metavar="DIR",
        help="draw the stacks of this synth output (a directory holding cdktf's "
        "manifest.json, say cdktf.out) instead of synthesizing the layout",
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
    """Synthesize every stack (for AWS, as ``cdktf synth`` would) or read ``--synthesized``;
    draw the whole deployment; print or write."""
    fmt = output_format(args.format, args.output)
    if args.synthesized is not None:
        if args.config or args.suffix:
            raise SpecError(
                "--synthesized",
                str(args.synthesized),
                "a synth output alone, without --config/--suffix",
            )
        document = _read(args.synthesized)
    else:
        document = _synthesize(args)
    text = FORMATS[fmt](draw(from_merged(document)))
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"drkit graph | wrote {args.output} ({fmt})", file=sys.stderr)
    return 0


def _read(outdir: Path) -> dict[str, Any]:
    """Every stack of the synth output ``outdir`` (checked when parsed), as one document."""
    try:
        return merge_stacks(read_synthesized(outdir))
    except (OSError, ValueError, KeyError, TypeError) as err:  # ValueError: not JSON
        raise SpecError(
            "--synthesized", str(outdir), f"{SYNTHESIZED}, readable ({type(err).__name__}: {err})"
        ) from None


def _synthesize(args: argparse.Namespace) -> dict[str, Any]:
    environ = arguments.layout_environ(args, os.environ).environ
    environ["DRKIT_TARGET"] = Target.AWS.value
    DeploymentSpec.from_environment(environ)  # a bad spec is refused before the synth
    outdir = Path(args.workdir).resolve() / "cdktf.out"
    shutil.rmtree(outdir, ignore_errors=True)
    synthesized, _ = synthesize(outdir, environ)
    return merge_stacks(read_synthesized(synthesized))
