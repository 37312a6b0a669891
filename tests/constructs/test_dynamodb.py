"""GlobalTable: PITR, encryption, and one replica per secondary with its region's key."""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.services.dynamodb import GlobalTable, GlobalTableProps
from tests.helpers import only

pytestmark = pytest.mark.synth


def test_global_table_has_pitr_streams_and_regional_keys(h):
    """The table is named by the namer, encrypted, and replicated with PITR and tags."""
    GlobalTable(
        h.stack,
        "t",
        props=GlobalTableProps(
            placement=h["us-east-1"],
            purpose="patient_records",
            key=h.key(),
            replica_keys=(h.key("us-west-2"),),
            hash_key="record_id",
        ),
    )
    out = only(h.synth(), "aws_dynamodb_table")
    assert out["name"] == "ddb-patient_records-unit"
    assert out["server_side_encryption"]["enabled"] is True
    assert out["replica"] == [
        {
            "kms_key_arn": out["replica"][0]["kms_key_arn"],
            "point_in_time_recovery": True,
            "propagate_tags": True,
            "region_name": "us-west-2",
        }
    ]


def test_global_table_refuses_bad_replica_keys(h):
    """No replica key, or one in the table's own region, is refused, named."""
    key = h.key()
    with pytest.raises(SpecError, match="replica_keys"):
        GlobalTableProps(
            placement=h["us-east-1"], purpose="x", key=key, replica_keys=(), hash_key="k"
        )
    with pytest.raises(SpecError, match="replica_keys"):
        GlobalTableProps(
            placement=h["us-east-1"], purpose="x", key=key, replica_keys=(key,), hash_key="k"
        )
