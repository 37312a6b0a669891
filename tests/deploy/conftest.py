"""Fixtures for the deploy tests: one emulator per session, reset before each test that uses it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from drkit.deploy.emulator import Emulator
from drkit.deploy.errors import ProviderMirrorNotFound
from drkit.deploy.terraform import find_provider_mirror


@pytest.fixture(scope="session")
def shared_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """One moto server for every test that only needs a clean AWS, not its own process."""
    with Emulator(log_dir=tmp_path_factory.mktemp("emulator-logs")) as emulator:
        yield emulator


@pytest.fixture
def aws(shared_emulator: Emulator) -> Emulator:
    """The shared emulator, emptied first."""
    shared_emulator.reset()
    return shared_emulator


def terraform_missing_reason() -> str | None:
    """Why the real-Terraform tests cannot run here, or ``None`` when they can."""
    if shutil.which("terraform") is None:
        return "terraform is not on PATH"
    try:
        find_provider_mirror()
    except ProviderMirrorNotFound:
        return "no local mirror of hashicorp/aws 5.100.0"
    return None


requires_terraform = pytest.mark.skipif(
    terraform_missing_reason() is not None, reason=terraform_missing_reason() or ""
)
