"""What every service extension shares, and :func:`install`, which applies them all.

:mod:`.compat` checks that moto still has the shape the extensions rely on;
:mod:`.routing` points a service's routes and backend registry at drkit's
subclasses. Importing this package does not import moto; :func:`install` does.
"""

from __future__ import annotations

import importlib
import warnings

from drkit_emulator.core import compat
from drkit_emulator.errors import INSTALL_HINT, MotoExtensionError

SERVICES = (
    "dynamodb",
    "apigatewayv2",
    "backup",
    "route53",
    "acm",
    "kms",
    "awslambda",
    "s3",
    "ec2",
    "iam",
    "ssm",
    "cloudwatch",
    "signer",
)
"""The service folders whose extensions :func:`install` applies, in this order."""

_installed = False


def install() -> None:
    """Apply every service's extension to the moto in this process. Idempotent.

    Raises:
        MotoExtensionError: moto is missing, or its shape no longer fits the
            extensions; the message names the version and what changed.
    """
    global _installed
    if _installed:
        return
    version = compat.moto_version()
    if version is None:
        raise MotoExtensionError(f"moto is not installed; {INSTALL_HINT}")
    problems = compat.compatibility_problems()
    supported = compat.SUPPORTED_MOTO_VERSION
    if problems:
        raise MotoExtensionError(
            f"drkit's moto extensions were written for moto {supported}; "
            f"moto {version} differs where they depend on it:\n"
            + "\n".join(f"  - {p}" for p in problems)
            + f"\nInstall moto[server]=={supported} ({INSTALL_HINT})."
        )
    if version != supported:
        warnings.warn(
            f"drkit's moto extensions were written for moto {supported}, "
            f"running on {version}; the checked interfaces still fit",
            stacklevel=2,
        )
    # Imported only now, once moto's shape is known to fit: they subclass moto's classes.
    for service in SERVICES:
        importlib.import_module(f"drkit_emulator.{service}").install()
    _installed = True


def installed() -> bool:
    """Whether :func:`install` has run in this process."""
    return _installed
