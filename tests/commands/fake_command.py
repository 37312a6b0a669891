"""A command for the registry tests: it raises what ``--raise`` names, or returns ``--code``."""

from __future__ import annotations

import argparse

from drkit.errors import ComplianceError, DrillError, SpecError

RAISES = {
    "spec": SpecError("field", 1, "2"),
    "compliance": ComplianceError("control", "off"),
    "drill": DrillError("refused"),
    "interrupt": KeyboardInterrupt(),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raise", dest="raise_", choices=sorted(RAISES))
    parser.add_argument("--code", type=int, default=0)


def run(args: argparse.Namespace) -> int:
    if args.raise_:
        raise RAISES[args.raise_]
    return args.code
