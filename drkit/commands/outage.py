"""``drkit outage``: rehearse a regional outage on a kept demo (``drkit demo --keep``)."""

from __future__ import annotations

import argparse
import os

from drkit.commands import arguments
from drkit.deploy.outage import change_outage
from drkit.errors import SpecError

ACTIONS = ("take-out", "bring-back", "status")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit outage``."""
    parser.add_argument(
        "action",
        type=arguments.one_of(*ACTIONS),
        help="take-out REGION...: the emulator stops answering them (us-east-1 takes IAM's "
        "and Route 53's control planes with it); bring-back [REGION...]: all when none is "
        "named; status: which regions are out",
    )
    parser.add_argument("regions", nargs="*", type=arguments.region, help="AWS region names")
    parser.add_argument(
        "--endpoint",
        type=arguments.endpoint_url,
        help="the emulator's URL (default: AWS_ENDPOINT_URL, as drkit demo --keep prints it)",
    )


def run(args: argparse.Namespace) -> int:
    endpoint = args.endpoint or os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        raise SpecError("--endpoint", None, "the kept demo's emulator URL (or AWS_ENDPOINT_URL)")
    if args.action == "take-out" and not args.regions:
        raise SpecError("regions", [], "at least one region to take out")
    print(f"drkit outage | {change_outage(endpoint, args.action, args.regions)}")
    return 0
