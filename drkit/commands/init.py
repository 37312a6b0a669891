"""``drkit init``: write a layout file to start from, every field at its default and explained."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drkit.commands import arguments
from drkit.errors import SpecError
from drkit.regions.reference import starter_layout


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit init``."""
    parser.add_argument(
        "-o",
        "--output",
        type=arguments.output_file,
        default=Path("drkit.toml"),
        help="the layout file to write (default drkit.toml; an existing file is kept)",
    )


def run(args: argparse.Namespace) -> int:
    """Write the file; refuse to overwrite one."""
    if args.output.exists():
        raise SpecError("--output", str(args.output), "a file that does not exist yet")
    args.output.write_text(starter_layout(), encoding="utf-8")
    print(
        f"drkit init | wrote {args.output}: DRKIT_CONFIG={args.output} drkit validate",
        file=sys.stderr,
    )
    return 0
