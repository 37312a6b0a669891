"""AWS Backup routes: moto's paths and the recovery points', served by drkit's handler."""

from __future__ import annotations

from moto.backup import urls as moto_urls
from moto.backup.responses import BackupResponse

from drkit_emulator.backup.responses import DrkitBackupResponse
from drkit_emulator.core.routing import routed_url_module

EXTRA_PATHS = (
    # With and without the trailing slash (boto3 sends it, the Go SDK does not);
    # moto's regex-to-Flask conversion does not take "/?".
    "{0}/backup-vaults/(?P<name>[^/]+)/recovery-points$",
    "{0}/backup-vaults/(?P<name>[^/]+)/recovery-points/$",
    "{0}/backup-vaults/(?P<name>[^/]+)/recovery-points/(?P<recovery_point_arn>.+)$",
)
"""Paths moto does not route, which drkit's handler serves."""

_ROUTES = routed_url_module(moto_urls, BackupResponse, DrkitBackupResponse, EXTRA_PATHS)
url_bases = _ROUTES.url_bases
url_paths = _ROUTES.url_paths
