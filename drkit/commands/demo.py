"""``drkit demo``: deploy the whole stack to the embedded AWS emulator, summarize it, destroy it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from drkit.deploy.demo import DEFAULT_WORKDIR, run_demo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit demo``."""
    parser.add_argument(
        "--config", help="a TOML layout (default: DRKIT_CONFIG, else the built-in two regions)"
    )
    parser.add_argument(
        "--suffix", help="environment suffix (default: ENVIRONMENT_SUFFIX, else 'dev')"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="after applying, keep the emulator running for exploration until Ctrl-C, then destroy",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=DEFAULT_WORKDIR,
        help="where synth output, state and logs go",
    )
    parser.add_argument(
        "--port", type=int, help="emulator port on 127.0.0.1 (default: any free one)"
    )


def run(args: argparse.Namespace) -> int:
    """--config and --suffix win over DRKIT_CONFIG and ENVIRONMENT_SUFFIX."""
    environ = {k: v for k in ("DRKIT_CONFIG", "ENVIRONMENT_SUFFIX") if (v := os.environ.get(k))}
    if args.config:
        environ["DRKIT_CONFIG"] = str(Path(args.config).resolve())
    if args.suffix:
        environ["ENVIRONMENT_SUFFIX"] = args.suffix
    return run_demo(environ, workdir=args.workdir, keep=args.keep, port=args.port)
