"""drkit's Lambda models: functions keep their dead-letter queue and logging configuration,
the backend reports the account's settings and keeps code-signing configurations, and code
deployed under one is checked (:mod:`.codesigning`).

The gaps and what is emulated: :mod:`drkit_emulator.awslambda`.
"""

from __future__ import annotations

import base64
import os
from types import ModuleType
from typing import Any

from moto.awslambda import models as lambda_models
from moto.s3.exceptions import MissingBucket
from moto.s3.models import s3_backends
from moto.utilities.utils import get_partition

from drkit_emulator.awslambda import urls
from drkit_emulator.awslambda.codesigning import (
    CodeSigningConfig,
    ConfigNotFound,
    InUse,
    NotFound,
    check_archive,
    invalid,
)

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
    """moto's Lambda backend, routed through drkit's handler, reporting its account settings,
    keeping code-signing configurations and checking code deployed under one."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.code_signing_configs: dict[str, CodeSigningConfig] = {}

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

    # -- code signing -----------------------------------------------------------------

    def create_code_signing_config(self, request: dict[str, Any]) -> CodeSigningConfig:
        config = CodeSigningConfig(self.account_id, self.region_name, request)
        self.code_signing_configs[config.arn] = config
        return config

    def get_code_signing_config(self, arn: str) -> CodeSigningConfig:
        config = self.code_signing_configs.get(arn)
        if config is None:
            raise NotFound(f"Code signing config {arn} not found")
        return config

    def update_code_signing_config(self, arn: str, request: dict[str, Any]) -> CodeSigningConfig:
        config = self.get_code_signing_config(arn)
        config.update(request)
        return config

    def delete_code_signing_config(self, arn: str) -> None:
        """Delete a configuration no function uses (AWS refuses otherwise)."""
        self.get_code_signing_config(arn)
        users = self.functions_using(arn)
        if users:
            raise InUse(
                f"Code signing config {arn} is used by {len(users)} function(s), "
                f"e.g. {users[0]}; remove it from them first"
            )
        del self.code_signing_configs[arn]

    def functions_using(self, arn: str) -> list[str]:
        """The ARNs of the functions whose code-signing configuration is ``arn``."""
        return [f.function_arn for f in self.list_functions() if f.code_signing_config_arn == arn]

    def put_function_code_signing_config(self, function_name: str, arn: str) -> Any:
        """Attach a configuration; the code deployed already is not checked (AWS neither)."""
        if arn not in self.code_signing_configs:
            raise ConfigNotFound(arn)
        function = self.get_function(function_name)
        function.code_signing_config_arn = arn
        return function

    def delete_function_code_signing_config(self, function_name: str) -> None:
        self.get_function(function_name).code_signing_config_arn = None

    def create_function(self, spec: dict[str, Any]) -> Any:
        """moto's, after Lambda's checks of the code against the function's configuration."""
        arn = spec.get("CodeSigningConfigArn")
        if arn:
            config = self.code_signing_configs.get(arn)
            if config is None:
                raise ConfigNotFound(arn)
            name = str(spec.get("FunctionName", "")).rsplit(":", 1)[-1]
            # moto's function takes the signature's fields from its spec.
            spec = {**spec, **self._signed_fields(config, spec.get("Code") or {}, name)}
        return super().create_function(spec)

    def update_function_code(
        self, function_name: str, qualifier: str, body: dict[str, Any]
    ) -> dict[str, Any] | None:
        function = self.get_function(function_name, qualifier)
        arn = function.code_signing_config_arn
        if arn:
            config = self.code_signing_configs.get(arn)
            if config is None:
                raise ConfigNotFound(arn)
            fields = self._signed_fields(config, body, function.function_name)
            function.signing_profile_version_arn = fields["SigningProfileVersionArn"]
            function.signing_job_arn = fields["SigningJobArn"]
        return super().update_function_code(function_name, qualifier, body)

    # AWS keeps the function of an event source mapping as it was named: an alias's ARN stays
    # the alias's, so a mapping follows the alias when it moves
    # (https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html,
    # FunctionName "Version or Alias ARN"). moto records the version the alias resolved to.
    def create_event_source_mapping(self, spec: dict[str, Any]) -> Any:
        named = str(spec.get("FunctionName", ""))
        mapping = super().create_event_source_mapping(spec)
        mapping.function_arn = self._named_arn(named, mapping.function_arn)
        return mapping

    def update_event_source_mapping(self, uuid: str, spec: dict[str, Any]) -> Any:
        named = spec.get("FunctionName")
        mapping = super().update_event_source_mapping(uuid, spec)
        if mapping is not None and named:
            mapping.function_arn = self._named_arn(str(named), mapping.function_arn)
        return mapping

    def _named_arn(self, named: str, resolved: str) -> str:
        """The ARN of ``named`` (a name, ``name:qualifier`` or an ARN) with its qualifier."""
        arn = (
            named
            if named.startswith("arn:")
            else f"{resolved.split(':function:')[0]}:function:{named}"
        )
        return arn

    def _get_resource_by_arn(self, arn: str) -> Any:
        # Tags of code-signing configurations go through moto's tag operations too.
        if ":code-signing-config:" in arn:
            return self.get_code_signing_config(arn)
        return super()._get_resource_by_arn(arn)

    def _signed_fields(
        self, config: CodeSigningConfig, code: dict[str, Any], function_name: str
    ) -> dict[str, str | None]:
        """The function's signing fields for ``code``, once it passes ``config``'s checks."""
        if code.get("ImageUri"):
            return {"SigningProfileVersionArn": None, "SigningJobArn": None}
        signature = check_archive(self._archive(code), config, function_name)
        return {
            "SigningProfileVersionArn": signature.profile_version_arn if signature else None,
            "SigningJobArn": signature.job_arn if signature else None,
        }

    def _archive(self, code: dict[str, Any]) -> bytes:
        """The ZIP a ``Code`` (or ``UpdateFunctionCode``) request deploys, the exact S3 version."""
        if code.get("ZipFile"):
            return base64.b64decode(code["ZipFile"])
        if not (code.get("S3Bucket") and code.get("S3Key")):
            raise invalid("Code must have ZipFile, S3Bucket and S3Key, or ImageUri")
        s3 = s3_backends[self.account_id][get_partition(self.region_name)]
        try:
            key = s3.get_object(code["S3Bucket"], code["S3Key"], code.get("S3ObjectVersion"))
        except MissingBucket as error:
            raise invalid(
                "Error occurred while GetObject. S3 Error Code: NoSuchBucket. "
                "S3 Error Message: The specified bucket does not exist"
            ) from error
        if key is None:
            raise invalid(
                "Error occurred while GetObject. S3 Error Code: NoSuchKey. "
                "S3 Error Message: The specified key does not exist."
            )
        return bytes(key.value)
