"""``drkit audit``: verify every region's audit chain; exit 1 when any is broken."""

from __future__ import annotations

import argparse
import json
import os
import sys

from botocore.exceptions import BotoCoreError, ClientError

from drkit.commands import arguments
from drkit.operations.audit import audit, read_anchor
from drkit.operations.drill.clients import boto3_clients


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit audit``."""
    arguments.add_layout(parser)
    parser.add_argument(
        "--region",
        action="append",
        type=arguments.region,
        default=[],
        help="verify only this region's chain (repeatable; default: every region)",
    )
    parser.add_argument(
        "--anchor",
        type=arguments.existing_file("an earlier drkit audit --json"),
        metavar="FILE",
        help="an earlier `drkit audit --json`: each lane must still hold the head seen then "
        "(finds a rewritten and re-chained tail)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    arguments.add_endpoint_url(parser)


def run(args: argparse.Namespace) -> int:
    """0 when every chain is whole; 1 when any break was found or a table could not be read."""
    spec = arguments.layout_spec(args, os.environ)
    anchors = read_anchor(args.anchor) if args.anchor else None
    try:
        report = audit(
            spec,
            boto3_clients(endpoint_url=args.endpoint_url),
            regions=args.region,
            anchors=anchors,
        )
    except (BotoCoreError, ClientError) as err:  # no credentials, no answer, access denied
        print(f"drkit audit: the audit table could not be read: {err}", file=sys.stderr)
        return 1
    print(json.dumps(report.to_json(), indent=2) if args.json else report.render())
    return 0 if report.whole else 1
