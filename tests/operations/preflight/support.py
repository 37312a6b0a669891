"""Injected AWS clients for the preflight: a Lambda account with any quotas, failing calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
from botocore.exceptions import ClientError

from drkit.operations.preflight.delegation import DelegationUnknown, NameServerLookup


def client_error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code} (test)"}}, operation)


@attrs.define
class FakeLambda:
    """One region's Lambda: a concurrency quota, what is unreserved, what functions hold.

    Attributes:
        quota: ``ConcurrentExecutions``.
        unreserved: ``UnreservedConcurrentExecutions``; the quota when left out.
        held: Reserved concurrency by function name (others do not exist).
        error: A ``ClientError`` code every call raises.
    """

    quota: int = 1000
    unreserved: int | None = None
    held: Mapping[str, int] = attrs.field(factory=dict)
    error: str | None = None

    def get_account_settings(self) -> dict[str, Any]:
        if self.error:
            raise client_error(self.error, "GetAccountSettings")
        unreserved = self.quota if self.unreserved is None else self.unreserved
        return {
            "AccountLimit": {
                "ConcurrentExecutions": self.quota,
                "UnreservedConcurrentExecutions": unreserved,
            }
        }

    def get_function_concurrency(self, FunctionName: str) -> dict[str, Any]:
        if FunctionName not in self.held:
            raise client_error("ResourceNotFoundException", "GetFunctionConcurrency")
        return {"ReservedConcurrentExecutions": self.held[FunctionName]}


@attrs.define
class FakeSsm:
    """One region's Systems Manager: the higher-throughput setting, or a failing read.

    Attributes:
        high_throughput: The setting's value ("true" or "false").
        error: A ``ClientError`` code the read raises.
        reads: The setting ids read.
    """

    high_throughput: str = "false"
    error: str | None = None
    reads: list[str] = attrs.field(factory=list)

    def get_service_setting(self, SettingId: str) -> dict[str, Any]:
        self.reads.append(SettingId)
        if self.error:
            raise client_error(self.error, "GetServiceSetting")
        return {"ServiceSetting": {"SettingId": SettingId, "SettingValue": self.high_throughput}}


class FailingSts:
    """STS without working credentials."""

    def get_caller_identity(self) -> dict[str, Any]:
        raise client_error("InvalidClientTokenId", "GetCallerIdentity")


def clients(
    lambdas: Mapping[str, FakeLambda], fallback: Callable[[str, str], Any]
) -> Callable[[str, str], Any]:
    """A ClientFactory: ``lambdas`` by region for Lambda, ``fallback`` for everything else."""

    def client(service: str, region: str) -> Any:
        if service == "lambda" and region in lambdas:
            return lambdas[region]
        return fallback(service, region)

    return client


def lookup_of(answers: Mapping[str, frozenset[str]]) -> NameServerLookup:
    """A name-server lookup answering from ``answers`` (a missing name: not delegated)."""

    def lookup(name: str) -> frozenset[str]:
        return answers.get(name, frozenset())

    return lookup


def unknown_lookup(name: str) -> frozenset[str]:
    """A lookup whose DNS gives no answer."""
    raise DelegationUnknown(f"Timeout resolving {name} (test)")
