"""``drkit budget``: print the RTO/RPO budget of the spec; exit 1 when a target is not met."""

from __future__ import annotations

import argparse
import json
import os

from drkit.commands.arguments import integer, spec_field
from drkit.operations.budget import SpecBudget
from drkit.operations.budget.inputs import CAPACITY_OVERRIDES

#: ``--flag`` -> BudgetInputs field it overrides.
OVERRIDE_FLAGS: dict[str, str] = {
    "--interval": "health_check_interval_seconds",
    "--threshold": "health_check_failure_threshold",
    "--dns-cache": "client_dns_cache_seconds",
    "--lag-threshold": "replication_lag_threshold_seconds",
    "--lag-periods": "replication_alarm_evaluation_periods",
    "--rto-target": "rto_target_seconds",
    "--rpo-target": "rpo_target_seconds",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``drkit budget``."""
    parser.add_argument("--json", action="store_true", help="print the budget as JSON")
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
        type=integer(1, 1_000_000),
        metavar="N",
        help="the deployment's peak of concurrent API executions (default: modelled as what "
        "the busiest region serves at its reservation)",
    )


def run(args: argparse.Namespace) -> int:
    """Print the budget; 0 when the targets are met, 1 when not (SpecError: a bad spec)."""
    overrides = {
        field: value
        for field in (*OVERRIDE_FLAGS.values(), *CAPACITY_OVERRIDES)
        if (value := getattr(args, field, None)) is not None
    }
    budget = SpecBudget.from_environment(os.environ, overrides)
    print(json.dumps(budget.to_json(), indent=2) if args.json else budget.render())
    return 0 if budget.report.meets_targets else 1
