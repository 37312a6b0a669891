"""drkit's Lambda models: functions keep their dead-letter queue and logging configuration,
and the backend reports the account's settings.

The gaps and what is emulated: :mod:`drkit_emulator.awslambda`.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

from moto.awslambda import models as lambda_models

from drkit_emulator.awslambda import urls

_ORIGINAL = lambda_models.LambdaFunction
#: Lambda's documented default quota of concurrent executions per account and region.
DEFAULT_CONCURRENT_EXECUTIONS = 1000
#: moto's own setting for the quota it enforces on reservations (moto.awslambda.models).
QUOTA_VARIABLE = "MOTO_LAMBDA_CONCURRENCY_QUOTA"
#: Lambda's documented code-size limits, in bytes: unzipped, zipped upload, total storage.
CODE_SIZE_UNZIPPED = 250 * 1024 * 1024
CODE_SIZE_ZIPPED = 50 * 1024 * 1024
TOTAL_CODE_SIZE = 75 * 1024**3


def logging_config(function_name: str, requested: dict[str, Any] | None) -> dict[str, Any]:
    """The ``LoggingConfig`` AWS reports for a function created or updated with ``requested``."""
    config = dict(requested or {})
    config.setdefault("LogFormat", "Text")
    config.setdefault("LogGroup", f"/aws/lambda/{function_name}")
    if config["LogFormat"] == "JSON":
        config.setdefault("ApplicationLogLevel", "INFO")
        config.setdefault("SystemLogLevel", "INFO")
    else:
        # Levels only apply to JSON logs.
        config.pop("ApplicationLogLevel", None)
        config.pop("SystemLogLevel", None)
    return config


class ConfiguredLambdaFunction(_ORIGINAL):  # type: ignore[misc, valid-type]
    """A function that keeps its dead-letter queue and logging configuration."""

    def __init__(self, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(account_id, spec, *args, **kwargs)
        target = (spec.get("DeadLetterConfig") or {}).get("TargetArn")
        self.dead_letter_config: dict[str, str] | None = {"TargetArn": target} if target else None
        self.logging_config = logging_config(self.function_name, spec.get("LoggingConfig"))

    def get_configuration(self, on_create: bool = False) -> dict[str, Any]:
        config = super().get_configuration(on_create=on_create)
        if self.dead_letter_config:
            config["DeadLetterConfig"] = dict(self.dead_letter_config)
        config["LoggingConfig"] = dict(self.logging_config)
        return config

    def update_configuration(self, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "DeadLetterConfig" in config_updates:
            target = (config_updates["DeadLetterConfig"] or {}).get("TargetArn")
            self.dead_letter_config = {"TargetArn": target} if target else None
        if "LoggingConfig" in config_updates:
            self.logging_config = logging_config(
                self.function_name, {**self.logging_config, **config_updates["LoggingConfig"]}
            )
        return super().update_configuration(config_updates)


def install_functions() -> None:
    """Make new functions :class:`ConfiguredLambdaFunction` s. Idempotent."""
    lambda_models.LambdaFunction = ConfiguredLambdaFunction  # type: ignore[misc]


class DrkitLambdaBackend(lambda_models.LambdaBackend):  # type: ignore[misc]
    """moto's Lambda backend, routed through drkit's handler, reporting its account settings."""

    @property
    def _url_module(self) -> ModuleType:
        return urls

    def account_settings(self) -> dict[str, Any]:
        """What ``GetAccountSettings`` answers for this account and region."""
        limit = int(os.environ.get(QUOTA_VARIABLE) or DEFAULT_CONCURRENT_EXECUTIONS)
        functions = list(self.list_functions())
        reserved = sum(int(f.reserved_concurrency or 0) for f in functions)
        versions = list(self.list_functions(func_version="ALL"))
        return {
            "AccountLimit": {
                "CodeSizeUnzipped": CODE_SIZE_UNZIPPED,
                "CodeSizeZipped": CODE_SIZE_ZIPPED,
                "ConcurrentExecutions": limit,
                "TotalCodeSize": TOTAL_CODE_SIZE,
                "UnreservedConcurrentExecutions": max(0, limit - reserved),
            },
            "AccountUsage": {
                "FunctionCount": len(functions),
                "TotalCodeSize": sum(int(getattr(f, "code_size", 0) or 0) for f in versions),
            },
        }
