"""What a deployment asks of Lambda's quotas in each region (drkit.regions.quotas), without
the stack: the API function's numbers come from the spec, the canary's, the watcher's and the
health function's are fixed."""

from __future__ import annotations

from drkit.regions.naming import Namer
from drkit.regions.quotas import (
    AUDITOR_RESERVED_CONCURRENCY,
    CANARY_RESERVED_CONCURRENCY,
    HEALTH_RESERVED_CONCURRENCY,
    UNRESERVED_CONCURRENCY_MINIMUM,
    WATCHER_RESERVED_CONCURRENCY,
    LambdaDemand,
)


def test_only_the_api_function_takes_its_numbers_from_the_spec():
    """The API function reserves and uses what the spec says; the other four are fixed."""
    demand = LambdaDemand.of(reserved_concurrency=150, memory_mb=2048)
    assert [(f.purpose, f.from_spec) for f in demand.functions] == [
        ("api", True),
        ("canary", False),
        ("watcher", False),
        ("health", False),
        ("auditor", False),
    ]
    assert demand.fixed_reserved_concurrency == (
        CANARY_RESERVED_CONCURRENCY
        + WATCHER_RESERVED_CONCURRENCY
        + HEALTH_RESERVED_CONCURRENCY
        + AUDITOR_RESERVED_CONCURRENCY
    )
    assert demand.needed_unreserved == 150 + 27 + UNRESERVED_CONCURRENCY_MINIMUM


def test_a_function_is_named_for_the_region_it_runs_in():
    """The preflight reads each region's own functions: their names differ per region."""
    namer = Namer("test")
    for function in LambdaDemand.of(reserved_concurrency=100, memory_mb=512).functions:
        assert function.name(namer, "us-east-1") != function.name(namer, "us-west-2")
