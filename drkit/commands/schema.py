"""``drkit schema``: the layout file's JSON Schema, for editors (generated from the model)."""

from __future__ import annotations

import argparse
import json
import sys

from drkit.commands import arguments
from drkit.regions.reference import json_schema


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit schema``."""
    parser.add_argument(
        "-o", "--output", type=arguments.output_file, help="write here instead of stdout"
    )


def run(args: argparse.Namespace) -> int:
    """Print (or write) the schema; types and keys only: ranges and forms are checked when
    the spec is built (`drkit validate`)."""
    text = json.dumps(json_schema(), indent=2) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"drkit schema | wrote {args.output}", file=sys.stderr)
    return 0
