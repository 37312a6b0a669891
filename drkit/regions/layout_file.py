"""A layout file read for the spec: its TOML data, or a ``SpecError`` naming ``DRKIT_CONFIG``."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from drkit.errors import SpecError
from drkit.regions.validators import fail


def read_layout(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A layout file's data, or a ``SpecError`` naming ``DRKIT_CONFIG``."""
    if not isinstance(path, (str, os.PathLike)):
        fail("DRKIT_CONFIG", path, "the path of a TOML file")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        raise SpecError("DRKIT_CONFIG", str(path), "the path of an existing TOML file") from None
    except OSError as err:  # a directory, no permission
        raise SpecError(
            "DRKIT_CONFIG", str(path), f"a readable TOML file ({err.strerror})"
        ) from None
    except UnicodeDecodeError as err:
        raise SpecError("DRKIT_CONFIG", str(path), f"a UTF-8 TOML file ({err.reason})") from None
    except ValueError:  # a NUL character in the path
        raise SpecError("DRKIT_CONFIG", str(path), "a path without NUL characters") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError("DRKIT_CONFIG", str(path), f"valid TOML ({err})") from None
    except RecursionError:
        raise SpecError("DRKIT_CONFIG", str(path), "TOML nested less deeply") from None
