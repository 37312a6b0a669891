"""What a local deployment's applies saw, and what each stack was last applied from.

``LastApplies`` lets a release apply only the stacks it changes. A stack is unchanged when its
synthesized ``cdk.tf.json``, the outputs of the stacks it reads (their state files'
``outputs``) and its own state (its serial: nothing else applied it since) are what they were
when this deployment last applied it: a plan without a refresh, which is what a release makes,
would find nothing to do, and costs a provider's schema load and a graph walk for nothing
(docs/performance.md). Anything else, or a stack never applied by this deployment, is applied.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import attrs

from drkit.deploy.terraform import Terraform
from drkit.deploy.terraform.plans import describe_changes
from drkit.regions.stacks import StackPlan

PLAN_FILE = "drkit.tfplan"
DRIFT_FILE = "drift.tfplan"


@attrs.frozen(kw_only=True)
class Applied:
    """What a deploy saw.

    Attributes:
        plans: ``stack -> the plan it applied`` (``terraform show -json``), with ``scan``.
        drift: One ``<stack>: <change>`` line per change a second plan found, with ``check``.
        skipped: The stacks left as they were (unchanged since their last apply).
    """

    plans: dict[str, dict[str, Any]]
    drift: list[str]
    skipped: tuple[str, ...] = ()


def drift_of(_: StackPlan, tf: Terraform) -> list[str]:
    """The changes a plan of the stack finds (none: no drift)."""
    changed = bool(tf.plan(out=DRIFT_FILE, detailed_exitcode=True))
    return describe_changes(tf.show_json(DRIFT_FILE)) if changed else []


@attrs.define
class LastApplies:
    """Each stack's inputs and state serial at its last apply by this deployment.

    Attributes:
        outdir: The synth output folder, which holds every stack's local state file
            (``terraform.<stack>.tfstate``, drkit.stacks.base).
    """

    outdir: Path
    _seen: dict[str, tuple[str, int]] = attrs.field(factory=dict, init=False)

    def inputs(self, plan: StackPlan, directory: Path) -> str:
        """A digest of the stack's configuration and of the outputs it reads."""
        digest = hashlib.sha256((directory / "cdk.tf.json").read_bytes())
        for name in sorted({*plan.depends_on, *plan.reads_state_of}):
            outputs = self._state(name).get("outputs", {})
            digest.update(json.dumps(outputs, sort_keys=True).encode())
        return digest.hexdigest()

    def unchanged(self, plan: StackPlan, inputs: str) -> bool:
        return self._seen.get(plan.name) == (inputs, self._serial(plan.name))

    def applied(self, plan: StackPlan, inputs: str) -> None:
        self._seen[plan.name] = (inputs, self._serial(plan.name))

    def _state(self, name: str) -> dict[str, Any]:
        path = self.outdir / f"terraform.{name}.tfstate"
        state: dict[str, Any] = (
            json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        )
        return state

    def _serial(self, name: str) -> int:
        return int(self._state(name).get("serial", -1))
