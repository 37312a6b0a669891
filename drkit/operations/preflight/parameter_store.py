"""Parameter Store in one region: is the higher throughput the spec counts on turned on?

Only a spec with ``parameter_store_high_throughput`` asks: without it, the spec keeps /health's
drain-switch reads below the standard throughput itself (drkit/regions/parameter_store.py).
Reads the service setting that turns higher throughput on, ``ssm:GetServiceSetting``.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from drkit.operations.preflight.findings import Finding, ok, refused
from drkit.regions.parameter_store import (
    GET_PARAMETER_DEFAULT_TPS,
    HIGH_THROUGHPUT_SETTING_ID,
    LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT,
    drain_reads_per_second,
)

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
    reads = drain_reads_per_second(containers=reserved_concurrency)
    if value.lower() == "true":
        return ok(
            region,
            THROUGHPUT,
            f"higher throughput is on; /health reads the drain switch at most {reads:g} times a "
            "second.",
        )
    return refused(
        region,
        THROUGHPUT,
        f"the spec sets parameter_store_high_throughput, and with lambda_reserved_concurrency="
        f"{reserved_concurrency} /health may read the drain switch {reads:g} times a second; but "
        f"{HIGH_THROUGHPUT_SETTING_ID} is '{value}' here, so the standard "
        f"{GET_PARAMETER_DEFAULT_TPS} a second (shared by every caller in the account and region) "
        "would throttle /health and fail the region out. Change: turn on higher throughput in "
        "this region (Parameter Store settings, a paid setting), or set "
        f"lambda_reserved_concurrency to at most {LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT}.",
    )
