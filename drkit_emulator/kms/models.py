"""drkit's KMS backend: moto's, routing requests to drkit's handler (:mod:`.responses`)."""

from __future__ import annotations

from types import ModuleType

from moto.kms.models import KmsBackend

from drkit_emulator.kms import urls


class DrkitKmsBackend(KmsBackend):
    """moto's KMS backend, routing requests to drkit's handler."""

    @property
    def _url_module(self) -> ModuleType:
        return urls
