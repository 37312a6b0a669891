"""Lambda in one region: concurrency for drkit's reservations, and memory for its functions?

Reads ``GetAccountSettings`` (the region's concurrency quota and what is still
unreserved) and ``GetFunctionConcurrency`` of drkit's own functions (a
re-deploy gives back what they already hold). The rules are the model's
(drkit/regions/quotas.py), each with its page.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from drkit.operations.preflight.findings import Finding, ok, refused
from drkit.regions.naming import Namer
from drkit.regions.quotas import (
    CONCURRENCY_QUOTA_CODE,
    DEFAULT_CONCURRENT_EXECUTIONS,
    REDUCED_MEMORY_MB,
    UNRESERVED_CONCURRENCY_MINIMUM,
    LambdaDemand,
)

CONCURRENCY, MEMORY = "Lambda concurrency", "Lambda memory"


def check_lambda(
    client: Any,
    region: str,
    demand: LambdaDemand,
    namer: Namer,
    *,
    memory_quota_mb: int | None = None,
) -> list[Finding]:
    """The concurrency and memory findings of one region (a refusal if Lambda cannot be read)."""
    try:
        limits = client.get_account_settings()["AccountLimit"]
        held = sum(_held(client, f.name(namer, region)) for f in demand.functions)
    except (ClientError, BotoCoreError) as err:
        return [
            refused(
                region,
                CONCURRENCY,
                f"could not read Lambda's account settings ({err}). The preflight needs "
                "lambda:GetAccountSettings and lambda:GetFunctionConcurrency; an opt-in region "
                "must be enabled for the account.",
            )
        ]
    quota = int(limits["ConcurrentExecutions"])
    unreserved = int(limits["UnreservedConcurrentExecutions"])
    return [
        _concurrency(region, demand, quota=quota, unreserved=unreserved, held=held),
        _memory(region, demand, quota=quota, memory_quota_mb=memory_quota_mb),
    ]


def _held(client: Any, function_name: str) -> int:
    """What one of drkit's functions reserves now (0 when it does not exist yet)."""
    try:
        got = client.get_function_concurrency(FunctionName=function_name)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return 0
        raise
    return int(got.get("ReservedConcurrentExecutions") or 0)


def _concurrency(
    region: str, demand: LambdaDemand, *, quota: int, unreserved: int, held: int
) -> Finding:
    available = unreserved + held
    needed = demand.needed_unreserved
    read = f"the account's quota here is {quota} concurrent executions, {unreserved} unreserved"
    if held:
        read += f" (plus {held} that drkit's functions already hold)"
    parts = ", ".join(
        (
            f"lambda_reserved_concurrency={f.reserved_concurrency}"
            if f.from_spec
            else f"{f.reserved_concurrency}"
        )
        + f" for the {f.purpose} function"
        for f in demand.functions
    )
    asks = (
        f"drkit reserves {demand.reserved_concurrency} ({parts}) and Lambda keeps "
        f"{UNRESERVED_CONCURRENCY_MINIMUM} unreserved"
    )
    if available >= needed:
        return ok(region, CONCURRENCY, f"{read}; {asks}: {available - needed} to spare.")
    largest = demand.largest_api_reservation(available)
    alternative = (
        f", or set lambda_reserved_concurrency to at most {largest}"
        if largest
        else "; no lambda_reserved_concurrency fits until then"
    )
    return refused(
        region,
        CONCURRENCY,
        f"{read}; {asks}, so {needed} must be available and only {available} is: the apply would "
        f"fail at the function's concurrency. Change: request the 'Concurrent executions' quota "
        f"(Service Quotas, lambda {CONCURRENCY_QUOTA_CODE}) of at least "
        f"{quota + needed - available} in {region}{alternative}.",
    )


def _memory(
    region: str, demand: LambdaDemand, *, quota: int, memory_quota_mb: int | None
) -> Finding:
    largest = demand.largest_memory
    asks = f"the {largest.purpose} function asks for " + (
        f"lambda_memory_mb={largest.memory_mb}" if largest.from_spec else f"{largest.memory_mb} MB"
    )
    change = (
        "set lambda_memory_mb to at most {cap}"
        if largest.from_spec
        else "raise the account's memory quota to {cap} MB or more"
    )
    if memory_quota_mb is not None:
        if largest.memory_mb <= memory_quota_mb:
            return ok(region, MEMORY, f"{asks}, within the {memory_quota_mb} MB you confirmed.")
        return refused(
            region,
            MEMORY,
            f"{asks}, above the {memory_quota_mb} MB memory quota you confirmed. Change: "
            + change.format(cap=memory_quota_mb)
            + ".",
        )
    if quota >= DEFAULT_CONCURRENT_EXECUTIONS:
        return ok(
            region,
            MEMORY,
            f"{asks}: no API reads the memory quota, but new accounts are the ones whose memory "
            f"is reduced, and this concurrency quota ({quota}) is not a new account's.",
        )
    if largest.memory_mb <= REDUCED_MEMORY_MB:
        return ok(
            region,
            MEMORY,
            f"{asks}, within the {REDUCED_MEMORY_MB} MB that new accounts report (this account's "
            f"concurrency quota, {quota}, is a new account's reduced one).",
        )
    return refused(
        region,
        MEMORY,
        f"{asks}, but this account has a new account's reduced quotas here (concurrency {quota}, "
        f"below the default {DEFAULT_CONCURRENT_EXECUTIONS}), and AWS reduces new accounts' "
        "memory quota too. No API reads it and AWS documents no figure; such accounts report "
        f"'MemorySize ... must have value less than or equal to {REDUCED_MEMORY_MB}' at apply. "
        "Change: " + change.format(cap=REDUCED_MEMORY_MB) + ", or have AWS Support raise the "
        "account's Lambda quotas and pass the memory quota they confirm with "
        "--lambda-memory-quota MB.",
    )
