"""terraform validate passes offline on the synthesized stacks (AWS target).

The three-region layout only: its stacks are every kind the default layout has, plus a third
region's. Its stacks are validated as the modules of one root configuration: one init and one
validate start the provider for its schema once, where a validate per stack starts it once
per stack (about 25 s of CPU that `make test`'s time limit must pay for). Terraform validates
each module's providers, resources and references as it would the stack's own root; only a
backend is read from a root module alone (a warning per stack here, which also proves every
stack was loaded). `make validate` (``drkit validate``) inits and validates each stack of both
layouts on its own; the default layout's local-target stacks are validated by the end-to-end
deploys (Terraform validates before it plans)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from drkit.deploy.terraform import Terraform
from drkit.regions import DeploymentSpec, S3Backend
from tests.helpers import synth_stacks

pytestmark = pytest.mark.synth


LAYOUTS = ("three_region_stacks",)
#: The one warning a stack may get as a module: its backend block is a root module's.
BACKEND_IGNORED = "Backend configuration ignored"


@pytest.fixture(scope="module")
def validations(request, tmp_path_factory) -> dict[str, tuple[list[str], dict[str, Any]]]:
    """``layout -> (its stacks, terraform validate -json)`` of a root module calling every
    stack's directory as a module."""
    found = {}
    for layout in LAYOUTS:
        root = tmp_path_factory.mktemp(f"validate-{layout}")
        stacks = request.getfixturevalue(layout)
        for name, stack in stacks.items():
            (root / "stacks" / name).mkdir(parents=True)
            (root / "stacks" / name / "cdk.tf.json").write_text(json.dumps(stack))
        modules = {name: {"source": f"./stacks/{name}"} for name in stacks}
        (root / "main.tf.json").write_text(json.dumps({"module": modules}))
        terraform = Terraform.for_stack(root)
        terraform.init()
        found[layout] = (sorted(stacks), terraform.validate())
    return found


@pytest.mark.xdist_group("terraform")
@pytest.mark.parametrize("layout", LAYOUTS)
def test_terraform_validate_passes(layout, validations):
    """terraform init (from the local provider mirror, offline) and validate accept every
    stack of the layout: no error, and no warning but each stack's backend being a root's."""
    stacks, report = validations[layout]
    assert len(stacks) >= 7
    assert (report["valid"], report["error_count"]) == (True, 0), report["diagnostics"]
    other = [d for d in report["diagnostics"] if d["summary"] != BACKEND_IGNORED]
    assert other == []
    warned = sorted(d["range"]["filename"].split("/")[1] for d in report["diagnostics"])
    assert warned == stacks


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
