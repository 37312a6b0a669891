"""What /health asks of Parameter Store's throughput, per account and region, and its rules.

Each container of the health function reads the drain switch (an SSM parameter) at most once
per ``HEALTH_CACHE_SECONDS``, so its reads grow with the containers that serve /health, not
with the requests, and those are capped by the health function's own reservation
(``drkit.regions.quotas.HEALTH_RESERVED_CONCURRENCY``): at most 4 reads a second per region.
Parameter Store throttles per account and region, with one quota shared by every caller there;
once /health is throttled it answers 503 and the region fails out.

The spec's limit on ``lambda_reserved_concurrency`` (at most
``LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT`` unless the account has higher throughput, which
``drkit preflight`` reads) dates from when the API function served /health and its containers
read the switch; the API function no longer reads it, so the limit is now stricter than
/health needs (docs/architecture.md, "A flood of /health costs a constant").
"""

from __future__ import annotations

from drkit_runtime.contract import HEALTH_CACHE_SECONDS

#: Parameter Store's standard throughput in transactions per second, per account and Region:
#: one quota for the GetParameter, GetParameters and PutParameter calls of every caller there
#: (the throughput page; the figure is on the quotas page). "Higher throughput" is a paid
#: service setting that raises it.
#: https://docs.aws.amazon.com/general/latest/gr/ssm.html
#: https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-throughput.html
GET_PARAMETER_DEFAULT_TPS = 40
#: The most API containers whose /health reads stay below the standard throughput (199):
#: one more reads the drain switch GET_PARAMETER_DEFAULT_TPS times a second.
LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT = GET_PARAMETER_DEFAULT_TPS * HEALTH_CACHE_SECONDS - 1
#: The service setting that turns higher throughput on ("true") in one region
#: (``ssm:GetServiceSetting`` reads it), from the same throughput page.
HIGH_THROUGHPUT_SETTING_ID = "/ssm/parameter-store/high-throughput-enabled"


def drain_reads_per_second(*, containers: int, health_rate_limit: int | None = None) -> float:
    """The most GetParameter calls per second /health can make on the drain switch.

    One per container per ``HEALTH_CACHE_SECONDS``, and never more than the requests the
    /health route admits (``health_rate_limit``; None: not limited).
    """
    reads = containers / HEALTH_CACHE_SECONDS
    return reads if health_rate_limit is None else min(reads, float(health_rate_limit))
