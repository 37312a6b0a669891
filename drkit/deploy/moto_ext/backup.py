"""Puts drkit's AWS Backup extensions into moto: one backend class and one handler class.

Same mechanism as :mod:`drkit.deploy.moto_ext.dynamodb`, through
:mod:`drkit.deploy.moto_ext._routing`.
"""

from __future__ import annotations

from typing import Any

from moto.backup import urls as moto_urls
from moto.backup.models import BackupBackend, backup_backends
from moto.backup.responses import BackupResponse

from drkit.deploy.moto_ext import _routing, backup_recovery_points
from drkit.deploy.moto_ext.backup_recovery_points import (
    RecoveryPointsBackendMixin,
    RecoveryPointsHandlerMixin,
)
from drkit.deploy.moto_ext.backup_selections import SelectionsBackendMixin, SelectionsHandlerMixin
from drkit.deploy.moto_ext.backup_tags import ListTagsHandlerMixin


class DrkitBackupResponse(
    SelectionsHandlerMixin, RecoveryPointsHandlerMixin, ListTagsHandlerMixin, BackupResponse
):
    """moto's AWS Backup request handler with the extensions mixed in."""


_URL_MODULE = _routing.routed_url_module(
    moto_urls, BackupResponse, DrkitBackupResponse, backup_recovery_points.EXTRA_PATHS
)


class DrkitBackupBackend(SelectionsBackendMixin, RecoveryPointsBackendMixin, BackupBackend):
    """moto's AWS Backup backend with the extensions mixed in."""

    @property
    def _url_module(self) -> Any:
        return _URL_MODULE


def install() -> None:
    """Make every AWS Backup backend created from now on a :class:`DrkitBackupBackend`. Idempotent."""
    _routing.install_backend(backup_backends, DrkitBackupBackend)
