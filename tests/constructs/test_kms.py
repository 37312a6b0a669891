"""EncryptionKey: rotation, an explicit key policy, two-sided grants, validated props."""

from __future__ import annotations

import json

import pytest

from drkit import iam
from drkit.errors import SpecError
from drkit.services.iam import Role, RoleProps
from drkit.services.kms import EncryptionKeyProps
from tests.helpers import only, ref

pytestmark = pytest.mark.synth


def test_key_rotates_yearly_with_explicit_policy(h):
    """A key rotates yearly, waits 7 days to delete, and grants per statement, never kms:*."""
    key = h.key()
    key.grant_role("Reader", "arn:aws:iam::123456789012:role/r", ("kms:Decrypt",), ("s3",))
    out = only(h.synth(), "aws_kms_key")
    assert out["enable_key_rotation"] is True and out["rotation_period_in_days"] == 365
    assert out["deletion_window_in_days"] == 7
    sids = {s["Sid"]: s for s in json.loads(out["policy"])["Statement"]}
    assert {
        "KeyAdministration",
        "AccountUseThroughRegionalServices",
        "CloudWatchLogsEncryption",
        "Reader",
    } <= set(sids)
    assert sids["Reader"]["Condition"]["StringEquals"]["kms:ViaService"] == (
        "s3.us-east-1.amazonaws.com"
    )
    assert "kms:*" not in json.dumps(sids)


def test_grant_writes_both_halves_with_derived_ids(h):
    """key.grant puts the role's statement in its policy and names the role in the key policy."""
    key = h.key("us-west-2")
    role = Role(
        h.stack,
        "reader",
        props=RoleProps(
            placement=h["us-east-1"],
            purpose="api",
            trusted_services=("lambda.amazonaws.com",),
            statements=(iam.Statement(sid="Own", actions=("s3:GetObject",), resources=("arn:x",)),),
        ),
    )
    key.grant(role.policy, ("kms:Decrypt",), via=("dynamodb", "s3"), label="DecryptFrom")
    out = h.synth()
    identity = json.loads(only(out, "aws_iam_role_policy")["policy"])["Statement"]
    assert [s["Sid"] for s in identity] == ["Own", "DecryptFromUsWest2"]
    assert identity[1]["Condition"]["StringEquals"]["kms:ViaService"] == [
        "dynamodb.us-west-2.amazonaws.com",
        "s3.us-west-2.amazonaws.com",
    ]
    assert ref(identity[1]["Resource"])[0] == "aws_kms_key"
    policy = json.loads(only(out, "aws_kms_key")["policy"])["Statement"]
    named = [s for s in policy if s["Sid"] == "DecryptFromRoleApiUse1Unit"]
    assert len(named) == 1 and ref(named[0]["Principal"]["AWS"])[0] == "aws_iam_role"
    assert named[0]["Action"] == "kms:Decrypt"


def test_key_props_are_validated(h):
    """Rotation period, deletion window and duplicate statement ids are refused, named."""
    with pytest.raises(SpecError, match="rotation_period_days"):
        EncryptionKeyProps(placement=h["us-east-1"], rotation_period_days=30)
    with pytest.raises(SpecError, match="deletion_window_days"):
        EncryptionKeyProps(placement=h["us-east-1"], deletion_window_days=3)
    key = h.key()
    key.grant_role("Twice", "arn:aws:iam::1:role/r", ("kms:Decrypt",), ("s3",))
    with pytest.raises(ValueError, match="Twice"):
        key.grant_role("Twice", "arn:aws:iam::1:role/r", ("kms:Decrypt",), ("s3",))
