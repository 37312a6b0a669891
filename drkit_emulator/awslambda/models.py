"""drkit's Lambda function model: it keeps its dead-letter queue and logging configuration.

The gap and what is emulated: :mod:`drkit_emulator.awslambda`.
"""

from __future__ import annotations

from typing import Any

from moto.awslambda import models as lambda_models

_ORIGINAL = lambda_models.LambdaFunction


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
