"""drkit's ACM request handler: ``RequestCertificate`` that honours ``KeyAlgorithm``."""

from __future__ import annotations

from typing import Any

from moto.acm.exceptions import AWSValidationException
from moto.acm.responses import AWSCertificateManagerResponse
from moto.core.responses import ActionResult

REQUESTABLE_KEY_ALGORITHMS = ("RSA_2048", "EC_prime256v1", "EC_secp384r1")
"""The values ``RequestCertificate`` accepts for ``KeyAlgorithm``."""


def check_key_algorithm(key_algorithm: str) -> None:
    """Raise ACM's ``ValidationException`` unless ``RequestCertificate`` accepts it."""
    if key_algorithm not in REQUESTABLE_KEY_ALGORITHMS:
        raise AWSValidationException(
            f"Value '{key_algorithm}' at 'keyAlgorithm' failed to satisfy constraint: "
            f"RequestCertificate accepts {', '.join(REQUESTABLE_KEY_ALGORITHMS)}"
        )


class DrkitACMResponse(AWSCertificateManagerResponse):
    """moto's ACM handler; ``RequestCertificate`` gives the certificate the algorithm asked for."""

    def request_certificate(self) -> ActionResult:
        key_algorithm = self._get_param("KeyAlgorithm")
        if key_algorithm:
            check_key_algorithm(key_algorithm)  # before moto creates anything
        result = super().request_certificate()
        if key_algorithm:
            backend: Any = self.acm_backend  # drkit's backend: see .models
            backend.set_key_algorithm(result.result["CertificateArn"], key_algorithm)  # type: ignore[index]
        return result
