"""Parameter Store in one region: is the higher throughput the spec counts on turned on?

Only a spec with ``parameter_store_high_throughput`` asks: without it, the spec keeps
``lambda_reserved_concurrency`` at or below the limit drkit/regions/parameter_store.py states
(kept from when the API function served /health). Reads the service setting that turns higher
throughput on, ``ssm:GetServiceSetting``.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from drkit.operations.preflight.findings import Finding, ok, refused
from drkit.regions.parameter_store import (
    HIGH_THROUGHPUT_SETTING_ID,
    LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT,
    drain_reads_per_second,
)
from drkit.regions.quotas import HEALTH_RESERVED_CONCURRENCY

THROUGHPUT = "Parameter Store throughput"


def check_parameter_store(client: Any, region: str, *, reserved_concurrency: int) -> Finding:
    """Refused unless higher throughput is on in ``region`` (or when it cannot be read)."""
    try:
        got = client.get_service_setting(SettingId=HIGH_THROUGHPUT_SETTING_ID)
        value = str(got["ServiceSetting"]["SettingValue"])
    except (ClientError, BotoCoreError) as err:
        return refused(
            region,
            THROUGHPUT,
            f"could not read the service setting {HIGH_THROUGHPUT_SETTING_ID} ({err}). The "
            "preflight needs ssm:GetServiceSetting when the spec sets "
            "parameter_store_high_throughput.",
        )
    # Only the health function reads the drain switch, within its own reservation.
    reads = drain_reads_per_second(containers=HEALTH_RESERVED_CONCURRENCY)
    top = LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT
    if value.lower() == "true":
        return ok(
            region,
            THROUGHPUT,
            f"higher throughput is on, as the spec says; /health reads the drain switch at most "
            f"{reads:g} times a second.",
        )
    return refused(
        region,
        THROUGHPUT,
        f"the spec sets parameter_store_high_throughput, which it asks for above "
        f"lambda_reserved_concurrency={top} (here {reserved_concurrency}), but "
        f"{HIGH_THROUGHPUT_SETTING_ID} is '{value}' here. Change: turn on higher throughput in "
        "this region (Parameter Store settings, a paid setting), or set "
        f"lambda_reserved_concurrency to at most {top}. (The limit dates from when the API "
        f"function served /health; /health's own function reads the drain switch at most "
        f"{reads:g} times a second.)",
    )
