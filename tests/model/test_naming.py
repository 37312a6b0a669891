"""One naming function makes every physical name and knows each service's limits."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drkit.errors import SpecError
from drkit.regions import DeploymentSpec
from drkit.regions.catalog import SHORT_CODES
from drkit.regions.names import CATALOGUE, check_all
from drkit.regions.naming import (
    DNS_LABEL_MAX,
    Namer,
    ResourceType,
    regional_domain_name,
)
from tests.strategies import spec as s


def test_pattern_is_type_purpose_region_suffix():
    n = Namer("prod")
    assert n(ResourceType.S3_BUCKET, "data", "us-east-1") == "s3-data-use1-prod"
    assert n(ResourceType.IAM_ROLE, "api", "us-west-2") == "role-api-usw2-prod"
    assert n(ResourceType.DYNAMODB_TABLE, "patient_records") == "ddb-patient_records-prod"
    assert (
        n(ResourceType.LAMBDA_LOG_GROUP, "api", "eu-west-1") == "/aws/lambda/lambda-api-euw1-prod"
    )


def test_security_group_names_avoid_the_reserved_prefix():
    assert not Namer("x")(ResourceType.SECURITY_GROUP, "workload", "us-east-1").startswith("sg-")


@given(st.sampled_from(CATALOGUE), st.sampled_from(tuple(SHORT_CODES)), s.suffixes)
def test_every_catalogue_name_fits_its_rule(entry, region, suffix):
    """Every fixed name, in every region, with any short suffix, fits its service's rule."""
    kind = entry.kind
    name = entry(Namer(suffix), region)
    assert len(name) <= kind.value.max_length
    assert re.fullmatch(kind.value.pattern, name)
    kept = suffix.replace("-", "") if kind.value.alphanumeric else suffix
    if kind.value.underscores:  # a name prefix (Signer's): Terraform appends a unique id
        kept = f"{suffix.replace('-', '_')}_"
    assert name.endswith(kept) or kind is ResourceType.SSM_PARAMETER


def test_alphanumeric_names_drop_the_suffixs_hyphens():
    """A key-signing key's name carries the suffix without its hyphens (Route 53's rule)."""
    assert Namer("pr-12")(ResourceType.KEY_SIGNING_KEY, "dnssec") == "kskdnssecpr12"
    assert Namer("pr-12")(ResourceType.BACKUP_SELECTION, "tables") == "selection-tables-pr-12"


@given(st.integers(64, 120))
def test_long_suffixes_are_rejected_before_aws_sees_them(length):
    """A suffix that makes the longest bucket name exceed 63 characters is a SpecError."""
    with pytest.raises(SpecError) as caught:
        check_all(Namer("a" * length), ["ap-southeast-2"])
    assert caught.value.field == "environment_suffix"


@given(st.sampled_from(tuple(SHORT_CODES)), st.integers(1, 20))
def test_regional_name_is_one_label_under_the_zone(region, length):
    """A region's own API name is ``<record>-<short>.<zone>``: one label more, same zone."""
    name = regional_domain_name("a" * length, "dr.example.com.", region)
    label, _, zone = name.partition(".")
    assert (label, zone) == (f"{'a' * length}-{SHORT_CODES[region]}", "dr.example.com")


def test_regional_name_too_long_names_the_record_name():
    """A record name that leaves no room for a region's short code is refused when the
    spec is built, naming dns_record_name and how long it may be."""
    longest = DNS_LABEL_MAX - len("-use1")
    assert DeploymentSpec.default(environment_suffix="unit", dns_record_name="a" * longest)
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.default(environment_suffix="unit", dns_record_name="a" * (longest + 1))
    assert caught.value.field == "dns_record_name"
    assert f"at most {longest} characters" in str(caught.value)
