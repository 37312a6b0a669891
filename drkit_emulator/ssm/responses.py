"""drkit's SSM request handler: the service-setting operations (Get, Update, Reset)."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.ssm.responses import SimpleSystemManagerResponse


class DrkitSSMResponse(SimpleSystemManagerResponse):
    """moto's handler, with the service-setting operations served by drkit's backend."""

    @property
    def _settings(self) -> Any:
        return self.ssm_backend  # drkit's backend: see .models

    def get_service_setting(self) -> ActionResult:
        setting = self._settings.get_service_setting(self._get_param("SettingId"))
        return ActionResult({"ServiceSetting": setting})

    def update_service_setting(self) -> ActionResult:
        self._settings.update_service_setting(
            self._get_param("SettingId"), self._get_param("SettingValue")
        )
        return EmptyResult()

    def reset_service_setting(self) -> ActionResult:
        setting = self._settings.reset_service_setting(self._get_param("SettingId"))
        return ActionResult({"ServiceSetting": setting})
