"""terraform validate passes offline on the synthesized stacks (2 and 3 regions, AWS target)."""

from __future__ import annotations

import json

import pytest

from drkit.deploy.terraform import Terraform
from drkit.regions import DeploymentSpec, S3Backend
from tests.helpers import synth_json

pytestmark = pytest.mark.synth


@pytest.mark.parametrize("which", ["default_stack", "three_region_stack"])
def test_terraform_validate_passes(which, request, tmp_path):
    """terraform init (from the local provider mirror, offline) and validate accept the stack."""
    (tmp_path / "cdk.tf.json").write_text(json.dumps(request.getfixturevalue(which)))
    terraform = Terraform.for_stack(tmp_path)
    terraform.init()
    result = terraform.validate()
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
