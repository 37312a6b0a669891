"""RegionalFunction: in the VPC, traced, encrypted, with a dead-letter queue and validated props."""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.regions.names import FUNCTION_ALIAS
from drkit.services.lambda_ import CodeSigningConfig
from drkit.services.signer import SigningProfile
from tests.helpers import only, ref

pytestmark = pytest.mark.synth


def test_function_runs_in_vpc_traced_with_encrypted_dlq_and_logs(h):
    """The function's defaults, VPC, tracing, key, log group and encrypted DLQ."""
    h.function(environment={"A": "1"})
    out = h.synth()
    fn = only(out, "aws_lambda_function")
    assert fn["memory_size"] == 3072 and fn["timeout"] == 30 and fn["runtime"] == "python3.12"
    assert fn["tracing_config"]["mode"] == "Active" and len(fn["vpc_config"]["subnet_ids"]) == 2
    assert ref(fn["kms_key_arn"])[0] == "aws_kms_key"
    assert any("aws_cloudwatch_log_group" in d for d in fn["depends_on"])
    queue = only(out, "aws_sqs_queue")
    assert ref(queue["kms_master_key_id"])[0] == "aws_kms_key"


def test_function_props_are_validated(h, new_harness):
    """Too little memory and reserved environment variables are refused, named."""
    with pytest.raises(SpecError, match="memory_mb"):
        h.function(memory_mb=64)
    with pytest.raises(SpecError, match="environment"):
        new_harness().function(environment={"AWS_REGION": "x"})


def test_code_signing_stays_in_its_region(h):
    """A configuration allowing another region's profile is refused (Signer is regional)."""
    profile = SigningProfile(h.stack, "profile", placement=h["us-west-2"])
    with pytest.raises(SpecError, match="profile"):
        CodeSigningConfig(h.stack, "config", placement=h["us-east-1"], profile=profile)


def test_function_runs_its_signed_release_through_its_alias(h):
    """The function publishes versions of the signed archive, under the configuration that
    enforces its profile, and its alias runs the latest."""
    h.function()
    out = h.synth()
    fn = only(out, "aws_lambda_function")
    assert fn["publish"] is True and "filename" not in fn
    assert fn["s3_key"].startswith("${aws_signer_signing_job.")
    assert fn["s3_key"].endswith(".signed_object[0].s3[0].key}")
    assert ref(fn["code_signing_config_arn"])[0] == "aws_lambda_code_signing_config"
    config = only(out, "aws_lambda_code_signing_config")
    assert config["policies"]["untrusted_artifact_on_deployment"] == "Enforce"
    alias = only(out, "aws_lambda_alias")
    assert alias["name"] == FUNCTION_ALIAS and ref(alias["function_version"])[2] == "version"
