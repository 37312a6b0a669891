"""terraform validate passes offline on the synthesized stacks (2 and 3 regions, AWS target)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from drkit.deploy.terraform import Terraform
from drkit.regions import DeploymentSpec, S3Backend
from tests.helpers import synth_json

pytestmark = pytest.mark.synth


STACKS = ("default_stack", "three_region_stack")


@pytest.fixture(scope="module")
def validations(request, tmp_path_factory) -> dict[str, dict[str, Any]]:
    """``terraform validate -json`` of each stack, the two run side by side.

    Each run spends much of its time starting the provider plugin for its schema, so two at
    once take little longer than one.
    """

    def validate(which: str) -> dict[str, Any]:
        directory = tmp_path_factory.mktemp(which)
        (directory / "cdk.tf.json").write_text(json.dumps(stacks[which]))
        terraform = Terraform.for_stack(directory)
        terraform.init()
        return terraform.validate()

    stacks = {which: request.getfixturevalue(which) for which in STACKS}
    with ThreadPoolExecutor(max_workers=len(STACKS)) as pool:
        running = {which: pool.submit(validate, which) for which in STACKS}
        return {which: future.result() for which, future in running.items()}


@pytest.mark.xdist_group("terraform")
@pytest.mark.parametrize("which", STACKS)
def test_terraform_validate_passes(which, validations):
    """terraform init (from the local provider mirror, offline) and validate accept the stack."""
    result = validations[which]
    assert result.get("valid") is True, result


def test_remote_state_backend_is_synthesized():
    """A spec naming an S3 backend synthesizes it, encrypted and with S3-native locking."""
    spec = DeploymentSpec.default(
        backend=S3Backend(bucket="tfstate-acme", key="drkit/prod.tfstate", region="us-east-1")
    )
    backend = synth_json(spec)["terraform"]["backend"]["s3"]
    assert backend == {
        "bucket": "tfstate-acme",
        "key": "drkit/prod.tfstate",
        "region": "us-east-1",
        "encrypt": True,
        "use_lockfile": True,
    }
