"""terraform validate passes offline on the synthesized stacks (AWS target).

The three-region layout only: its stacks are every kind the default layout has, plus a third
region's, and each validate costs two provider starts (seconds of CPU) that `make test`'s
time limit must pay for. The default layout's local-target stacks are validated by the
end-to-end deploys (Terraform validates before it plans); `make validate` checks both
layouts' AWS target."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from drkit.deploy.terraform import Terraform
from drkit.regions import DeploymentSpec, S3Backend
from tests.helpers import synth_stacks

pytestmark = pytest.mark.synth


LAYOUTS = ("three_region_stacks",)


@pytest.fixture(scope="module")
def validations(request, tmp_path_factory) -> dict[tuple[str, str], dict[str, Any]]:
    """``terraform validate -json`` of every stack of the layouts, a few at a time.

    Each run spends most of its time starting the provider plugin for its schema; runs
    overlap well on two cores.
    """

    def validate(layout: str, name: str, stack: dict[str, Any]) -> dict[str, Any]:
        directory = tmp_path_factory.mktemp(f"{layout}-{name}")
        (directory / "cdk.tf.json").write_text(json.dumps(stack))
        terraform = Terraform.for_stack(directory)
        terraform.init()
        return terraform.validate()

    stacks = {
        (layout, name): stack
        for layout in LAYOUTS
        for name, stack in request.getfixturevalue(layout).items()
    }
    with ThreadPoolExecutor(max_workers=4) as pool:
        running = {key: pool.submit(validate, *key, stack) for key, stack in stacks.items()}
        return {key: future.result() for key, future in running.items()}


@pytest.mark.xdist_group("terraform")
@pytest.mark.parametrize("layout", LAYOUTS)
def test_terraform_validate_passes(layout, validations):
    """terraform init (from the local provider mirror, offline) and validate accept every
    stack of the layout, each on its own (each has its own state and providers)."""
    found = {name: result for (which, name), result in validations.items() if which == layout}
    assert len(found) >= 7
    assert {name: r.get("valid") for name, r in found.items()} == dict.fromkeys(found, True)


def test_remote_state_backend_is_synthesized():
    """With an S3 backend, each region's stack keeps its state in its own region's bucket and
    the global and cross-region stacks in the backend's region's; all encrypted and locked."""
    spec = DeploymentSpec.default(
        backend=S3Backend(bucket="tfstate-acme-{region}", key="drkit/prod", region="eu-west-1")
    )
    stacks = synth_stacks(spec)
    for plan in spec.stacks:
        backend = stacks[plan.name]["terraform"]["backend"]["s3"]
        region = plan.region or "eu-west-1"
        assert backend == {
            "bucket": f"tfstate-acme-{region}",
            "key": f"drkit/prod/{plan.name}.tfstate",
            "region": region,
            "encrypt": True,
            "use_lockfile": True,
        }
