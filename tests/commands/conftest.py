"""Fixtures for the command-line tests: the drill's moto deployment (tests/operations/drill)."""

from tests.operations.drill.support import deployment

__all__ = ["deployment"]
