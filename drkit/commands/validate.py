"""``drkit validate``: synthesize 2 and 3 regions for AWS and run ``terraform validate`` offline."""

from __future__ import annotations

import argparse
from pathlib import Path

from drkit.commands.arguments import workdir
from drkit.deploy.validate import validate_layouts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit validate``."""
    parser.add_argument("--workdir", type=workdir, default=Path(".drkit") / "validate")


def run(args: argparse.Namespace) -> int:
    """0 when both layouts validate; a failure raises (exit 1 with its message)."""
    return validate_layouts(args.workdir)
