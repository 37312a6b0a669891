"""Fixtures for the deploy tests: one emulator per session, reset before each test that uses it."""

from __future__ import annotations

import shutil
import uuid
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
    """The shared emulator as the previous tests left it; tests name their resources uniquely.

    Not reset on purpose: a reset makes moto rebuild the IAM backends with
    every AWS managed policy (~0.7 s), which would dominate these tests.
    """
    return shared_emulator


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> str:
    """A resource name no other test uses: the test's name plus a random suffix, 3-255 chars."""
    stem = "".join(c if c.isalnum() else "-" for c in request.node.name)[:40].strip("-")
    return f"{stem}-{uuid.uuid4().hex[:8]}"


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
