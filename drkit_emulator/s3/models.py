"""drkit's S3 backend: moto's, routing requests to drkit's handler (:mod:`.responses`)."""

from __future__ import annotations

from types import ModuleType

from moto.s3.models import S3Backend

from drkit_emulator.s3 import urls


class DrkitS3Backend(S3Backend):
    """moto's S3 backend, routing requests to drkit's handler."""

    @property
    def _url_module(self) -> ModuleType:
        return urls
