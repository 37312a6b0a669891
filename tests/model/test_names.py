"""Every named resource is defined once (``drkit.regions.names``) and used from there alone."""

from __future__ import annotations

import ast
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drkit.regions import names
from drkit.regions.catalog import SHORT_CODES
from drkit.regions.names import CATALOGUE, Account, Name
from drkit.regions.naming import Namer, ResourceType
from tests.helpers import ROOT

#: Kinds whose names are made per use (per alarm, per dashboard, per network resource), not
#: fixed resources other stacks could refer to.
PER_USE = {ResourceType.ALARM, ResourceType.DASHBOARD, ResourceType.NAME_TAG}
#: The two modules that may spell a kind of name: the rules, and the definitions.
DEFINERS = {ROOT / "drkit" / "regions" / "naming.py", ROOT / "drkit" / "regions" / "names.py"}
ACCOUNT = Account(account_id="123456789012", partition="aws")


def test_each_name_is_defined_once():
    """No two definitions make the same (kind, purpose): one resource, one definition."""
    pairs = [(n.kind, n.purpose) for n in CATALOGUE]
    assert len(pairs) == len(set(pairs))


def _fixed_kinds_spelled(path) -> list[str]:
    """``ResourceType.X`` attributes a module names, but for the per-use kinds."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} ResourceType.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "ResourceType"
        and ResourceType[node.attr] not in PER_USE
    ]


def test_no_module_spells_a_fixed_name():
    """Outside the rules and the definitions, no code names a fixed resource by kind and
    purpose: it takes the name from its one definition."""
    found = [
        hit
        for path in sorted((ROOT / "drkit").rglob("*.py"))
        if path not in DEFINERS
        for hit in _fixed_kinds_spelled(path)
    ]
    assert found == []


@given(
    st.sampled_from([n for n in CATALOGUE if n.kind.value.arn]), st.sampled_from(list(SHORT_CODES))
)
def test_every_arn_is_its_services_form(name: Name, region: str):
    """An ARN made from a name has six parts, the account's partition and id, the region
    where the service puts one, and the physical name as its resource."""
    arn = name.arn(Namer("dev"), ACCOUNT, region)
    parts = arn.split(":", 5)
    assert parts[0:2] == ["arn", "aws"]
    assert parts[3] == (
        "" if name.kind in (ResourceType.S3_BUCKET, ResourceType.IAM_ROLE) else region
    )
    assert parts[4] == ("" if name.kind is ResourceType.S3_BUCKET else "123456789012")
    assert name(Namer("dev"), region) in parts[5]


@pytest.mark.parametrize(
    ("name", "arn"),
    [
        (names.DATA_BUCKET, "arn:aws:s3:::s3-data-usw2-dev"),
        (names.FUNCTIONS["api"].role, "arn:aws:iam::123456789012:role/role-api-usw2-dev"),
        (
            names.TABLES["audit_logs"],
            "arn:aws:dynamodb:us-west-2:123456789012:table/ddb-audit_logs-dev",
        ),
        (names.DRAIN_SWITCH, "arn:aws:ssm:us-west-2:123456789012:parameter/drkit/dev/drain-usw2"),
        (names.DATA_KEY, "arn:aws:kms:us-west-2:123456789012:alias/kms-data-usw2-dev"),
        (
            names.BACKUP_VAULT,
            "arn:aws:backup:us-west-2:123456789012:backup-vault:vault-tables-usw2-dev",
        ),
    ],
)
def test_arns_as_aws_writes_them(name: Name, arn: str):
    """The ARN forms AWS documents for each kind (SSM's keeps the name's leading slash)."""
    assert name.arn(Namer("dev"), ACCOUNT, "us-west-2") == arn


def test_a_regional_name_needs_its_region():
    with pytest.raises(ValueError, match="per region"):
        names.DATA_BUCKET(Namer("dev"))


def test_names_without_an_arn_form_refuse_to_make_one():
    """A security group's ARN holds an id AWS makes at random: no ARN from its name."""
    with pytest.raises(ValueError, match="random id"):
        names.WORKLOAD_SECURITY_GROUP.arn(Namer("dev"), ACCOUNT, "us-east-1")


def test_the_runtime_and_the_stack_name_the_tables_alike():
    """The tables' purposes are the runtime's logical names (drkit_runtime.contract)."""
    from drkit_runtime.contract import TABLE_KEYS

    assert set(names.TABLES) == set(TABLE_KEYS)
    assert all(re.fullmatch(r"ddb-\w+-dev", t(Namer("dev"))) for t in names.TABLES.values())
