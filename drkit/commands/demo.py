"""``drkit demo``: deploy the whole stack to the embedded AWS emulator, summarize it, destroy it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from drkit.commands import arguments
from drkit.deploy.demo import DEFAULT_WORKDIR, run_demo
from drkit.errors import SpecError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit demo``."""
    parser.add_argument(
        "--config",
        type=arguments.layout_file,
        help="a TOML layout (default: DRKIT_CONFIG, else the built-in two regions)",
    )
    parser.add_argument(
        "--suffix",
        type=arguments.suffix,
        help="environment suffix (default: ENVIRONMENT_SUFFIX, else 'dev')",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="after applying, keep the emulator running for exploration until Ctrl-C, then destroy",
    )
    parser.add_argument(
        "--workdir",
        type=arguments.workdir,
        default=DEFAULT_WORKDIR,
        help="where synth output, state and logs go",
    )
    parser.add_argument(
        "--port",
        type=arguments.integer(1, 65535),
        help="emulator port on 127.0.0.1 (default: any free one)",
    )


def run(args: argparse.Namespace) -> int:
    """--config and --suffix win over DRKIT_CONFIG and ENVIRONMENT_SUFFIX (and errors in
    their values name them)."""
    environ = {k: v for k in ("DRKIT_CONFIG", "ENVIRONMENT_SUFFIX") if (v := os.environ.get(k))}
    given: dict[str, str] = {}  # variable -> the argument that set it
    if args.config:
        environ["DRKIT_CONFIG"] = str(Path(args.config).resolve())
        given["DRKIT_CONFIG"] = "--config"
    if args.suffix:
        environ["ENVIRONMENT_SUFFIX"] = args.suffix
        given["ENVIRONMENT_SUFFIX"] = "--suffix"
    try:
        return run_demo(environ, workdir=args.workdir, keep=args.keep, port=args.port)
    except SpecError as err:
        raise (err.renamed(given[err.field]) if err.field in given else err) from None
