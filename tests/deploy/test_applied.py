"""drkit.deploy.applied.LastApplies: a stack is left alone only when its configuration, the
outputs it reads and its own state are those of its last apply."""

from __future__ import annotations

import json
from pathlib import Path

from drkit.deploy.applied import LastApplies
from drkit.regions.stacks import StackKind, StackPlan

REGION = StackPlan(
    name="drkit-use1", kind=StackKind.REGION, regions=("us-east-1",), region="us-east-1"
)
LINKS = StackPlan(
    name="drkit-links",
    kind=StackKind.LINKS,
    regions=("us-east-1",),
    depends_on=("drkit-use1",),
    reads_state_of=("drkit-use1",),
)


def _write(outdir: Path, plan: StackPlan, config: dict, *, serial: int, outputs: dict) -> Path:
    directory = outdir / "stacks" / plan.name
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cdk.tf.json").write_text(json.dumps(config))
    state = {"serial": serial, "outputs": outputs}
    (outdir / f"terraform.{plan.name}.tfstate").write_text(json.dumps(state))
    return directory


def test_only_a_stack_whose_inputs_and_state_are_as_applied_is_unchanged(tmp_path: Path) -> None:
    """Unchanged after its apply; changed by its configuration, by an output it reads, by
    another apply of it (its serial), and never applied: changed."""
    last = LastApplies(tmp_path)
    _write(tmp_path, REGION, {"r": 1}, serial=3, outputs={"api": {"value": "a"}})
    links = _write(tmp_path, LINKS, {"l": 1}, serial=7, outputs={})
    assert not last.unchanged(LINKS, last.inputs(LINKS, links))
    last.applied(LINKS, last.inputs(LINKS, links))
    assert last.unchanged(LINKS, last.inputs(LINKS, links))

    _write(tmp_path, LINKS, {"l": 2}, serial=7, outputs={})
    assert not last.unchanged(LINKS, last.inputs(LINKS, links))
    _write(tmp_path, LINKS, {"l": 1}, serial=7, outputs={})
    _write(tmp_path, REGION, {"r": 1}, serial=4, outputs={"api": {"value": "b"}})
    assert not last.unchanged(LINKS, last.inputs(LINKS, links))
    _write(tmp_path, REGION, {"r": 1}, serial=5, outputs={"api": {"value": "a"}})
    assert last.unchanged(LINKS, last.inputs(LINKS, links))  # its serial is not an input
    _write(tmp_path, LINKS, {"l": 1}, serial=8, outputs={})
    assert not last.unchanged(LINKS, last.inputs(LINKS, links))
