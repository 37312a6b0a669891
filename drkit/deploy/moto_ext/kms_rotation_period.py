"""KMS key rotation keeps its period, as ``GetKeyRotationStatus`` reports it in AWS.

The gap (moto 5.2.5): ``EnableKeyRotation`` ignores ``RotationPeriodInDays``
and ``GetKeyRotationStatus`` answers only ``KeyRotationEnabled``. Terraform's
``aws_kms_key`` with ``rotation_period_in_days = 365`` reads the period back
as 0 and plans to set it again on every run.

What this extension does: ``EnableKeyRotation`` stores the period (90 to 2560
days, 365 when left out, as in AWS; another value is a
``ValidationException``). ``GetKeyRotationStatus`` answers, like AWS,
``KeyRotationEnabled``, ``KeyId`` (the key's ARN) and, while rotation is on,
``RotationPeriodInDays`` and ``NextRotationDate`` (the day rotation was
enabled plus the period). Keys are never actually rotated.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

from moto.core.utils import unix_time, utcnow
from moto.kms.exceptions import ValidationException

if TYPE_CHECKING:
    from moto.kms.responses import KmsResponse

    _HandlerBase = KmsResponse
else:
    _HandlerBase = object

DEFAULT_ROTATION_PERIOD_DAYS = 365
MIN_ROTATION_PERIOD_DAYS = 90
MAX_ROTATION_PERIOD_DAYS = 2560


class RotationPeriodHandlerMixin(_HandlerBase):
    """Keeps and reports the rotation period of a key (on the key object moto keeps)."""

    def enable_key_rotation(self) -> str:
        period = self._get_param("RotationPeriodInDays")
        period = DEFAULT_ROTATION_PERIOD_DAYS if period is None else int(period)
        if not MIN_ROTATION_PERIOD_DAYS <= period <= MAX_ROTATION_PERIOD_DAYS:
            raise ValidationException(
                f"1 validation error detected: Value '{period}' at 'rotationPeriodInDays' failed to "
                f"satisfy constraint: Member must have value between {MIN_ROTATION_PERIOD_DAYS} "
                f"and {MAX_ROTATION_PERIOD_DAYS}"
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
