"""The errors drkit raises on purpose: bad input, a switched-off control, a refused drill."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from typing import Any

#: A value longer than this is cut in messages: an error stays one readable line.
SHOWN_CHARS = 160
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


#: The value a SpecError shows for a required key that is not there.
MISSING: Any = _Missing()


class DrkitError(Exception):
    """Base class of every error drkit raises on purpose."""


def key_path(prefix: str, key: object) -> str:
    """The path of ``key`` inside the table at ``prefix``, written as TOML writes dotted keys.

    ``key_path("tags", "Team")`` is ``tags.Team``; a key that is not a TOML bare key is
    quoted, ``tags."aws:x"``, so that a path never holds a line break or an ambiguous dot.
    """
    if isinstance(key, str) and _BARE_KEY.fullmatch(key):
        text = key
    elif isinstance(key, str):
        text = json.dumps(key)  # a TOML basic string: escapes quotes and control characters
    else:
        text = repr(key)
    return f"{prefix}.{text}" if prefix else text


def index_path(prefix: str, index: int) -> str:
    """The path of item ``index`` of the array at ``prefix``: ``regions[1]``."""
    return f"{prefix}[{index}]"


def did_you_mean(value: Any, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for a near miss of one of ``known``; "" for none."""
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.8)
    return f"; did you mean {close[0]!r}?" if close else ""


def shown(value: Any) -> str:
    """``repr(value)`` on one line, cut to :data:`SHOWN_CHARS` characters."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


class SpecError(DrkitError, ValueError):
    """A deployment spec, region spec or construct prop is invalid.

    The message always names the field, shows the bad value and says what is
    allowed, so that a user can fix the spec without reading drkit's code. It is
    one line: the value is shown as its ``repr`` (cut when long) and keys in the
    path are quoted (:func:`key_path`).

    Attributes:
        field: Path of the offending field, e.g. ``regions[1].weight``, ``tags.Team``,
            or the environment variable or command-line argument it came from.
        value: The rejected value.
        allowed: Human-readable description of the allowed values.
    """

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        if value is MISSING:
            super().__init__(
                f"{field}: required, and missing" + (f" ({allowed})" if allowed else "")
            )
        else:
            super().__init__(f"{field}: {shown(value)} is not allowed; allowed: {allowed}")

    def within(self, prefix: str) -> SpecError:
        """The same error seen from the table that holds the field: ``weight`` inside
        ``regions[1]`` is ``regions[1].weight``, ``[0]`` inside ``alert_emails`` is
        ``alert_emails[0]``."""
        joiner = "" if self.field.startswith("[") else "."
        return SpecError(f"{prefix}{joiner}{self.field}", self.value, self.allowed)

    def renamed(self, field: str) -> SpecError:
        """The same error named after where the value came from (``ENVIRONMENT_SUFFIX``)."""
        return SpecError(field, self.value, self.allowed)


class ComplianceError(DrkitError):
    """A spec or an extra policy would switch off a compliance control."""

    def __init__(self, control: str, detail: str) -> None:
        self.control = control
        self.detail = detail
        super().__init__(f"{control}: {detail}")


class DrillError(DrkitError):
    """A drill cannot start, or AWS refused one of its calls; nothing is left drained."""
