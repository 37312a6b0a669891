"""The synthesized stacks of one deployment, and a step run over them in dependency order.

One synthesis writes every stack's ``cdk.tf.json`` (``drkit.regions.stacks`` says which and
in what order). A step (apply, drift, destroy) runs each stack as soon as the stacks it
depends on are done (destroy: the stacks that depend on it), many at once. A failed stack
stops new ones from starting; the step then fails with one line per failed stack, saying
which unreachable region stopped it when its Terraform output names one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TypeVar

import attrs

from drkit.deploy.errors import DeployError, TerraformFailed
from drkit.regions.catalog import short_code
from drkit.regions.stacks import StackPlan, waves

T = TypeVar("T")
#: What a provider's failure to reach an endpoint looks like in Terraform's output.
_UNREACHABLE = re.compile(
    r"request send failed|connection refused|connection reset|EOF|no such host|"
    r"i/o timeout|dial tcp|exceeded maximum number of attempts",
    re.IGNORECASE,
)


@attrs.frozen(kw_only=True)
class StackSet:
    """The stacks one synthesis wrote.

    Attributes:
        outdir: The synth output directory (``<outdir>/stacks/<name>/cdk.tf.json``).
        plans: Every stack, in an order that applies.
    """

    outdir: Path = attrs.field(converter=Path)
    plans: tuple[StackPlan, ...] = attrs.field(converter=tuple)

    def directory(self, name: str) -> Path:
        return self.outdir / "stacks" / name

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.plans)

    def plan(self, name: str) -> StackPlan:
        for p in self.plans:
            if p.name == name:
                return p
        raise KeyError(f"{name} is not a stack of this deployment: {', '.join(self.names)}")

    def unordered(self) -> StackSet:
        """The same stacks with no order among them (for steps that read no other stack's
        state: init, validate)."""
        return attrs.evolve(self, plans=tuple(attrs.evolve(p, depends_on=()) for p in self.plans))

    def missing(self) -> list[Path]:
        """The ``cdk.tf.json`` files the synthesis should have written and did not."""
        files = (self.directory(p.name) / "cdk.tf.json" for p in self.plans)
        return [f for f in files if not f.is_file()]

    def rounds(self, names: Iterable[str] | None = None) -> tuple[tuple[StackPlan, ...], ...]:
        """The stacks (all, or only ``names``) in dependency rounds."""
        chosen = set(self.names if names is None else names)
        for name in chosen:
            self.plan(name)
        return tuple(
            kept
            for kept in (tuple(p for p in wave if p.name in chosen) for wave in waves(self.plans))
            if kept
        )


class StacksFailed(DeployError):
    """Some stacks' step failed; one line each, naming an unreachable region when it is one.

    Attributes:
        failures: ``stack name -> error``.
        lines: One line per failed stack.
    """

    def __init__(self, step: str, failures: dict[str, Exception], plans: dict[str, StackPlan]):
        self.failures = failures
        self.lines = [failure_line(step, plans[n], e) for n, e in failures.items()]
        details = "\n\n".join(f"{name}: {e}" for name, e in failures.items())
        super().__init__("\n".join(self.lines) + "\n\n" + details)


def failure_line(step: str, plan: StackPlan, error: Exception) -> str:
    """``drkit-dns: plan failed: us-east-1 is unreachable (...)`` or the error's first line."""
    region = unreachable_region(plan, error)
    if region is not None:
        return (
            f"{plan.name}: {step} failed: {region} is unreachable "
            f"(the stack needs {', '.join(sorted(plan.needs))})"
        )
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"{plan.name}: {step} failed: {first}"


def unreachable_region(plan: StackPlan, error: Exception) -> str | None:
    """The region whose endpoints the stack could not reach, when its output says so.

    Terraform names the provider of a failing data source or resource in its diagnostics
    (``provider["registry.terraform.io/hashicorp/aws"].usw2``); a stack's providers are
    aliased by their regions' short codes. A stack with one provider needs no alias to tell.
    """
    text = error.stderr_tail if isinstance(error, TerraformFailed) else str(error)
    if not _UNREACHABLE.search(text):
        return None
    for region in plan.needs:
        if re.search(rf"\]\.{short_code(region)}\b|\baws\.{short_code(region)}\b", text):
            return region
    return next(iter(plan.needs)) if len(plan.needs) == 1 else None


def run_rounds(
    stacks: StackSet,
    step: str,
    action: Callable[[StackPlan], T],
    *,
    names: Iterable[str] | None = None,
    reverse: bool = False,
) -> dict[str, T]:
    """``action`` on every stack (or ``names``), each as soon as the stacks it depends on are
    done (with ``reverse``, as soon as the stacks that depend on it are done).

    Raises:
        StacksFailed: Once no stack is running after a failure (no new stack starts after
            one failed: the others of the moment finish, the rest never start).
    """
    chosen = {p.name: p for r in stacks.rounds(names) for p in r}
    after = {
        name: {d for d in plan.depends_on if d in chosen}
        if not reverse
        else {o.name for o in chosen.values() if name in o.depends_on}
        for name, plan in chosen.items()
    }
    results: dict[str, T] = {}
    failures: dict[str, Exception] = {}
    pending, running = set(chosen), {}
    with ThreadPoolExecutor(max_workers=max(len(chosen), 1)) as pool:
        while pending or running:
            if not failures:
                for name in sorted(n for n in pending if after[n] <= results.keys()):
                    running[pool.submit(action, chosen[name])] = name
                    pending.discard(name)
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                name = running.pop(future)
                error = future.exception()
                if error is None:
                    results[name] = future.result()
                elif isinstance(error, Exception):
                    failures[name] = error
                else:
                    raise error
    if failures:
        raise StacksFailed(step, failures, {p.name: p for p in stacks.plans})
    return results
