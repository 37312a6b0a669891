"""The AWS Signer errors drkit's extension raises, with the status codes of Signer's API model."""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError


class ResourceNotFoundException(JsonRESTError):
    """A specified resource could not be found (HTTP 404)."""

    code = 404

    def __init__(self, message: str) -> None:
        super().__init__("ResourceNotFoundException", message)


class ValidationException(JsonRESTError):
    """The request is not valid (HTTP 400)."""

    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("ValidationException", message)
