"""The read-only preflight: nothing is drained unless every check here passes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from drkit.errors import DrillError
from drkit.operations.drill.checkers import Route53View
from drkit.operations.drill.plan import DrillPlan
from drkit.operations.drill.route53 import checker_reports, find_health_checks
from drkit.operations.drill.switch import Switch, read_switch
from drkit_runtime.contract import DRAIN_ACTIVE


@attrs.frozen(kw_only=True)
class Preflight:
    """What the read-only preflight found.

    Attributes:
        switch: The drain switch as it is now.
        health_check_ids: ``region -> health check id``.
    """

    switch: Switch
    health_check_ids: Mapping[str, str]

    @classmethod
    def check(cls, plan: DrillPlan, *, ssm: Any, route53: Any) -> Preflight:
        """Read only: the switch must read active, and every other region be healthy.

        Raises:
            DrillError: The switch is missing or not active, a tagged health
                check is missing, or another region is not healthy.
        """
        switch = read_switch(ssm, plan.parameter_name, plan.region)
        if switch.value.strip().lower() != DRAIN_ACTIVE:
            raise DrillError(
                f"drain switch {plan.parameter_name} reads {switch.value!r}, "
                f"not {DRAIN_ACTIVE!r}: a maintenance drain may be in progress, and the drill "
                "would end it; restore it by hand first if it is stale"
            )
        ids = _health_check_ids(route53, plan)
        for region in plan.others:
            _require_healthy(route53, plan, region, ids[region])
        return cls(switch=switch, health_check_ids=ids)


def _health_check_ids(route53: Any, plan: DrillPlan) -> dict[str, str]:
    ids = find_health_checks(route53, plan.health_check_names)
    missing = [r for r in plan.health_check_names if r not in ids]
    if missing:
        names = ", ".join(f"Name={plan.health_check_names[r]}" for r in missing)
        raise DrillError(f"no Route 53 health check tagged {names}: is this deployment applied?")
    return ids


def _require_healthy(route53: Any, plan: DrillPlan, region: str, health_check_id: str) -> None:
    view = Route53View(threshold=plan.inputs.health_check_failure_threshold)
    view.update(checker_reports(route53, health_check_id))
    if not view.healthy:
        raise DrillError(
            f"{region} is not healthy ({view.failing}/{view.checkers} checkers failing): "
            f"draining {plan.region} now could leave no healthy region"
        )
