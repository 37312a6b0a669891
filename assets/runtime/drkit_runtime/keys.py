"""Reserved item keys and object keys that drkit writes next to the customer's data.

Every reserved record id starts with "__drkit", which the records API refuses as an id, so a
customer can never read or overwrite them.
"""

from __future__ import annotations

import re

from drkit_runtime.contract import CANARY_OBJECT_PREFIX, HEALTH_PREFIX, HEARTBEAT_PREFIX

_CANARY_OBJECT_KEY = re.compile(re.escape(CANARY_OBJECT_PREFIX) + r"([a-z0-9-]+)/latest\.json")


def health_record_id(region: str) -> str:
    """Patient-table key of the item the health check writes in `region`."""
    return f"{HEALTH_PREFIX}{region}"


def heartbeat_record_id(region: str) -> str:
    """Key (record_id) of the canary heartbeat that `region` writes to both tables."""
    return f"{HEARTBEAT_PREFIX}{region}"


def heartbeat_region(record_id: str) -> str | None:
    """The region a heartbeat key belongs to, or None if it is not a heartbeat key."""
    if record_id.startswith(HEARTBEAT_PREFIX) and len(record_id) > len(HEARTBEAT_PREFIX):
        return record_id[len(HEARTBEAT_PREFIX) :]
    return None


def canary_object_key(region: str) -> str:
    """Object key of the canary heartbeat that `region` writes to its bucket."""
    return f"{CANARY_OBJECT_PREFIX}{region}/latest.json"


def canary_object_region(key: str) -> str | None:
    """The region a canary object key belongs to, or None if it is not one."""
    match = _CANARY_OBJECT_KEY.fullmatch(key)
    return match.group(1) if match else None
