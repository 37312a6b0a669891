"""LogGroup: encrypted with a key of its region, retention of at least the compliance minimum."""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.services.logs import LogGroup, LogGroupProps
from tests.helpers import only, ref

pytestmark = pytest.mark.synth


def test_log_group_is_encrypted_with_retention(h):
    """The log group carries its retention and its KMS key."""
    key = h.key()
    LogGroup(
        h.stack,
        "lg",
        props=LogGroupProps(
            placement=h["us-east-1"], log_group_name="/x/y", key=key, retention_days=731
        ),
    )
    out = only(h.synth(), "aws_cloudwatch_log_group")
    assert out["retention_in_days"] == 731 and ref(out["kms_key_id"])[0] == "aws_kms_key"


def test_log_group_refuses_short_retention_and_foreign_keys(h):
    """A retention under the minimum or a key of another region is refused, named."""
    key = h.key()
    with pytest.raises(SpecError, match="retention_days"):
        LogGroupProps(placement=h["us-east-1"], log_group_name="/x", key=key, retention_days=30)
    with pytest.raises(SpecError, match="key"):
        LogGroupProps(placement=h["us-west-2"], log_group_name="/x", key=key)
