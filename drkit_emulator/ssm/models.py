"""drkit's SSM backend: moto's, plus the account's service settings."""

from __future__ import annotations

from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from moto.ssm.exceptions import SSMException, ValidationException
from moto.ssm.models import SimpleSystemManagerBackend

from drkit_emulator.ssm import urls

#: The settings served, with their AWS default and allowed values.
#: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetServiceSetting.html
#: https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-throughput.html
DEFAULTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "/ssm/parameter-store/high-throughput-enabled": ("false", ("true", "false")),
    "/ssm/parameter-store/default-parameter-tier": (
        "Standard",
        ("Standard", "Advanced", "Intelligent-Tiering"),
    ),
}


class ServiceSettingNotFound(SSMException):
    def __init__(self, setting_id: str) -> None:
        super().__init__("ServiceSettingNotFound", f"No setting found for SettingId {setting_id}")


class DrkitSSMBackend(SimpleSystemManagerBackend):
    """moto's SSM backend with service settings (see the package docstring)."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        # setting id -> (value, modified at); absent: the default
        self.customized: dict[str, tuple[str, datetime]] = {}

    @property
    def _url_module(self) -> ModuleType:
        return urls

    def get_service_setting(self, setting_id: str) -> dict[str, Any]:
        default, _ = self._known(setting_id)
        setting: dict[str, Any] = {
            "SettingId": setting_id,
            "SettingValue": default,
            "ARN": f"arn:aws:ssm:{self.region_name}:{self.account_id}:servicesetting{setting_id}",
            "Status": "Default",
        }
        if setting_id in self.customized:
            value, modified = self.customized[setting_id]
            setting.update(
                SettingValue=value, Status="Customized", LastModifiedDate=modified.timestamp()
            )
        return setting

    def update_service_setting(self, setting_id: str, value: str) -> None:
        _, allowed = self._known(setting_id)
        if value not in allowed:
            raise ValidationException(
                f"SettingValue {value!r} is not valid for {setting_id}; valid values: "
                + ", ".join(allowed)
            )
        self.customized[setting_id] = (value, datetime.now(UTC))

    def reset_service_setting(self, setting_id: str) -> dict[str, Any]:
        self._known(setting_id)
        self.customized.pop(setting_id, None)
        return self.get_service_setting(setting_id)

    @staticmethod
    def _known(setting_id: str) -> tuple[str, tuple[str, ...]]:
        if setting_id not in DEFAULTS:
            raise ServiceSettingNotFound(setting_id)
        return DEFAULTS[setting_id]
