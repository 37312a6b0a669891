"""``drkit preflight``: check a real account's quotas and DNS before a deploy; exit 1 if refused."""

from __future__ import annotations

import argparse
import json
import os

from drkit.commands import arguments
from drkit.operations.drill.clients import boto3_clients
from drkit.operations.preflight import public_name_servers, run_preflight


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit preflight``."""
    arguments.add_layout(parser)
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument(
        "--lambda-memory-quota",
        type=arguments.integer(128, 10240),
        metavar="MB",
        help="the Lambda memory quota AWS confirmed for the account (no API reads it)",
    )
    arguments.add_endpoint_url(parser, also="the public DNS check is then skipped")


def run(args: argparse.Namespace) -> int:
    """The spec: ``--config``/``--suffix``, else DRKIT_CONFIG/ENVIRONMENT_SUFFIX, as for app.py."""
    spec = arguments.layout_spec(args, os.environ)
    config = arguments.layout_environ(args, os.environ).environ.get("DRKIT_CONFIG")
    report = run_preflight(
        spec,
        boto3_clients(endpoint_url=args.endpoint_url),
        lookup=None if args.endpoint_url else public_name_servers,
        memory_quota_mb=args.lambda_memory_quota,
        source=f"DRKIT_CONFIG={config}" if config else "built-in default spec",
    )
    print(json.dumps(report.to_json(), indent=2) if args.json else report.render())
    return 0 if report.passed else 1
