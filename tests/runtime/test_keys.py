"""The keys drkit writes beside the customer's data, and reading a region back from them."""

from __future__ import annotations

import pytest

from drkit_runtime import keys
from drkit_runtime.contract import HEARTBEAT_PREFIX


@pytest.mark.parametrize(
    ("record_id", "region"),
    [
        (f"{HEARTBEAT_PREFIX}us-west-2", "us-west-2"),
        (HEARTBEAT_PREFIX, None),  # the prefix alone names no region
        ("patient-record-with-a-long-id", None),
        ("__drkit_health__#us-west-2", None),
    ],
)
def test_only_a_heartbeat_key_names_a_region(record_id: str, region: str | None) -> None:
    """A heartbeat key gives its region back; anything else gives None."""
    assert keys.heartbeat_region(record_id) == region


def test_canary_object_keys_round_trip() -> None:
    """The canary object key of a region names that region, and only such keys do."""
    assert keys.canary_object_region(keys.canary_object_key("eu-west-1")) == "eu-west-1"
    assert keys.canary_object_region("drkit-canary/eu-west-1/older.json") is None
