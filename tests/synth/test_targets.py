"""The target switch: emulator settings only for the local target, never in a real deployment."""

from __future__ import annotations

import pytest

from drkit.regions import DeploymentSpec, Target
from tests.helpers import merged, synth_stacks

pytestmark = pytest.mark.synth
LOCAL_ONLY = (
    "endpoints",
    "access_key",
    "secret_key",
    "skip_credentials_validation",
    "skip_requesting_account_id",
    "skip_metadata_api_check",
    "s3_use_path_style",
    "max_retries",
)


def test_aws_target_has_no_emulator_settings(default_stack):
    """The default (aws) synth carries no endpoint, credential or skip flag in any provider."""
    for provider in default_stack["provider"]["aws"]:
        assert not set(provider) & set(LOCAL_ONLY), provider


@pytest.fixture(scope="module")
def local_output(tmp_path_factory):
    """The default layout synthesized for the local target into an outdir: (outdir, the
    whole deployment as one document, each stack's own)."""
    outdir = tmp_path_factory.mktemp("local-target") / "cdktf.out"
    spec = DeploymentSpec.default(target=Target.LOCAL, local_endpoint="http://127.0.0.1:4999")
    stacks = synth_stacks(spec, outdir)
    return outdir, merged(stacks), stacks


def test_local_target_points_every_service_at_the_emulator(local_output):
    """The local synth points every provider at the emulator; credentials come from the env."""
    _, stack, _ = local_output
    for provider in stack["provider"]["aws"]:
        endpoints = provider["endpoints"][0]
        assert set(endpoints.values()) == {"http://127.0.0.1:4999"}
        assert {"dynamodb", "s3", "lambda", "route53", "kms", "iam", "sts", "signer"} <= set(
            endpoints
        )
        assert provider["skip_credentials_validation"] is True
        assert "access_key" not in provider and "secret_key" not in provider
    # The provider, knowing no account, reads the trail's topic back as an ARN.
    (trail,) = stack["resource"]["aws_cloudtrail"].values()
    assert trail["lifecycle"] == {"ignore_changes": ["sns_topic_name"]}


def test_aws_target_keeps_every_trail_change_visible(default_stack):
    """On AWS the provider reads a same-account topic back as its name: nothing is ignored."""
    (trail,) = default_stack["resource"]["aws_cloudtrail"].values()
    assert trail["sns_topic_name"].startswith("sns-traildelivery-")
    assert "lifecycle" not in trail


def test_local_target_keeps_its_state_in_the_synth_output(local_output):
    """Each stack of an emulator deployment keeps its state in its outdir (where ``cdktf
    --output`` points), never in the project directory beside a real deployment's state."""
    outdir, _, stacks = local_output
    for name, stack in stacks.items():
        assert stack["terraform"]["backend"] == {
            "local": {"path": str(outdir.resolve() / f"terraform.{name}.tfstate")}
        }


def test_aws_target_leaves_the_state_to_cdktf(default_stacks):
    """A real deployment's state is cdktf's default: ``terraform.<stack>.tfstate`` where the
    app runs (cdktf writes it out because stacks read each other's outputs), or the spec's
    S3 backend; never a path of drkit's choosing."""
    for name, stack in default_stacks.items():
        (path,) = [b["path"] for b in stack["terraform"]["backend"].values()]
        assert path.endswith(f"/terraform.{name}.tfstate") and "/.drkit/" not in path


def test_blocks_carry_no_construct_metadata_but_the_stack_keeps_its_own(local_output):
    """The file cdktf reads has no ``//`` in any resource or data block (the CLI would match
    each printed line against each block's path); the stack's own ``//`` (backend, outputs)
    stays, because ``cdktf deploy`` reads its outputs from it."""
    _, _, stacks = local_output
    for name, stack in stacks.items():
        blocks = [
            block
            for kind in ("resource", "data")
            for typed in stack.get(kind, {}).values()
            for block in typed.values()
        ]
        assert [block for block in blocks if "//" in block] == [], name
        assert stack["//"]["metadata"]["stackName"] == name
    assert len(merged(stacks)["resource"]) > 50
    assert "api_endpoint" in stacks["drkit-use1"]["//"]["outputs"]["drkit-use1"]
