"""The errors the emulator raises: it could not start, answer or stop, or moto does not fit."""

from __future__ import annotations

from drkit.errors import DrkitError

INSTALL_HINT = "pip install 'drkit[local]'"
"""How to get moto and boto3: the ``local`` extra."""


class EmulatorError(DrkitError):
    """The local AWS emulator could not be started, reached or stopped."""


class MotoExtensionError(EmulatorError):
    """The installed moto does not have the shape drkit's extensions were written for."""
