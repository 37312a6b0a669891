"""drkit's KMS request handler: key rotation keeps its period and reports it.

The gap and what is emulated: :mod:`drkit_emulator.kms`.
"""

from __future__ import annotations

import json
from datetime import timedelta

from moto.core.utils import unix_time, utcnow
from moto.kms.exceptions import ValidationException
from moto.kms.responses import KmsResponse

DEFAULT_ROTATION_PERIOD_DAYS = 365
MIN_ROTATION_PERIOD_DAYS = 90
MAX_ROTATION_PERIOD_DAYS = 2560


class DrkitKmsResponse(KmsResponse):
    """moto's KMS handler, keeping and reporting a key's rotation period (on moto's key object)."""

    def enable_key_rotation(self) -> str:
        period = self._get_param("RotationPeriodInDays")
        period = DEFAULT_ROTATION_PERIOD_DAYS if period is None else int(period)
        if not MIN_ROTATION_PERIOD_DAYS <= period <= MAX_ROTATION_PERIOD_DAYS:
            raise ValidationException(
                f"1 validation error detected: Value '{period}' at 'rotationPeriodInDays' "
                "failed to satisfy constraint: Member must have value between "
                f"{MIN_ROTATION_PERIOD_DAYS} and {MAX_ROTATION_PERIOD_DAYS}"
            )
        result = super().enable_key_rotation()
        key = self.kms_backend.describe_key(self._get_param("KeyId"))
        key.rotation_period_in_days = period  # type: ignore[attr-defined]
        key.next_rotation_date = unix_time(utcnow() + timedelta(days=period))  # type: ignore[attr-defined]
        return result

    def get_key_rotation_status(self) -> str:
        key_id = self._get_param("KeyId")
        self._validate_cmk_id(key_id)
        key = self.kms_backend.describe_key(key_id)
        result: dict[str, object] = {
            "KeyRotationEnabled": bool(key.key_rotation_status),
            "KeyId": key.arn,
        }
        if key.key_rotation_status:
            result["RotationPeriodInDays"] = getattr(
                key, "rotation_period_in_days", DEFAULT_ROTATION_PERIOD_DAYS
            )
            if hasattr(key, "next_rotation_date"):
                result["NextRotationDate"] = key.next_rotation_date
        return json.dumps(result)
