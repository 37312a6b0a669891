"""What a drill touches and how long it looks, derived from the spec alone (no AWS calls)."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from drkit.errors import SpecError
from drkit.regions import budget, names
from drkit.regions.spec import DeploymentSpec


@attrs.frozen(kw_only=True)
class DrillPlan:
    """What a drill of one region touches.

    Attributes:
        region: The region to drain.
        weight: Its share of DNS traffic in percent.
        parameter_name: Its drain switch.
        health_check_names: ``region -> Name tag`` of each region's health check.
        api_domain_name: The shared API name clients resolve.
        inputs: The spec's budget numbers.
    """

    region: str
    weight: int
    parameter_name: str
    health_check_names: Mapping[str, str]
    api_domain_name: str
    inputs: budget.BudgetInputs

    @classmethod
    def from_spec(cls, spec: DeploymentSpec, region: str) -> DrillPlan:
        """Raises SpecError when ``region`` is not one of the spec's regions."""
        regions = [r.region for r in spec.regions]
        if region not in regions:
            raise SpecError(
                "--region", region, "a region of this deployment: " + ", ".join(regions)
            )
        namer = spec.namer
        return cls(
            region=region,
            weight=next(r.weight for r in spec.regions if r.region == region),
            parameter_name=names.DRAIN_SWITCH(namer, region),
            health_check_names={r: names.HEALTH_CHECK(namer, r) for r in regions},
            api_domain_name=spec.api_domain_name,
            inputs=spec.budget_inputs,
        )

    @property
    def others(self) -> tuple[str, ...]:
        """The regions that must stay healthy while this one is drained."""
        return tuple(r for r in self.health_check_names if r != self.region)


@attrs.frozen(kw_only=True)
class DrillSettings:
    """How long and how often the drill looks.

    Attributes:
        timeout_seconds: Give up waiting (then restore) after this long; also
            bounds the wait for recovery.
        poll_seconds: Pause between polls; at most the health-check interval,
            or the unhealthy time is estimated late.
        samples_per_poll: Requests to the API name per poll.
    """

    timeout_seconds: float = 600.0
    poll_seconds: float = 5.0
    samples_per_poll: int = 5
