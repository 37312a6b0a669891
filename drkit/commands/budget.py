"""``drkit budget``: print the RTO, RPO, capacity and availability budget of the spec; exit 1
when a target is not met (or, with ``--strict``, when a capacity warning is printed)."""

from __future__ import annotations

import argparse
import json
import os

from drkit.commands import arguments
from drkit.commands.arguments import integer, spec_field
from drkit.errors import SpecError
from drkit.operations.budget import SpecBudget
from drkit.operations.budget.inputs import CAPACITY_OVERRIDES, INCIDENTS_OVERRIDE, MOST_INCIDENTS

#: ``--flag`` -> BudgetInputs field it overrides.
OVERRIDE_FLAGS: dict[str, str] = {
    "--interval": "health_check_interval_seconds",
    "--threshold": "health_check_failure_threshold",
    "--dns-cache": "client_dns_cache_seconds",
    "--lag-threshold": "replication_lag_threshold_seconds",
    "--lag-periods": "replication_alarm_evaluation_periods",
    "--rto-target": "rto_target_seconds",
    "--rpo-target": "rpo_target_seconds",
    "--availability-target": "availability_target",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit budget``."""
    arguments.add_layout(parser)
    parser.add_argument("--json", action="store_true", help="print the budget as JSON")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 on any warning too (a region that cannot absorb its largest peer, "
        "replicas past on-demand's instant reads), not only on a missed target",
    )
    group = parser.add_argument_group(
        "what-if overrides", "evaluate the spec with other numbers (nothing is deployed or written)"
    )
    for flag, field in OVERRIDE_FLAGS.items():
        group.add_argument(
            flag, dest=field, type=spec_field(field), metavar="N", help=f"override {field}"
        )
    group.add_argument(
        "--reserved-concurrency",
        dest="lambda_reserved_concurrency",
        type=spec_field("lambda_reserved_concurrency"),
        metavar="N",
        help="override lambda_reserved_concurrency (the capacity rows)",
    )
    group.add_argument(
        "--peak-concurrency",
        dest="peak_concurrency",
        type=spec_field("peak_concurrency"),
        metavar="N",
        help="override peak_concurrency: the deployment's peak of concurrent API executions",
    )
    group.add_argument(
        "--peak-read-units",
        dest="peak_read_units_per_second",
        type=spec_field("peak_read_units_per_second"),
        metavar="N",
        help="override peak_read_units_per_second (the DynamoDB reads of the capacity rows)",
    )
    group.add_argument(
        "--incidents",
        dest=INCIDENTS_OVERRIDE,
        type=integer(0, MOST_INCIDENTS),
        metavar="N",
        help="regional incidents a year in every region (default: modelled, 12)",
    )


def run(args: argparse.Namespace) -> int:
    """Print the budget; 0 when the targets are met, 1 when not or, with ``--strict``, when
    it warns (SpecError: a bad spec)."""
    overrides = {
        field: value
        for field in (*OVERRIDE_FLAGS.values(), *CAPACITY_OVERRIDES, INCIDENTS_OVERRIDE)
        if (value := getattr(args, field, None)) is not None
    }
    layout = arguments.layout_environ(args, os.environ)
    try:
        budget = SpecBudget.from_environment(layout.environ, overrides)
    except SpecError as err:
        raise layout.renamed(err) from None
    print(json.dumps(budget.to_json(), indent=2) if args.json else budget.render())
    refused = args.strict and bool(budget.warnings)
    return 0 if budget.meets_targets and not refused else 1
