"""``drkit release``: new Lambda code to one region at a time, each behind a health gate."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from drkit.commands import arguments
from drkit.deploy.release import DEFAULT_BAKE_SECONDS, Gate
from drkit.deploy.release_run import rehearse, release_to_aws, report_lines
from drkit.errors import SpecError

DEFAULT_WORKDIR = ".drkit/release"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit release``."""
    arguments.add_layout(parser)
    parser.add_argument(
        "--runtime",
        type=arguments.runtime_folder,
        help="the folder of Lambda code to release (holding drkit_runtime; "
        "default: DRKIT_RUNTIME, else assets/runtime)",
    )
    parser.add_argument(
        "--bake-seconds",
        type=arguments.seconds(3600, zero=True),
        default=DEFAULT_BAKE_SECONDS,
        metavar="SECONDS",
        help=f"how long each region must stay healthy (default {DEFAULT_BAKE_SECONDS:g})",
    )
    parser.add_argument(
        "--interval-seconds",
        type=arguments.seconds(60),
        default=10.0,
        metavar="SECONDS",
        help="pause between /health probes while a region bakes (default 10)",
    )
    parser.add_argument(
        "--emulator",
        action="store_true",
        help="rehearse on the embedded emulator: deploy the current code, release, destroy",
    )
    arguments.add_workdir(parser, DEFAULT_WORKDIR, when="with --emulator: ")


def run(args: argparse.Namespace) -> int:
    """0 when every region took the release; 1 when a gate failed (that region rolled back,
    the rest untouched)."""
    layout = arguments.layout_environ(args, os.environ)
    given = args.runtime or os.environ.get("DRKIT_RUNTIME")
    runtime = Path(given) if given else None
    gate = Gate(bake_seconds=args.bake_seconds, interval_seconds=args.interval_seconds)

    def say(line: str) -> None:
        print(f"drkit release | {line}", file=sys.stderr, flush=True)

    try:
        if args.emulator:
            report = rehearse(layout.environ, runtime, gate, workdir=args.workdir, say=say)
        else:
            report = release_to_aws(layout.environ, runtime, gate, say=say)
    except SpecError as err:
        raise layout.renamed(err) from None
    print("\n".join(report_lines(report)), flush=True)
    return 0 if report.ok else 1
