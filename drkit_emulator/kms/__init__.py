"""KMS: key rotation keeps its period, as ``GetKeyRotationStatus`` reports it in AWS.

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

from moto.kms.models import kms_backends

from drkit_emulator.core.routing import install_backend
from drkit_emulator.kms import models


def install() -> None:
    """Make every KMS backend created from now on drkit's. Idempotent."""
    install_backend(kms_backends, models.DrkitKmsBackend)
