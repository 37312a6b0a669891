"""Fixtures for the deploy tests: skip those that need the real Terraform where it is missing."""

from __future__ import annotations

import shutil

import pytest

from drkit.deploy.errors import ProviderMirrorNotFound
from drkit.deploy.terraform import find_provider_mirror


def terraform_missing_reason() -> str | None:
    """Why the real-Terraform tests cannot run here, or ``None`` when they can."""
    if shutil.which("terraform") is None:
        return "terraform is not on PATH"
    try:
        find_provider_mirror()
    except ProviderMirrorNotFound:
        return "no local mirror of hashicorp/aws 5.100.0"
    return None


@pytest.fixture(scope="session")
def real_terraform() -> None:
    """Skip the test unless the real terraform and the provider mirror are available."""
    reason = terraform_missing_reason()
    if reason is not None:
        pytest.skip(reason)
