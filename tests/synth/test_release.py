"""Releases: every function versioned behind its alias, deploying code signed in its region.

Each invariant of tests/synth/release.py holds for the fixed layouts (and, through
tests/synth/test_stack_properties.py, for random ones), and fails when the JSON is broken
the way a regression would break it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from drkit.regions import names
from tests.helpers import ref, region_of, resources
from tests.synth import release
from tests.synth.release import RELEASE_PROPERTIES

pytestmark = pytest.mark.synth
Stack = dict[str, Any]


@pytest.mark.parametrize("prop", RELEASE_PROPERTIES, ids=lambda p: p.__name__)
def test_examples(prop, case):
    """Each release invariant holds for the default stack and the three-region example."""
    prop(*case)


def _first(stack: Stack, kind: str, where: Callable[[dict[str, Any]], bool] = bool) -> dict:
    return next(body for body in resources(stack, kind).values() if where(body))


def _drop_an_alias(stack: Stack) -> None:
    aliases = resources(stack, "aws_lambda_alias")
    del aliases[next(iter(aliases))]


def _stop_publishing(stack: Stack) -> None:
    _first(stack, "aws_lambda_function")["publish"] = False


def _alias_an_old_version(stack: Stack) -> None:
    _first(stack, "aws_lambda_alias")["function_version"] = "1"


def _target_the_function(stack: Stack) -> None:
    target = _first(stack, "aws_cloudwatch_event_target", lambda t: "lambda" in t["arn"])
    target["arn"] = target["arn"].replace("aws_lambda_alias", "aws_lambda_function")


def _integrate_the_function(stack: Stack) -> None:
    body = _first(stack, "aws_apigatewayv2_integration")
    (alias,) = [a for k, a in resources(stack, "aws_lambda_alias").items()
                if k == ref(body["integration_uri"])[1]]  # fmt: skip
    body["integration_uri"] = alias["function_name"].replace(".function_name}", ".invoke_arn}")


def _permit_the_function(stack: Stack) -> None:
    del _first(stack, "aws_lambda_permission")["qualifier"]


def _map_the_unqualified_canary(stack: Stack) -> None:
    mapping = _first(stack, "aws_lambda_event_source_mapping")
    mapping["function_name"] = mapping["function_name"].removesuffix(f":{names.FUNCTION_ALIAS}")


def _only_warn(stack: Stack) -> None:
    _first(stack, "aws_lambda_code_signing_config")["policies"][
        "untrusted_artifact_on_deployment"
    ] = "Warn"


def _deploy_the_unsigned_archive(stack: Stack) -> None:
    function = _first(stack, "aws_lambda_function")
    function["s3_key"] = names.RELEASE_ARCHIVE_KEY


def _no_code_signing(stack: Stack) -> None:
    del _first(stack, "aws_lambda_function")["code_signing_config_arn"]


def _another_regions_code_signing(stack: Stack) -> None:
    function = _first(stack, "aws_lambda_function")
    other = next(
        logical
        for logical, body in resources(stack, "aws_lambda_code_signing_config").items()
        if region_of(stack, body) != region_of(stack, function)
    )
    function["code_signing_config_arn"] = f"${{aws_lambda_code_signing_config.{other}.arn}}"


def _sign_a_fixed_version(stack: Stack) -> None:
    _first(stack, "aws_signer_signing_job")["source"]["s3"]["version"] = "v-of-last-year"


def _sign_into_another_prefix(stack: Stack) -> None:
    _first(stack, "aws_signer_signing_job")["destination"]["s3"]["prefix"] = "releases/"


def _suspend_release_versioning(stack: Stack) -> None:
    buckets = {
        k
        for k, b in resources(stack, "aws_s3_bucket").items()
        if b["bucket"].startswith("s3-releases-")
    }
    versioning = _first(stack, "aws_s3_bucket_versioning", lambda v: ref(v["bucket"])[1] in buckets)
    versioning["versioning_configuration"]["status"] = "Suspended"


BREAKAGES = (
    (_drop_an_alias, release.every_function_publishes_a_version_behind_its_alias),
    (_stop_publishing, release.every_function_publishes_a_version_behind_its_alias),
    (_alias_an_old_version, release.every_function_publishes_a_version_behind_its_alias),
    (_target_the_function, release.every_invocation_targets_an_alias),
    (_integrate_the_function, release.every_invocation_targets_an_alias),
    (_permit_the_function, release.every_invocation_targets_an_alias),
    (_map_the_unqualified_canary, release.every_invocation_targets_an_alias),
    (_only_warn, release.every_function_deploys_its_regions_signed_release),
    (_deploy_the_unsigned_archive, release.every_function_deploys_its_regions_signed_release),
    (_no_code_signing, release.every_function_deploys_its_regions_signed_release),
    (_another_regions_code_signing, release.every_function_deploys_its_regions_signed_release),
    (_sign_a_fixed_version, release.every_signing_job_signs_the_exact_uploaded_version),
    (_sign_into_another_prefix, release.every_signing_job_signs_the_exact_uploaded_version),
    (_suspend_release_versioning, release.every_release_bucket_carries_the_data_buckets_controls),
)


@pytest.mark.parametrize(("breakage", "prop"), BREAKAGES, ids=lambda f: f.__name__)
def test_a_broken_release_is_found(breakage, prop, default_spec, default_stack):
    """Each way a regression could break a release fails the invariant that guards it."""
    broken = copy.deepcopy(default_stack)
    breakage(broken)
    with pytest.raises(AssertionError):
        prop(default_spec, broken)
