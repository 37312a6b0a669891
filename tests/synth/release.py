"""Release invariants of a synthesized deployment (``spec, merged stack``): versioned
functions invoked through their alias, signed code, and each region's own release.

Shared by the fixed layouts (tests/synth/test_release.py) and the random layouts of
tests/synth/test_stack_properties.py.
"""

from __future__ import annotations

import json
from typing import Any

from drkit.regions import names
from drkit.services.lambda_ import ENFORCE
from drkit.services.signer import LAMBDA_PLATFORM
from tests.helpers import ref, region_of, resources
from tests.synth.stack_json import referenced

Stack = dict[str, Any]
PUBLIC_ACCESS_BLOCKS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)


def aliases_by_function(stack: Stack) -> dict[str, tuple[str, dict[str, Any]]]:
    """``function logical name -> (alias logical name, alias)``; fails on a second alias."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for logical, alias in resources(stack, "aws_lambda_alias").items():
        function = referenced(alias["function_name"], "aws_lambda_function")
        assert function not in found, f"{function} has two aliases"
        found[function] = (logical, alias)
    return found


def _same_region(stack: Stack, body: dict[str, Any], value: str, kind: str) -> dict[str, Any]:
    """The ``kind`` resource ``value`` refers to, which must be in ``body``'s region."""
    target = resources(stack, kind)[referenced(value, kind)]
    assert region_of(stack, target) == region_of(stack, body), (kind, value)
    return target


def every_function_publishes_a_version_behind_its_alias(spec, stack: Stack) -> None:
    """Every function publishes a version, and its one alias (``live``) runs that version."""
    functions = resources(stack, "aws_lambda_function")
    aliases = aliases_by_function(stack)
    assert set(aliases) == set(functions)
    assert len(functions) == len(names.FUNCTION_PURPOSES) * len(spec.regions)
    for logical, function in functions.items():
        assert function.get("publish") is True, logical
        _, alias = aliases[logical]
        assert alias["name"] == names.FUNCTION_ALIAS
        assert alias["function_version"] == f"${{aws_lambda_function.{logical}.version}}"
        assert region_of(stack, alias) == region_of(stack, function)


def every_invocation_targets_an_alias(spec, stack: Stack) -> None:
    """API integrations, EventBridge targets, Lambda permissions and stream mappings name a
    function's alias (in the function's region), never the function itself."""
    by_name = {f["function_name"]: f for f in resources(stack, "aws_lambda_function").values()}
    for body in resources(stack, "aws_apigatewayv2_integration").values():
        assert ref(body["integration_uri"])[0::2] == ("aws_lambda_alias", "invoke_arn")
        _same_region(stack, body, body["integration_uri"], "aws_lambda_alias")
    lambda_targets = [
        t for t in resources(stack, "aws_cloudwatch_event_target").values() if "lambda" in t["arn"]
    ]
    # two canary rules, the watch, the audit schedule
    assert len(lambda_targets) == 4 * len(spec.regions)
    for target in lambda_targets:
        assert ref(target["arn"])[0::2] == ("aws_lambda_alias", "arn"), target["arn"]
        _same_region(stack, target, target["arn"], "aws_lambda_alias")
    permissions = resources(stack, "aws_lambda_permission").values()
    assert len(permissions) == 6 * len(spec.regions)  # two API routes' functions, 4 rules
    for permission in permissions:
        assert permission.get("qualifier") == names.FUNCTION_ALIAS
        function = by_name[permission["function_name"]]
        assert region_of(stack, function) == region_of(stack, permission)
    for mapping in resources(stack, "aws_lambda_event_source_mapping").values():
        # Named by ARN (the canary is another stack's), in the mapping's own region.
        assert f":lambda:{region_of(stack, mapping)}:" in mapping["function_name"]
        fn, _, alias = mapping["function_name"].rpartition(":")
        assert alias == names.FUNCTION_ALIAS and fn.rsplit(":", 1)[-1] in by_name


