"""The drill tests' moto deployment (defined in support.py, shared with tests/commands)."""

from tests.operations.drill.support import deployment

__all__ = ["deployment"]
