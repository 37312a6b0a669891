"""The errors drkit raises on purpose: bad input, a switched-off control, a refused drill."""

from __future__ import annotations

from typing import Any


class DrkitError(Exception):
    """Base class of every error drkit raises on purpose."""


class SpecError(DrkitError, ValueError):
    """A deployment spec, region spec or construct prop is invalid.

    The message always names the field, shows the bad value and says what is
    allowed, so that a user can fix the spec without reading drkit's code.

    Attributes:
        field: Dotted path of the offending field, e.g. ``regions[1].weight``.
        value: The rejected value.
        allowed: Human-readable description of the allowed values.
    """

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: {value!r} is not allowed; allowed: {allowed}")


class ComplianceError(DrkitError):
    """A spec or an extra policy would switch off a compliance control."""

    def __init__(self, control: str, detail: str) -> None:
        self.control = control
        self.detail = detail
        super().__init__(f"{control}: {detail}")


class DrillError(DrkitError):
    """A drill cannot start, or AWS refused one of its calls; nothing is left drained."""
