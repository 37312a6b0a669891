"""Systems Manager: service settings, so ``drkit preflight`` can read Parameter Store's throughput.

The gap (moto 5.2.5): ``GetServiceSetting``, ``UpdateServiceSetting`` and
``ResetServiceSetting`` are not implemented, so a preflight of a layout with
``parameter_store_high_throughput`` could only report that it could not read the setting.

What this extension does: each account and region holds the service settings below at their
AWS defaults until ``UpdateServiceSetting`` changes them. ``GetServiceSetting`` answers
``ServiceSetting`` with ``SettingId``, ``SettingValue``, ``ARN``
(``arn:aws:ssm:<region>:<account>:servicesetting<id>``) and ``Status`` (``Default`` or
``Customized``, then with ``LastModifiedDate``). ``ResetServiceSetting``
puts the default back. An unknown id is ``ServiceSettingNotFound``; a value outside a
setting's allowed values is ``ValidationException``.

Not emulated: throughput itself (nothing is ever throttled, whatever the setting), the
charges, and every setting not listed in :data:`models.DEFAULTS`.
"""

from __future__ import annotations

from moto.ssm.models import ssm_backends

from drkit_emulator.core.routing import install_backend
from drkit_emulator.ssm import models


def install() -> None:
    """Make every SSM backend created from now on drkit's. Idempotent."""
    install_backend(ssm_backends, models.DrkitSSMBackend)
