"""The staged release on the running 2-region deployment, before anything else is checked on
it: a broken runtime stopped at its first region and rolled back there, then a good one
taken to every region in order. Every later check of the lifecycle (serving, the cdktf
lines, the outage drills and their drift check of every stack, the checkov scan, destroy)
then runs on what the releases left.

Both run ``drkit release``'s own :class:`~drkit.deploy.release.Release` with the emulator
target the command's ``--emulator`` rehearsal uses; ``/health`` is answered by the code of
the version each region's alias points at, through the region's own name.
"""

from __future__ import annotations

from pathlib import Path

from drkit.deploy.local import LocalDeployment
from drkit.deploy.release import Gate, Outcome, Release, ReleaseReport
from drkit.deploy.release_targets import EmulatorTarget
from drkit.regions import names
from drkit.regions.runtime_source import RUNTIME_VARIABLE
from tests.e2e.releases import runtime_copy

#: Short: the emulator's code does not change while it bakes. Two probes a region.
GATE = Gate(bake_seconds=0.5, interval_seconds=0.5)


def versions_published(deployment: LocalDeployment, region: str) -> dict[str, list[str]]:
    """``function -> its published versions`` in ``region``."""
    lambda_ = deployment.emulator.client("lambda", region)
    found = {}
    for purpose in names.FUNCTION_PURPOSES:
        function = names.FUNCTIONS[purpose].function(deployment.spec.namer, region)
        listed = lambda_.list_versions_by_function(FunctionName=function)["Versions"]
        found[function] = [v["Version"] for v in listed if v["Version"] != "$LATEST"]
    return found


def release(
    deployment: LocalDeployment, root: Path, name: str, *, broken: bool
) -> tuple[ReleaseReport, EmulatorTarget]:
    """Release a copy of ``assets/runtime`` (``broken``: its /health answers 500). The
    deployment keeps shipping it (``DRKIT_RUNTIME`` stays in its environment)."""
    folder = runtime_copy(root, name, broken=broken)
    deployment.use_layout({**deployment.environ, RUNTIME_VARIABLE: str(folder)})
    target = EmulatorTarget(deployment)
    return Release(deployment.spec, target, GATE, say=lambda _: None).run(), target


def check_broken(deployment: LocalDeployment, root: Path) -> None:
    regions = deployment.spec.release_regions
    first, last = regions[0], regions[-1]
    before = {r: versions_published(deployment, r) for r in regions}
    target = EmulatorTarget(deployment)
    aliases = {r: target.aliases(r) for r in regions}
    report, target = release(deployment, root, "broken", broken=True)
    assert not report.ok
    stopped, *rest = report.regions
    assert (stopped.region, stopped.outcome) == (first, Outcome.ROLLED_BACK), report.lines()
    assert "/health answered 500" in stopped.detail, stopped.detail
    assert stopped.after == aliases[first]  # moved back to what it ran
    assert all(r.outcome is Outcome.NOT_CHANGED for r in rest), report.lines()
    # The release reached the first region: it published a version there, and nowhere else.
    api = names.FUNCTIONS["api"].function(deployment.spec.namer, first)
    assert len(versions_published(deployment, first)[api]) > len(before[first][api])
    assert versions_published(deployment, last) == before[last]
    assert {r: target.aliases(r) for r in regions} == aliases
    # Never every region failing /health: at each census some region answered 200.
    censuses = [p for p in report.probes if len(p.statuses) > 1]
    assert censuses and all(200 in p.statuses.values() for p in censuses), report.probes
    assert report.probes[-1].statuses == dict.fromkeys(regions, 200)


def check_good(deployment: LocalDeployment, root: Path) -> None:
    regions = deployment.spec.release_regions
    target = EmulatorTarget(deployment)
    aliases = {r: target.aliases(r) for r in regions}
    report, target = release(deployment, root, "good", broken=False)
    assert report.ok, report.lines()
    assert [(r.region, r.outcome) for r in report.regions] == [
        (region, Outcome.RELEASED) for region in regions
    ]
    for result in report.regions:
        assert result.before == aliases[result.region]
        assert all(int(result.after[f]) > int(v) for f, v in result.before.items()), result
    assert report.probes[-1].statuses == dict.fromkeys(regions, 200)
