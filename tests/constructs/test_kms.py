"""EncryptionKey: rotation, an explicit key policy, grants computed in halves, validated props."""

from __future__ import annotations

import json

import pytest

from drkit.access.keys import KeyUse
from drkit.access.roles import RoleModel
from drkit.errors import SpecError
from drkit.regions import names
from drkit.regions.naming import Namer
from drkit.services.iam import Role, RoleProps
from drkit.services.kms import EncryptionKeyProps
from tests.constructs.conftest import ACCOUNT
from tests.helpers import only, ref

pytestmark = pytest.mark.synth

READER = KeyUse(region="us-west-2", actions=("kms:Decrypt",), via=("dynamodb", "s3"), label="Read")


def _reader() -> RoleModel:
    fn = names.FUNCTIONS["api"]
    return RoleModel(
        role=fn.role,
        policy=fn.policy,
        region="us-east-1",
        trusted_services=("lambda.amazonaws.com",),
        key_uses=(READER,),
    )


def test_key_rotates_yearly_with_explicit_policy(h):
    """A key rotates yearly, waits 7 days to delete, and grants per statement, never kms:*."""
    key = h.key("us-west-2")
    key.allow(_reader().key_statements(Namer("unit"), ACCOUNT, "us-west-2"))
    out = only(h.synth(), "aws_kms_key")
    assert out["enable_key_rotation"] is True and out["rotation_period_in_days"] == 365
    assert out["deletion_window_in_days"] == 7
    sids = {s["Sid"]: s for s in json.loads(out["policy"])["Statement"]}
    assert {
        "KeyAdministration",
        "AccountUseThroughRegionalServices",
        "CloudWatchLogsEncryption",
        "ReadRoleApiUse1Unit",
    } <= set(sids)
    assert sids["ReadRoleApiUse1Unit"]["Principal"]["AWS"] == (
        "arn:aws:iam::123456789012:role/role-api-use1-unit"
    )
    assert sids["ReadRoleApiUse1Unit"]["Condition"]["StringEquals"]["kms:ViaService"] == [
        "dynamodb.us-west-2.amazonaws.com",
        "s3.us-west-2.amazonaws.com",
    ]
    assert "kms:*" not in json.dumps(sids)


def test_the_roles_half_names_the_key_by_its_alias(h):
    """The role's statement names any key of the region with the deployment's alias: the
    key's id is random, and the role is made in another stack."""
    Role(h.stack, "reader", props=RoleProps(placement=h["us-east-1"], model=_reader()))
    identity = json.loads(only(h.synth(), "aws_iam_role_policy")["policy"])["Statement"]
    (statement,) = identity
    assert statement["Sid"] == "ReadUsWest2"
    assert statement["Resource"] == "arn:aws:kms:us-west-2:123456789012:key/*"
    assert statement["Condition"]["ForAnyValue:StringEquals"] == {
        "kms:ResourceAliases": "alias/kms-data-usw2-unit"
    }
    role = only(h.synth(), "aws_iam_role")
    assert role["name"] == "role-api-use1-unit"
    assert ref(only(h.synth(), "aws_iam_role_policy")["role"])[0] == "aws_iam_role"


def test_key_props_are_validated(h):
    """Rotation period, deletion window and duplicate statement ids are refused, named."""
    with pytest.raises(SpecError, match="rotation_period_days"):
        EncryptionKeyProps(placement=h["us-east-1"], rotation_period_days=30)
    with pytest.raises(SpecError, match="deletion_window_days"):
        EncryptionKeyProps(placement=h["us-east-1"], deletion_window_days=3)
    key = h.key("us-west-2")
    statements = _reader().key_statements(Namer("unit"), ACCOUNT, "us-west-2")
    key.allow(statements)
    with pytest.raises(ValueError, match="ReadRoleApiUse1Unit"):
        key.allow(statements)
