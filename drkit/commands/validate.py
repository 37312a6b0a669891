"""``drkit validate``: synthesize a layout for AWS and run ``terraform validate`` offline."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from drkit.commands import arguments
from drkit.deploy.validate import validate_layouts
from drkit.errors import SpecError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit validate``."""
    arguments.add_layout(parser)
    parser.add_argument(
        "--json", action="store_true", help="print the result as JSON, once every layout is valid"
    )
    parser.add_argument(
        "--workdir",
        type=arguments.workdir,
        default=Path(".drkit") / "validate",
        help="where the synth output and Terraform's working files go",
    )


def run(args: argparse.Namespace) -> int:
    """The layout --config/--suffix (else DRKIT_CONFIG/ENVIRONMENT_SUFFIX) name; with none,
    the built-in two regions and the three-region example. 0 when each validates; a failure
    raises (exit 1 with its message), a bad layout exits 2 naming the field."""
    layout = arguments.layout_environ(args, os.environ)
    try:
        return validate_layouts(args.workdir, layout.environ, as_json=args.json)
    except SpecError as err:
        raise layout.renamed(err) from None
