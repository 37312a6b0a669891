"""``drkit drill``: a game day on a real deployment; drain a region, measure failover, restore."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from drkit.commands import arguments
from drkit.errors import SpecError
from drkit.operations.drill import DrillSettings, run_drill

_DEFAULTS = DrillSettings()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit drill``."""
    arguments.add_layout(parser)
    parser.add_argument(
        "--region",
        required=True,
        type=arguments.region,
        help="the region to drain (one of the spec's)",
    )
    parser.add_argument(
        "--timeout",
        type=arguments.seconds(3600),
        default=_DEFAULTS.timeout_seconds,
        metavar="SECONDS",
        help=f"give up waiting after this long, then restore "
        f"(default {_DEFAULTS.timeout_seconds:g})",
    )
    parser.add_argument(
        "--poll-seconds",
        type=arguments.seconds(60),
        default=_DEFAULTS.poll_seconds,
        metavar="SECONDS",
        help="pause between polls; keep it at most the health-check interval "
        f"(default {_DEFAULTS.poll_seconds:g})",
    )
    parser.add_argument(
        "--samples",
        type=arguments.integer(1, 100),
        default=_DEFAULTS.samples_per_poll,
        metavar="N",
        help=f"requests to the API name per poll (default {_DEFAULTS.samples_per_poll})",
    )
    parser.add_argument(
        "--no-traffic-probe",
        action="store_true",
        help="do not send requests to the API name (measure the health check only)",
    )
    arguments.add_endpoint_url(parser, also="implies --no-traffic-probe")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="run the read-only preflight and print the plan; change nothing",
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--report",
        type=arguments.output_file,
        metavar="PATH",
        help="write the evidence file here, whatever the outcome: .json or .md (Markdown)",
    )


def run(args: argparse.Namespace) -> int:
    """The spec: ``--config``/``--suffix``, else DRKIT_CONFIG/ENVIRONMENT_SUFFIX, as for app.py."""
    settings = DrillSettings(
        timeout_seconds=args.timeout,
        poll_seconds=args.poll_seconds,
        samples_per_poll=args.samples,
    )
    return run_drill(
        arguments.layout_spec(args, os.environ),
        args.region,
        settings,
        endpoint_url=args.endpoint_url,
        traffic_probe=not args.no_traffic_probe,
        dry_run=args.dry_run,
        confirm=not args.yes,
        report_path=_report_path(args.report),
    )


def _report_path(path: Path | None) -> Path | None:
    """The evidence file's path; its suffix picks the format (refused before anything runs)."""
    if path is not None and path.suffix not in (".json", ".md"):
        raise SpecError("--report", str(path), "a file ending .json or .md")
    return path
