"""A staged release: the global stacks, then one region at a time behind a health gate,
then the stacks that span regions; a region that fails its gate is rolled back and the
release stops there.

Why one region at a time: one apply that changes every region's code at once is the
likeliest way to lose every region together, and Route 53 fails open when every health
check fails (docs/budget.md). Here a region is changed only while every other region
answers ``/health``; after its apply it bakes: ``/health`` through the region's own name
must keep answering 200 and none of the region's alarms may fire. A failed gate moves the
region's function aliases back to the versions they ran before (no rebuild, no apply) and
stops: the regions after it are never changed.

The target (the emulator, or AWS) is a :class:`ReleaseTarget`; the clock and the sleep are
injected, so the gate's rules are tested without waiting.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import attrs

from drkit.errors import DrkitError
from drkit.regions.spec import DeploymentSpec
from drkit.regions.stacks import StackKind, StackPlan

OK_STATUS = 200
#: ``drkit release``'s default bake: long enough for a 1-minute alarm to evaluate three
#: periods, and for Route 53's checkers to fail a region out (3 x 30 s at most).
DEFAULT_BAKE_SECONDS = 300.0


class ReleaseTarget(Protocol):
    """Where a release goes: the emulator or AWS."""

    def apply(self, names: Sequence[str]) -> None:
        """Apply these stacks (each after those it depends on); raise on a failure."""

    def health(self, region: str) -> int:
        """The status ``GET /health`` gets through the region's own name (0: no answer)."""

    def alarms_firing(self, region: str) -> list[str]:
        """The deployment's alarms in ``region`` that are in ALARM."""

    def aliases(self, region: str) -> dict[str, str]:
        """``function -> version`` its alias runs, for every function of the region."""

    def move_aliases(self, region: str, versions: Mapping[str, str]) -> None:
        """Point each function's alias at the version given."""


@attrs.frozen(kw_only=True)
class Gate:
    """When a region passes: ``/health`` probed every ``interval_seconds`` for
    ``bake_seconds``; it fails at ``failures`` failed probes in a row (Route 53's failure
    threshold, by default), at any alarm in ALARM, or when the last probe failed."""

    bake_seconds: float = DEFAULT_BAKE_SECONDS
    interval_seconds: float = 10.0
    failures: int = 3

    def __attrs_post_init__(self) -> None:
        if self.bake_seconds < 0:
            raise ValueError(f"bake_seconds must be >= 0, got {self.bake_seconds}")
        if self.interval_seconds <= 0 or self.failures < 1:
            raise ValueError("interval_seconds must be > 0 and failures >= 1")


class Outcome(enum.Enum):
    RELEASED = "released"
    ROLLED_BACK = "rolled back"
    NOT_CHANGED = "not changed"


@attrs.frozen(kw_only=True)
class Probe:
    """One census: what every region's ``/health`` answered at ``at`` (seconds into the
    release), and why it was taken."""

    at: float
    why: str
    statuses: Mapping[str, int]


@attrs.frozen(kw_only=True)
class RegionResult:
    """What the release did in one region.

    Attributes:
        region: The region.
        stack: Its stack.
        outcome: Released, rolled back, or never changed.
        before: ``function -> version`` before the release reached it.
        after: ``function -> version`` when the release left it.
        tried: ``function -> version`` the release moved it to, before a rollback.
        detail: Why (the gate's verdict, the failure, or what stopped the release first).
        seconds: Time spent on it (apply, bake, rollback).
    """

    region: str
    stack: str
    outcome: Outcome
    before: Mapping[str, str]
    after: Mapping[str, str]
    detail: str
    tried: Mapping[str, str] = attrs.field(factory=dict)
    seconds: float = 0.0

    def line(self) -> str:
        """``<region> <outcome> <detail> (<versions>)``, one line."""
        return f"{self.region:<15} {self.outcome.value:<12} {self.detail} ({self.versions()})"

    def versions(self) -> str:
        """``1 -> 2``; ``1 -> 2, back on 1``; ``on 1`` (every function's, when they differ)."""
        before = "/".join(sorted(set(self.before.values()))) or "none"
        after = "/".join(sorted(set(self.after.values()))) or "none"
        tried = "/".join(sorted(set(self.tried.values())))
        if self.outcome is Outcome.RELEASED:
            return f"versions {before} -> {after}"
        if self.outcome is Outcome.ROLLED_BACK:
            return f"versions {before} -> {tried or '?'}, back on {after}"
        return f"on version {after}"


@attrs.frozen(kw_only=True)
class ReleaseReport:
    """Everything a release did, region by region, and every census it took."""

    regions: tuple[RegionResult, ...]
    probes: tuple[Probe, ...]
    stopped: str = ""

    @property
    def ok(self) -> bool:
        return not self.stopped

    def lines(self) -> list[str]:
        lines = [r.line() for r in self.regions]
        lines.append(f"release stopped: {self.stopped}" if self.stopped else "release complete")
        return lines