def every_function_deploys_its_regions_signed_release(spec, stack: Stack) -> None:
    """Every function names its region's code-signing configuration, which enforces its
    region's Lambda signing profile, and deploys its region's signed archive."""
    configs = resources(stack, "aws_lambda_code_signing_config")
    assert len(configs) == len(spec.regions)
    for body in configs.values():
        assert body["policies"]["untrusted_artifact_on_deployment"] == ENFORCE
        (allowed,) = body["allowed_publishers"]["signing_profile_version_arns"]
        assert ref(allowed)[2] == "version_arn"
        profile = _same_region(stack, body, allowed, "aws_signer_signing_profile")
        assert profile["platform_id"] == LAMBDA_PLATFORM
    for logical, function in resources(stack, "aws_lambda_function").items():
        assert "filename" not in function and "image_uri" not in function, logical
        _same_region(
            stack,
            function,
            function.get("code_signing_config_arn", ""),
            "aws_lambda_code_signing_config",
        )
        for attribute in ("s3_bucket", "s3_key"):
            value = function[attribute]
            assert f".signed_object[0].s3[0].{attribute.removeprefix('s3_')}}}" in value, value
            _same_region(stack, function, value, "aws_signer_signing_job")


def every_signing_job_signs_the_exact_uploaded_version(spec, stack: Stack) -> None:
    """Each region's job signs the version it uploaded of the release archive, with its own
    profile, into its own release bucket under ``signed/``; a failed job fails the apply."""
    jobs = resources(stack, "aws_signer_signing_job")
    assert len(jobs) == len(spec.regions)
    for body in jobs.values():
        source, destination = body["source"]["s3"], body["destination"]["s3"]
        archive_name = referenced(source["version"], "aws_s3_object")
        archive = _same_region(stack, body, source["version"], "aws_s3_object")
        assert source["version"] == f"${{aws_s3_object.{archive_name}.version_id}}"
        assert source["key"] == f"${{aws_s3_object.{archive_name}.key}}"
        assert archive["key"] == names.RELEASE_ARCHIVE_KEY
        assert source["bucket"] == archive["bucket"] == destination["bucket"]
        bucket = _same_region(stack, body, destination["bucket"], "aws_s3_bucket")
        assert bucket["bucket"] == names.RELEASE_BUCKET(spec.namer, region_of(stack, body))
        assert destination["prefix"] == names.SIGNED_PREFIX
        assert body["ignore_signing_job_failure"] is False
        _same_region(stack, body, body["profile_name"], "aws_signer_signing_profile")
        # What the region's key encrypts, and what the bucket's policy pins.
        assert archive["server_side_encryption"] == "aws:kms"
        _same_region(stack, archive, archive["kms_key_id"], "aws_kms_key")
        assert archive["source_hash"]


def every_release_bucket_carries_the_data_buckets_controls(spec, stack: Stack) -> None:
    """Each region's release bucket is versioned, encrypted with its region's key, private,
    TLS only with the key pinned, access-logged, and expires replaced archives."""
    buckets = {
        logical: body
        for logical, body in resources(stack, "aws_s3_bucket").items()
        if body["bucket"].startswith("s3-releases-")
    }
    assert len(buckets) == len(spec.regions)

    def of(kind: str) -> dict[str, dict[str, Any]]:
        return {
            ref(b["bucket"])[1]: b
            for b in resources(stack, kind).values()
            if ref(b["bucket"]) and ref(b["bucket"])[1] in buckets
        }

    versioning, sse = (
        of("aws_s3_bucket_versioning"),
        of("aws_s3_bucket_server_side_encryption_configuration"),
    )
    blocks, policies = of("aws_s3_bucket_public_access_block"), of("aws_s3_bucket_policy")
    logging, lifecycle = of("aws_s3_bucket_logging"), of("aws_s3_bucket_lifecycle_configuration")
    for logical, bucket in buckets.items():
        assert versioning[logical]["versioning_configuration"]["status"] == "Enabled"
        (rule,) = sse[logical]["rule"]
        default = rule["apply_server_side_encryption_by_default"]
        assert default["sse_algorithm"] == "aws:kms"
        _same_region(stack, bucket, default["kms_master_key_id"], "aws_kms_key")
        assert all(blocks[logical][k] is True for k in PUBLIC_ACCESS_BLOCKS), logical
        sids = {s["Sid"] for s in json.loads(policies[logical]["policy"])["Statement"]}
        assert {"DenyInsecureTransport", "DenyUploadsNamingAnotherKey"} <= sids
        _same_region(stack, bucket, logging[logical]["target_bucket"], "aws_s3_bucket")
        rules = {r["id"] for r in lifecycle[logical]["rule"]}
        assert "expire-replaced-archives" in rules


RELEASE_PROPERTIES = (
    every_function_publishes_a_version_behind_its_alias,
    every_invocation_targets_an_alias,
    every_function_deploys_its_regions_signed_release,
    every_signing_job_signs_the_exact_uploaded_version,
    every_release_bucket_carries_the_data_buckets_controls,
)
