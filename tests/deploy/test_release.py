"""drkit.deploy.release: the staged release's order, gate and rollback, against a target that
models a deployment (aliases, versions, /health per version) and a clock that sleeps at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from drkit.deploy.errors import DeployError
from drkit.deploy.release import Gate, Outcome, Release, stages
from drkit.errors import SpecError
from drkit.regions import DeploymentSpec
from drkit.regions.region import RegionSpec, Role

FUNCTIONS = ("api", "health")


class FakeTarget:
    """Each region runs version 1; applying a region's stack publishes version 2 of the code
    under release and moves the aliases to it. ``/health`` answers what the version serves."""

    def __init__(self, spec: DeploymentSpec, *, release_health: Sequence[int] = (200,)) -> None:
        self.stacks = {p.name: p.region for p in spec.stacks}
        self.versions = {r.region: dict.fromkeys(FUNCTIONS, "1") for r in spec.regions}
        self.release_health = list(release_health)
        self.applied: list[tuple[str, ...]] = []
        self.moved: list[tuple[str, dict[str, str]]] = []
        self.firing: dict[str, list[str]] = {}
        self.fail_apply: set[str] = set()

    def apply(self, names: Sequence[str]) -> None:
        self.applied.append(tuple(names))
        for name in names:
            if name in self.fail_apply:
                raise DeployError(f"{name}: apply failed: AccessDenied")
            region = self.stacks[name]
            if region is not None:
                self.versions[region] = dict.fromkeys(FUNCTIONS, "2")

    def health(self, region: str) -> int:
        if not self.versions[region]:
            return 0  # nothing deployed: no answer
        if self.versions[region]["health"] == "1":
            return 200
        # the release's answers in turn, its last one from then on
        return (
            self.release_health.pop(0) if len(self.release_health) > 1 else self.release_health[0]
        )

    def alarms_firing(self, region: str) -> list[str]:
        return self.firing.get(region, [])

    def aliases(self, region: str) -> dict[str, str]:
        return dict(self.versions[region])

    def move_aliases(self, region: str, versions: Mapping[str, str]) -> None:
        self.moved.append((region, dict(versions)))
        self.versions[region].update(versions)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def release(spec: DeploymentSpec, target: FakeTarget, **gate: float) -> tuple[Release, Clock]:
    clock = Clock()
    settings = {"bake_seconds": 30.0, "interval_seconds": 10.0, **gate}
    return Release(
        spec, target, Gate(**settings), say=lambda _: None, clock=clock, sleep=clock.sleep
    ), clock


@pytest.fixture
def spec() -> DeploymentSpec:
    return DeploymentSpec.default()


def three_regions(**overrides) -> DeploymentSpec:
    return DeploymentSpec.default(
        regions=(
            RegionSpec(region="us-east-1", role=Role.PRIMARY, weight=50, cidr="10.0.0.0/16"),
            RegionSpec(region="us-west-2", role=Role.SECONDARY, weight=30, cidr="10.1.0.0/16"),
            RegionSpec(region="eu-west-1", role=Role.SECONDARY, weight=20, cidr="10.2.0.0/16"),
        ),
        **overrides,
    )


def test_the_global_stacks_then_each_region_lowest_weight_first_then_the_links(spec):
    target = FakeTarget(spec)
    report = release(spec, target)[0].run()
    assert report.ok
    assert target.applied == [
        ("drkit-iam", "drkit-dns", "drkit-zone"),
        ("drkit-usw2",),
        ("drkit-use1",),
        ("drkit-links", "drkit-routing"),
    ]
    assert [(r.region, r.outcome) for r in report.regions] == [
        ("us-west-2", Outcome.RELEASED),
        ("us-east-1", Outcome.RELEASED),
    ]
    assert all(r.before == {"api": "1", "health": "1"} for r in report.regions)
    assert all(r.after == {"api": "2", "health": "2"} for r in report.regions)


def test_a_failing_first_region_rolls_back_and_the_rest_is_never_changed(spec):
    target = FakeTarget(spec, release_health=(500,))
    report = release(spec, target)[0].run()
    assert not report.ok
    first, second = report.regions
    assert (first.region, first.outcome) == ("us-west-2", Outcome.ROLLED_BACK)
    assert "/health answered 500 3 times in a row" in first.detail
    assert first.after == {"api": "1", "health": "1"}
    assert target.moved == [("us-west-2", {"api": "1", "health": "1"})]
    assert (second.region, second.outcome) == ("us-east-1", Outcome.NOT_CHANGED)
    assert ("drkit-use1",) not in target.applied
    assert ("drkit-links", "drkit-routing") not in target.applied
    assert report.stopped.startswith("us-west-2: gate failed")
    # Never every region failing at once: each census and bake probe of the other region.
    assert all(200 in p.statuses.values() or len(p.statuses) == 1 for p in report.probes)
    assert report.probes[-1].statuses == {"us-west-2": 200, "us-east-1": 200}


def test_failures_short_of_the_threshold_pass_when_the_last_probe_answers(spec):
    target = FakeTarget(spec, release_health=(500, 500, 200, 500, 200))
    report = release(spec, target, bake_seconds=40.0)[0].run()
    assert report.ok, report.lines()


def test_a_failure_at_the_end_of_the_bake_fails_the_gate(spec):
    target = FakeTarget(spec, release_health=(200, 200, 500))
    report = release(spec, target, bake_seconds=20.0)[0].run()
    assert "at the end of the bake" in report.regions[0].detail


def test_a_zero_bake_probes_once(spec):
    target = FakeTarget(spec, release_health=(500,))
    report = release(spec, target, bake_seconds=0.0)[0].run()
    assert report.regions[0].outcome is Outcome.ROLLED_BACK
    assert sum(p.why == "bake us-west-2" for p in report.probes) == 1


def test_a_firing_alarm_fails_the_gate_though_health_answers(spec):
    target = FakeTarget(spec)
    target.firing["us-west-2"] = ["alarm-api-errors-usw2-dev"]
    report = release(spec, target)[0].run()
    assert report.regions[0].outcome is Outcome.ROLLED_BACK
    assert "alarm-api-errors-usw2-dev" in report.regions[0].detail


def test_a_failed_apply_moves_back_whatever_moved_and_stops(spec):
    target = FakeTarget(spec)
    target.fail_apply.add("drkit-usw2")
    report = release(spec, target)[0].run()
    assert report.regions[0].outcome is Outcome.ROLLED_BACK
    assert report.regions[0].detail.startswith("apply failed: drkit-usw2")
    assert report.regions[1].outcome is Outcome.NOT_CHANGED


def test_a_region_is_not_changed_while_another_fails_health(spec):
    """Changing one region while the other is down could leave none serving."""
    target = FakeTarget(spec)
    target.versions["us-east-1"] = dict.fromkeys(FUNCTIONS, "9")  # serves the release's 200 ...
    target.release_health = [503]  # ... which now fails
    report = release(spec, target)[0].run()
    assert report.regions[0].outcome is Outcome.NOT_CHANGED
    assert "us-east-1 failing /health" in report.regions[0].detail
    assert target.applied == [("drkit-iam", "drkit-dns", "drkit-zone")]


def test_a_first_release_has_no_earlier_version_to_go_back_to(spec):
    target = FakeTarget(spec, release_health=(500,))
    target.versions["us-west-2"] = {}  # never deployed: no alias yet
    report = release(spec, target)[0].run()
    assert "no earlier version" in report.regions[0].detail


def test_the_spec_sets_the_order():
    spec = three_regions(release_order=["us-east-1", "eu-west-1", "us-west-2"])
    _, regional, _ = stages(spec.stacks, spec.release_regions)
    assert [r for r, _ in regional] == ["us-east-1", "eu-west-1", "us-west-2"]


def test_the_default_order_is_secondaries_by_weight_then_the_primary():
    assert three_regions().release_regions == ("eu-west-1", "us-west-2", "us-east-1")


@pytest.mark.parametrize(
    ("order", "field", "allowed"),
    [
        (["us-east-1", "us-west-2"], "release_order", "missing eu-west-1"),
        (["us-east-1", "us-east-1", "eu-west-1"], "release_order[1]", "each region once"),
        (["us-east-1", "ap-south-1", "eu-west-1"], "release_order[1]", "a region of the layout"),
        ("us-east-1", "release_order", "an array naming every region"),
    ],
)
def test_a_bad_order_is_refused_naming_the_field(order, field, allowed):
    with pytest.raises(SpecError) as err:
        three_regions(release_order=order)
    assert err.value.field == field
    assert allowed in str(err.value)


def test_the_gate_refuses_nonsense():
    with pytest.raises(ValueError, match="bake_seconds"):
        Gate(bake_seconds=-1)
    with pytest.raises(ValueError, match="failures"):
        Gate(failures=0)