def stages(
    plans: Sequence[StackPlan], order: Sequence[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...], tuple[str, ...]]:
    """``(global stacks, (region, stack) in release order, stacks across regions)``: the
    stacks that depend on no region's stack come first, those that do come last."""
    regional = {p.region: p.name for p in plans if p.kind is StackKind.REGION}
    after: set[str] = set()
    for plan in plans:  # in an order that applies: a stack's dependencies come before it
        if plan.kind is not StackKind.REGION and any(
            d in after or d in regional.values() for d in plan.depends_on
        ):
            after.add(plan.name)
    before = tuple(p.name for p in plans if p.kind is not StackKind.REGION and p.name not in after)
    return (
        before,
        tuple((r, regional[r]) for r in order),
        tuple(p.name for p in plans if p.name in after),
    )


@attrs.define
class Release:
    """One staged release of the synthesized stacks of ``spec`` to ``target``."""

    spec: DeploymentSpec
    target: ReleaseTarget
    gate: Gate = attrs.field(factory=Gate)
    say: Callable[[str], None] = print
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _start: float = attrs.field(init=False, default=0.0)
    _probes: list[Probe] = attrs.field(init=False, factory=list)

    def run(self) -> ReleaseReport:
        self._start = self.clock()
        before, regional, after = stages(self.spec.stacks, self.spec.release_regions)
        self.say(f"global stacks: applying {', '.join(before)}")
        self.target.apply(before)
        results: list[RegionResult] = []
        stopped = halted = ""
        for region, stack in regional:
            if stopped:
                results.append(self._untouched(region, stack, f"not reached: stopped at {halted}"))
                continue
            result = self._region(region, stack)
            results.append(result)
            if result.outcome is not Outcome.RELEASED:
                stopped, halted = f"{region}: {result.detail}", region
        if not stopped and after:
            self.say(f"stacks across regions: applying {', '.join(after)}")
            self.target.apply(after)
        self._census("at the end")
        return ReleaseReport(regions=tuple(results), probes=tuple(self._probes), stopped=stopped)

    def _region(self, region: str, stack: str) -> RegionResult:
        started = self.clock()
        census = self._census(f"before {region}")
        others_down = sorted(
            r for r, s in census.statuses.items() if r != region and s != OK_STATUS
        )
        if others_down:
            down = ", ".join(others_down)
            why = f"{down} failing /health: changing {region} now could fail every region"
            return self._untouched(region, stack, why)
        previous = self.target.aliases(region)
        self.say(f"{region}: applying {stack}")
        try:
            self.target.apply([stack])
        except DrkitError as err:
            return self._rolled_back(region, stack, previous, f"apply failed: {err}", started)
        verdict = self._bake(region)
        if verdict:
            return self._rolled_back(region, stack, previous, verdict, started)
        after = self.target.aliases(region)
        self.say(f"{region}: released, gate passed")
        return RegionResult(
            region=region,
            stack=stack,
            outcome=Outcome.RELEASED,
            before=previous,
            after=after,
            detail=f"gate passed ({self.gate.bake_seconds:g} s bake)",
            seconds=self.clock() - started,
        )

    def _bake(self, region: str) -> str:
        """Empty when the region passes the gate, else why it failed."""
        deadline = self.clock() + self.gate.bake_seconds
        failed = 0
        while True:
            status = self.target.health(region)
            self._probes.append(self._probe(f"bake {region}", {region: status}))
            firing = self.target.alarms_firing(region)
            if firing:
                return f"gate failed: alarms in ALARM: {', '.join(sorted(firing))}"
            failed = failed + 1 if status != OK_STATUS else 0
            if failed >= self.gate.failures:
                return f"gate failed: /health answered {status} {failed} times in a row"
            if self.clock() >= deadline:
                return (
                    f"gate failed: /health answered {status} at the end of the bake"
                    if failed
                    else ""
                )
            self.sleep(min(self.gate.interval_seconds, max(deadline - self.clock(), 0.0)))

    def _rolled_back(
        self, region: str, stack: str, previous: Mapping[str, str], why: str, started: float
    ) -> RegionResult:
        self.say(f"{region}: {why}; moving its aliases back")
        current = self.target.aliases(region)
        moves = {f: v for f, v in previous.items() if current.get(f) != v}
        if moves:
            self.target.move_aliases(region, moves)
        after = self.target.aliases(region)
        if any(after.get(f) != v for f, v in previous.items()):
            why = f"{why}; rollback incomplete: {dict(after)} instead of {dict(previous)}"
        elif not previous:
            why = f"{why}; no earlier version to move back to"
        self._census(f"after rolling back {region}")
        return RegionResult(
            region=region,
            stack=stack,
            outcome=Outcome.ROLLED_BACK,
            before=previous,
            after=after,
            tried=current,
            detail=why,
            seconds=self.clock() - started,
        )

    def _untouched(self, region: str, stack: str, why: str) -> RegionResult:
        versions = self.target.aliases(region)
        return RegionResult(
            region=region,
            stack=stack,
            outcome=Outcome.NOT_CHANGED,
            before=versions,
            after=versions,
            detail=why,
        )

    def _census(self, why: str) -> Probe:
        statuses = {r: self.target.health(r) for r in self.spec.release_regions}
        probe = self._probe(why, statuses)
        self._probes.append(probe)
        return probe

    def _probe(self, why: str, statuses: Mapping[str, int]) -> Probe:
        return Probe(at=round(self.clock() - self._start, 3), why=why, statuses=dict(statuses))
