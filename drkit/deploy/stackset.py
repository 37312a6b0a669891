"""The synthesized stacks of one deployment, and a step run over them in dependency order.

One synthesis writes every stack's ``cdk.tf.json`` (``drkit.regions.stacks`` says which and
in what order). A step (apply, drift, destroy) runs each stack as soon as the stacks it
depends on are done (destroy: the stacks that depend on it), many at once. A failed stack
stops new ones from starting; the step then fails with one line per failed stack, saying
which unreachable region stopped it when its Terraform output names one. With a probe, a
stack that needs a region which does not answer is not started at all: it fails at once
with that line, instead of after the provider's retries (half a minute or more apiece).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TypeVar

import attrs

from drkit.deploy.errors import DeployError, TerraformFailed
from drkit.regions.catalog import short_code
from drkit.regions.stacks import StackPlan, waves

T = TypeVar("T")
#: Whether a region's endpoints answer.
Probe = Callable[[str], bool]
#: What a provider's failure to reach an endpoint looks like in Terraform's output.
_UNREACHABLE = re.compile(
    r"request send failed|connection refused|connection reset|EOF|no such host|"
    r"i/o timeout|dial tcp|exceeded maximum number of attempts",
    re.IGNORECASE,
)


def _to_plans(value: Iterable[StackPlan]) -> tuple[StackPlan, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class StackSet:
    """The stacks one synthesis wrote.

    Attributes:
        outdir: The synth output directory (``<outdir>/stacks/<name>/cdk.tf.json``).
        plans: Every stack, in an order that applies.
    """

    outdir: Path = attrs.field(converter=Path)
    plans: tuple[StackPlan, ...] = attrs.field(converter=_to_plans)

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


class RegionsUnreachable(DeployError):
    """A stack's step was not started: regions it needs did not answer the probe."""

    def __init__(self, regions: Iterable[str]):
        self.regions = tuple(regions)
        super().__init__(f"not started: {', '.join(self.regions)} did not answer")


class StacksFailed(DeployError):
    """Some stacks' step failed; one line each, naming an unreachable region when it is one.

    Attributes:
        failures: ``stack name -> error``.
        lines: One line per failed stack.
        done: ``stack name -> result`` of the stacks whose step worked.
    """

    def __init__(
        self,
        step: str,
        failures: dict[str, Exception],
        plans: dict[str, StackPlan],
        probe: Probe | None = None,
        done: dict[str, object] | None = None,
    ):
        self.failures = failures
        self.done = dict(done or {})
        self.lines = [failure_line(step, plans[n], e, probe) for n, e in failures.items()]
        details = "\n\n".join(f"{name}: {e}" for name, e in failures.items())
        super().__init__("\n".join(self.lines) + "\n\n" + details)


def failure_line(step: str, plan: StackPlan, error: Exception, probe: Probe | None = None) -> str:
    """``drkit-dns: plan failed: us-east-1 is unreachable (...)`` or the error's first line."""
    region = unreachable_region(plan, error, probe)
    if region is not None:
        return (
            f"{plan.name}: {step} failed: {region} is unreachable "
            f"(the stack needs {', '.join(sorted(plan.needs))})"
        )
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"{plan.name}: {step} failed: {first}"


def unreachable_region(plan: StackPlan, error: Exception, probe: Probe | None = None) -> str | None:
    """The region whose endpoints the stack could not reach, when its output says so.

    Terraform sometimes names the provider of a failing resource
    (``provider["registry.terraform.io/hashicorp/aws"].usw2``; a stack's providers are
    aliased by their regions' short codes), and AWS's endpoint names carry the region. A
    stack with one region needs neither. Otherwise (a resource of one region reading its
    replica in another, behind an endpoint that names no region) ``probe`` asks each
    region the stack needs whether it answers.
    """
    if isinstance(error, RegionsUnreachable):
        return ", ".join(error.regions)
    text = error.stderr_tail if isinstance(error, TerraformFailed) else str(error)
    if not _UNREACHABLE.search(text):
        return None
    needs = sorted(plan.needs)
    for region in needs:
        short = short_code(region)
        if re.search(rf"\]\.{short}\b|\baws\.{short}\b|\.{region}\.amazonaws\.com", text):
            return region
    if len(needs) == 1:
        return needs[0]
    down = [r for r in needs if probe is not None and not probe(r)]
    return ", ".join(down) or None


def run_rounds(
    stacks: StackSet,
    step: str,
    action: Callable[[StackPlan], T],
    *,
    names: Iterable[str] | None = None,
    reverse: bool = False,
    probe: Probe | None = None,
    preflight: bool = False,
) -> dict[str, T]:
    """``action`` on every stack (or ``names``), each as soon as the stacks it depends on are
    done (with ``reverse``, as soon as the stacks that depend on it are done).

    Raises:
        StacksFailed: Once no stack is running after a failure (no new stack starts after
            one failed: the others of the moment finish, the rest never start). ``probe``
            tells it which region a multi-region stack could not reach; with ``preflight``,
            it is asked before each stack starts (once per region and step), and a stack
            needing a region that does not answer fails without running.
    """
    if preflight and probe is not None:
        action = _preflighted(action, probe)
    chosen = {p.name: p for r in stacks.rounds(names) for p in r}
    after = {
        name: {d for d in plan.depends_on if d in chosen}
        if not reverse
        else {o.name for o in chosen.values() if name in o.depends_on}
        for name, plan in chosen.items()
    }
    results: dict[str, T] = {}
    failures: dict[str, Exception] = {}
    pending = set(chosen)
    running: dict[Future[T], str] = {}
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
        plans = {p.name: p for p in stacks.plans}
        raise StacksFailed(step, failures, plans, probe, done=dict(results))
    return results


def _preflighted(action: Callable[[StackPlan], T], probe: Probe) -> Callable[[StackPlan], T]:
    """``action``, started only once every region the stack needs answers ``probe``."""
    answers: dict[str, bool] = {}
    lock = threading.Lock()

    def answered(region: str) -> bool:
        with lock:  # one probe per region for the whole step
            if region not in answers:
                answers[region] = probe(region)
            return answers[region]

    def run(plan: StackPlan) -> T:
        down = [r for r in sorted(plan.needs) if not answered(r)]
        if down:
            raise RegionsUnreachable(down)
        return action(plan)

    return run
