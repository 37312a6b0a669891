"""Shared fixtures: hypothesis profiles, boto3 set-up, and stacks synthesized once per session.

Loading the AWS provider bindings costs seconds and hundreds of MB per
process, so every synthesized stack a test needs is built once per session and
shared, across xdist workers too; model-level tests never touch jsii.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import settings

from drkit_emulator.runner import Emulator
from tests.helpers import ROOT, merged, synth_stacks

# No deadlines: `make test` runs the end-to-end deploys beside these tests on
# 2 cores, so an example's wall time measures the machine's load, not the code
# (a 200 ms deadline failed CI on a 447 ms CLI run). Speed is `make bench`'s job.
# The default profile is the edit-and-run loop's (`make test-fast`): 25 examples a test.
# CI runs the derandomized `ci` profile with 100 (the same examples on every push; 200 did not
# fit `make test`'s 12 minutes on 2 cores); tests that synthesize choose their own counts
# (tests/helpers.py).
settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile("ci", max_examples=100, derandomize=True, print_blob=True, deadline=None)
# `make mutate` (dev/mutate.py): derandomized and without the example database, so that a
# mutant is killed or survives the same way on every run.
settings.register_profile("mutate", max_examples=25, derandomize=True, database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session", autouse=True)
def _botocore_models_parsed_once() -> None:
    """Each AWS service model is parsed once per test process, not once per boto3 session.

    Every boto3 session builds its own botocore loader, which parses the service's JSON model
    again (a fifth of a second for DynamoDB); the runtime builds a session per container and
    the tests build a container per test. Here sessions share one loader per data path: the
    loaded models are read-only, as botocore already shares them between its clients.
    """
    import botocore.loaders
    import botocore.session

    loaders: dict[str | None, botocore.loaders.Loader] = {}

    def create_loader(search_path_string: str | None = None) -> botocore.loaders.Loader:
        if search_path_string not in loaders:
            loaders[search_path_string] = botocore.loaders.create_loader(search_path_string)
        return loaders[search_path_string]

    botocore.session.create_loader = create_loader


@pytest.fixture(scope="session")
def shared_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """One moto server per test process for every test that needs a clean AWS, not its own
    process (the emulator tests, the preflight's); tests name their resources uniquely."""
    with Emulator(log_dir=tmp_path_factory.mktemp("emulator-logs")) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def default_spec():
    from drkit.regions import DeploymentSpec

    return DeploymentSpec.default(environment_suffix="test")


@pytest.fixture(scope="session")
def three_region_spec():
    from drkit.regions import DeploymentSpec

    return DeploymentSpec.from_toml(
        ROOT / "examples" / "three-region.toml", environment_suffix="test"
    )


@pytest.fixture(scope="session")
def four_region_spec():
    """Four regions, none of them us-east-1 (the stack adds a provider there for Route 53)."""
    from drkit.regions import DeploymentSpec

    return DeploymentSpec.from_mapping(
        {
            "regions": [
                {"region": "eu-west-1", "role": "primary", "weight": 40, "cidr": "10.0.0.0/16"},
                {
                    "region": "eu-central-1",
                    "role": "secondary",
                    "weight": 30,
                    "cidr": "10.1.0.0/16",
                },
                {"region": "us-west-2", "role": "secondary", "weight": 20, "cidr": "10.2.0.0/16"},
                {
                    "region": "ap-southeast-2",
                    "role": "secondary",
                    "weight": 10,
                    "cidr": "10.3.0.0/16",
                },
            ]
        },
        environment_suffix="test",
    )


def _synthesized_once(
    name: str, spec: Any, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> dict[str, Any]:
    """``spec``'s stacks (``name -> JSON``), synthesized by the first xdist worker that needs
    them, read by the rest.

    The workers share the session's temporary root; a lock per layout makes the others wait
    for the first synth instead of repeating it (and a worker that only reads never loads
    the provider bindings).
    """
    if worker_id == "master":
        return synth_stacks(spec)
    shared = tmp_path_factory.getbasetemp().parent
    path = shared / f"{name}.json"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():
            partial = path.with_suffix(".partial")
            partial.write_text(json.dumps(synth_stacks(spec)))
            partial.replace(path)
        return json.loads(path.read_text())


@pytest.fixture(scope="session")
def default_stacks(default_spec, tmp_path_factory, worker_id) -> dict[str, Any]:
    """The default layout's stacks, ``name -> cdk.tf.json``."""
    return _synthesized_once("default-stacks", default_spec, tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def three_region_stacks(three_region_spec, tmp_path_factory, worker_id) -> dict[str, Any]:
    return _synthesized_once("three-region-stacks", three_region_spec, tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def four_region_stacks(four_region_spec, tmp_path_factory, worker_id) -> dict[str, Any]:
    return _synthesized_once("four-region-stacks", four_region_spec, tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def protected_spec(default_spec):
    """The default layout with ``protect_data``, production's switch."""
    return attrs.evolve(default_spec, protect_data=True)


@pytest.fixture(scope="session")
def protected_stacks(protected_spec, tmp_path_factory, worker_id) -> dict[str, Any]:
    return _synthesized_once("protected-stacks", protected_spec, tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def default_stack(default_stacks) -> dict[str, Any]:
    """The default layout as one document (``tests.helpers.merged``)."""
    return merged(default_stacks)


@pytest.fixture(scope="session")
def three_region_stack(three_region_stacks) -> dict[str, Any]:
    return merged(three_region_stacks)


@pytest.fixture(scope="session")
def four_region_stack(four_region_stacks) -> dict[str, Any]:
    return merged(four_region_stacks)


@pytest.fixture(scope="session")
def protected_stack(protected_stacks) -> dict[str, Any]:
    return merged(protected_stacks)


#: The xdist groups that run longest, in the order they should start. xdist (loadgroup) queues
#: work units largest first, ties in collection order, gives each worker one, and gives a
#: worker more only when it has at most 2 tests left: the lifecycles start at once on workers
#: of their own, and `make test`'s third worker gets through the short tests meanwhile.
LONGEST_FIRST = (
    "e2e-three",
    "e2e-two",
    "e2e-faults",
    "fast-import-synth",
    "checkov",
    "terraform",
    "cdktf-synth",
)
#: The groups of those that are not end-to-end: `slow`.
SLOW_GROUPS = frozenset({"fast-import-synth", "checkov", "terraform"})


#: Fixtures that start an outside program: a test using one is `slow` (see setup.cfg).
SERVERS = frozenset({"shared_emulator", "real_terraform"})


def _group(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("xdist_group")
    return (marker.args[0] if marker.args else marker.kwargs.get("name")) if marker else None


def _is_property(item: pytest.Item) -> bool:
    return bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The longest groups and the tests on a server wait on outside programs: `make test-fast`
    # leaves them out, `make test` runs them.
    for item in items:
        if _group(item) in SLOW_GROUPS or set(getattr(item, "fixturenames", ())) & SERVERS:
            item.add_marker(pytest.mark.slow)

    def rank(item: pytest.Item) -> int:
        group = _group(item)
        if group in LONGEST_FIRST:
            return LONGEST_FIRST.index(group)
        # Then the properties that synthesize a stack per example: started last, one of them
        # would leave the other worker idle for its whole run.
        explores = item.get_closest_marker("synth") and _is_property(item)
        return len(LONGEST_FIRST) + (0 if explores else 1)

    items.sort(key=rank)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Each end-to-end deployment's replay count (``record_property("replays", ...)``): a
    deploy that only succeeded because the emulator answered retries by replay says so."""
    lines = [
        f"{report.nodeid.split('::')[1]}: {value}"
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == "replays"
    ]
    if lines:
        terminalreporter.section("emulator replays")
        for line in lines:
            terminalreporter.write_line(line)
