"""What the end-to-end lifecycles share: each deployment's scenario, served requests and drift
plans, computed once (every Terraform command starts the AWS provider: seconds of CPU)."""

from __future__ import annotations

from drkit.deploy import serve
from drkit.regions.stacks import StackKind, stack_name

JSII_BANNER = "end-of-life"
#: The stacks that keep a retiring region's provider while a region is removed.
RETIRING_PROVIDERS = (stack_name(StackKind.LINKS), stack_name(StackKind.ROUTING))
#: The property each lifecycle records for the run's summary (tests/conftest.py).
REPLAYS = "replays"


def scenario_of(deployed: dict) -> serve.Scenario:
    if "scenario" not in deployed:
        deployed["scenario"] = deployed["deployment"].scenario()
    return deployed["scenario"]


def drift_of(deployed: dict, *, keep_plans: bool) -> list[str]:
    """The changes a second plan finds (none: no drift), planned once per deployment unless
    its day-2 test already did; with ``keep_plans``, each stack's plan is kept for the checkov
    scan (a ``terraform show -json`` apiece)."""
    if "drift" not in deployed:
        deployed["drift"] = deployed["deployment"].drift(keep_plans=keep_plans)
    return deployed["drift"]


def served_of(deployed: dict) -> list[serve.Served]:
    if "served" not in deployed:
        deployed["served"] = scenario_of(deployed).run()
    return deployed["served"]
