"""The outage drill on a running deployment: one region out, the other region's stack changed.

During a failover ``drkit budget`` asks for more reserved concurrency in the surviving region
so it can take its peer's share. With a region out of the emulator (no answer to anything
signed for it; us-east-1 takes IAM's and Route 53's control planes along), the drill changes
the survivor's API function reservation with drkit's runner, then again with the printed
``cdktf deploy <stack>`` line, reads it back from the survivor, plans every stack to see which
fail and how they say it, and brings the region back.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import attrs

from drkit.deploy.cdktf import run_cdktf
from drkit.deploy.demo import cdktf_commands
from drkit.deploy.local import LocalDeployment
from drkit.deploy.stackset import StacksFailed
from drkit.regions import names
from drkit.regions.catalog import short_code
from drkit.regions.stacks import StackKind, stack_name
from tests.e2e.shared import JSII_BANNER, drift_of


@attrs.frozen(kw_only=True)
class Drill:
    """What the drill saw.

    Attributes:
        out: The region taken out.
        changed: The region whose stack was changed alone.
        reserved: ``how -> the reservation read back after it`` (runner, then cdktf).
        expected: ``how -> the reservation it applied``.
        failed: One line per stack whose plan failed while the region was out.
        planned: The stacks whose plan worked while the region was out.
        drift: What those plans found to change (``<stack>: <change>``; none: no drift). The
            region's return changes nothing they hold, so they need no second plan after it.
        cdktf_output: What ``cdktf deploy <stack>`` printed.
    """

    out: str
    changed: str
    reserved: dict[str, int]
    expected: dict[str, int]
    failed: dict[str, str]
    planned: tuple[str, ...]
    drift: tuple[str, ...]
    cdktf_output: str


def write_layout(base: Path, target: Path, reservations: dict[str, int]) -> Path:
    """``base``'s layout with the API reservation of some regions set, as TOML in ``target``."""
    raw = tomllib.loads(base.read_text(encoding="utf-8"))
    lines = [f"{key} = {_toml(value)}" for key, value in raw.items() if key != "regions"]
    for table in raw["regions"]:
        region = {**table}
        if table["region"] in reservations:
            region["lambda_reserved_concurrency"] = reservations[table["region"]]
        lines += ["", "[[regions]]", *(f"{k} = {_toml(v)}" for k, v in region.items())]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r} here")


def reserved_concurrency(deployment: LocalDeployment, region: str) -> int:
    """The API function's reservation in ``region``, read from the emulated account."""
    name = names.FUNCTIONS["api"].function(deployment.spec.namer, region)
    client = deployment.emulator.client("lambda", region)
    return int(client.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"])


def run(
    deployment: LocalDeployment,
    *,
    out: str,
    changed: str,
    values: tuple[int, int | None],
    base: Path,
    workdir: Path,
    keep_plans: bool = False,
) -> Drill:
    """Take ``out`` out, change ``changed``'s stack alone (runner, then cdktf), plan every
    stack (``keep_plans``: see ``LocalDeployment.drift``), bring ``out`` back. The layout
    file is rewritten in place, so the deployment's environment names the layout last
    applied."""
    layout = workdir / "layout.toml"
    environ = {**deployment.environ, "DRKIT_CONFIG": str(layout)}
    alone = stack_name(StackKind.REGION, changed)
    expected = {"runner": values[0], **({"cdktf": values[1]} if values[1] is not None else {})}
    reserved: dict[str, int] = {}
    deployment.emulator.take_out(out)
    try:
        write_layout(base, layout, {changed: values[0]})
        deployment.use_layout(environ)
        deployment.deploy([alone])
        reserved["runner"] = reserved_concurrency(deployment, changed)
        output = ""
        if values[1] is not None:  # and through the printed `cdktf deploy <stack>` line
            write_layout(base, layout, {changed: values[1]})
            done = run_cdktf(
                cdktf_commands(deployment), "deploy", alone, log=workdir / "cdktf-deploy.log"
            )
            output = done.output
            reserved["cdktf"] = reserved_concurrency(deployment, changed)
        failed: dict[str, str] = {}
        try:
            drift = deployment.drift(keep_plans=keep_plans)
        except StacksFailed as err:
            failed = dict(zip(err.failures, err.lines, strict=True))
            drift = [f"{name}: {line}" for name, lines in err.done.items() for line in lines]
    finally:
        deployment.emulator.bring_back()
    planned = tuple(n for n in deployment.stacks.names if n not in failed)
    return Drill(
        out=out,
        changed=changed,
        reserved=reserved,
        expected=expected,
        failed=failed,
        planned=planned,
        drift=tuple(drift),
        cdktf_output=output,
    )


def check(deployed: dict, change: tuple, *, last: bool, scan: bool, at: Path) -> None:
    """With one region out, the other's stack is planned and applied alone (its API
    function's reservation changed) through the runner and through ``cdktf deploy
    <stack>``; every stack that needs the region out fails its plan with one line naming
    it, and no other does. After the last drill no stack has drift (the second drill
    changes only the stack the first did not): what it planned while the region was out
    holds nothing there, so only the stacks it could not plan are planned, once it is back."""
    out, changed, values = change
    deployment = deployed["deployment"]
    drill = run(
        deployment,
        out=out,
        changed=changed,
        values=values,
        base=Path(deployment.environ["DRKIT_CONFIG"]),  # the layout last applied
        workdir=at,
        keep_plans=last and scan,
    )
    assert drill.reserved == drill.expected
    if "cdktf" in drill.expected:
        assert "Apply complete!" in drill.cdktf_output, drill.cdktf_output[-3000:]
        assert JSII_BANNER not in drill.cdktf_output
    needs_it = {p.name for p in deployment.stacks.plans if out in p.needs}
    assert set(drill.failed) == needs_it
    assert f"drkit-{short_code(changed)}" in drill.planned
    for name, line in drill.failed.items():
        assert line.startswith(f"{name}: drift failed: {out} is unreachable"), line
    if last:
        after = deployment.drift(names=sorted(drill.failed), keep_plans=scan)
        deployed["drift"] = [*drill.drift, *after]
        assert drift_of(deployed, keep_plans=scan) == []
