"""Route 53 errors moto does not define: the DNSSEC ones."""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class DNSSECError(ServiceException):
    """A Route 53 DNSSEC error; the code picks the HTTP status from the API model."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
