"""``drkit demo``: deploy the whole stack to the embedded AWS emulator, summarize it, destroy it."""

from __future__ import annotations

import argparse
import os

from drkit.commands import arguments
from drkit.deploy.demo import DEFAULT_WORKDIR, run_demo
from drkit.errors import SpecError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit demo``."""
    arguments.add_layout(parser)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="after applying, keep the emulator running for exploration until Ctrl-C, then destroy",
    )
    arguments.add_workdir(parser, DEFAULT_WORKDIR)
    parser.add_argument(
        "--port",
        type=arguments.integer(1, 65535),
        help="emulator port on 127.0.0.1 (default: any free one)",
    )


def run(args: argparse.Namespace) -> int:
    """--config and --suffix win over DRKIT_CONFIG and ENVIRONMENT_SUFFIX (and errors in
    their values name them)."""
    layout = arguments.layout_environ(args, os.environ)
    try:
        return run_demo(layout.environ, workdir=args.workdir, keep=args.keep, port=args.port)
    except SpecError as err:
        raise layout.renamed(err) from None
