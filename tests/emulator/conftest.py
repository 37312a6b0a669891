"""Fixtures for the emulator tests: the shared emulator (tests/conftest.py), never reset, and
the DynamoDB tests' tables (dynamodb_support.py)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest

from drkit_emulator.runner import Emulator
from tests.emulator.dynamodb_support import _table, global_table
from tests.emulator.lambda_support import lambda_role

__all__ = ["_table", "global_table"]


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


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 with a listener on it."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.fixture
def role_arn(aws: Emulator, unique_name: str) -> str:
    """A role Lambda may assume, for the tests that create functions."""
    return lambda_role(aws, unique_name)
