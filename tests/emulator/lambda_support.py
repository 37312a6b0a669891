"""What the tests that create Lambda functions in the emulator share: an execution role
Lambda may assume, a handler archive, and ``CreateFunction`` with the usual fields."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from drkit_emulator.runner import Emulator
from tests.emulator.roles import service_role

#: Where these helpers make their role and functions unless told otherwise.
EAST = "us-east-1"


def lambda_role(aws: Emulator, name: str) -> str:
    """The ARN of a new role named ``name`` that Lambda may assume."""
    return service_role(aws, name, "lambda.amazonaws.com", EAST)


def zipped_handler() -> bytes:
    """A ZIP holding ``index.handler``, which returns its event."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def create_function(
    aws: Emulator,
    name: str,
    role_arn: str,
    *,
    code: dict[str, Any] | None = None,
    region: str = EAST,
    **extra: Any,
) -> dict[str, Any]:
    """``CreateFunction`` of a python3.12 ``index.handler`` (``zipped_handler`` unless
    ``code`` is given); ``extra`` adds fields."""
    return dict(
        aws.client("lambda", region).create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role_arn,
            Handler="index.handler",
            Code=code or {"ZipFile": zipped_handler()},
            **extra,
        )
    )
