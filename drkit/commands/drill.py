"""``drkit drill``: a game day on a real deployment; drain one region, measure the failover, restore."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from drkit.operations.drill import (
    Drill,
    DrillError,
    DrillPlan,
    DrillSettings,
    boto3_clients,
    https_probe,
)
from drkit.regions.spec import DeploymentSpec


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise ValueError(text)
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit drill``."""
    parser.add_argument("--region", required=True, help="the region to drain (one of the spec's)")
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=600.0,
        metavar="SECONDS",
        help="give up waiting after this long, then restore (default 600)",
    )
    parser.add_argument(
        "--poll-seconds",
        type=_positive(float),
        default=5.0,
        metavar="SECONDS",
        help="pause between polls; keep it at most the health-check interval (default 5)",
    )
    parser.add_argument(
        "--samples",
        type=_positive(int),
        default=5,
        metavar="N",
        help="requests to the API name per poll (default 5)",
    )
    parser.add_argument(
        "--no-traffic-probe",
        action="store_true",
        help="do not send requests to the API name (measure the health check only)",
    )
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="send AWS calls to an emulator (implies --no-traffic-probe)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="run the read-only preflight and print the plan; change nothing",
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def run(args: argparse.Namespace) -> int:
    """The spec comes from the environment, as for app.py (DRKIT_CONFIG, ENVIRONMENT_SUFFIX)."""
    plan = DrillPlan.from_spec(DeploymentSpec.from_environment(), args.region)
    drill = Drill(
        plan=plan,
        clients=boto3_clients(endpoint_url=args.endpoint_url),
        settings=DrillSettings(
            timeout_seconds=args.timeout,
            poll_seconds=args.poll_seconds,
            samples_per_poll=args.samples,
        ),
        probe=None
        if args.no_traffic_probe or args.endpoint_url
        else https_probe(plan.api_domain_name),
    )
    if args.endpoint_url:
        print(
            f"against an emulator ({args.endpoint_url}) a drill exercises only the flip and the restore: "
            "health checkers and DNS can only be measured in AWS"
        )
    try:
        return drill.run(dry_run=args.dry_run, confirm=None if args.yes else _ask)
    except (BotoCoreError, ClientError) as err:
        raise DrillError(f"AWS refused or failed a call: {err}") from err


def _ask(region: str) -> bool:
    try:
        answer = input(f"Type {region} to drain it now (anything else aborts): ")
    except EOFError:
        return False
    return answer.strip() == region
