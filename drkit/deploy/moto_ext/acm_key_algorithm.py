"""ACM certificates get the key algorithm that was asked for.

The gap (moto 5.2.5): ``RequestCertificate`` ignores ``KeyAlgorithm``: every
requested certificate has an RSA 2048 key, and ``DescribeCertificate`` says
``KeyAlgorithm: RSA_2048``. Terraform's ``aws_acm_certificate`` with
``key_algorithm = "EC_prime256v1"`` then plans to replace the certificate on
every run (``key_algorithm`` forces replacement), and with it everything that
uses the certificate: its validation, the validation records, the API
Gateway custom domain names.

What this extension does: a certificate requested with ``KeyAlgorithm`` gets a
fresh key of that algorithm (``RSA_2048``, ``EC_prime256v1`` or
``EC_secp384r1``, the ones ``RequestCertificate`` accepts) and its
certificate is re-issued for that key with the same subject, issuer, names,
serial number and validity, so ``DescribeCertificate`` and
``GetCertificate`` agree. Another value is a ``ValidationException`` naming
the accepted ones. Without ``KeyAlgorithm`` nothing changes (RSA 2048, AWS's
default too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from moto.acm.exceptions import AWSValidationException
from moto.core.responses import ActionResult

if TYPE_CHECKING:
    from moto.acm.models import AWSCertificateManagerBackend
    from moto.acm.responses import AWSCertificateManagerResponse

    _BackendBase = AWSCertificateManagerBackend
    _HandlerBase = AWSCertificateManagerResponse
else:
    _BackendBase = object
    _HandlerBase = object

_CURVES = {"EC_prime256v1": ec.SECP256R1, "EC_secp384r1": ec.SECP384R1}
REQUESTABLE_KEY_ALGORITHMS = ("RSA_2048", "EC_prime256v1", "EC_secp384r1")
"""The values ``RequestCertificate`` accepts for ``KeyAlgorithm``."""


def check_key_algorithm(key_algorithm: str) -> None:
    """Raise ACM's ``ValidationException`` unless ``RequestCertificate`` accepts ``key_algorithm``."""
    if key_algorithm not in REQUESTABLE_KEY_ALGORITHMS:
        raise AWSValidationException(
            f"Value '{key_algorithm}' at 'keyAlgorithm' failed to satisfy constraint: "
            f"RequestCertificate accepts {', '.join(REQUESTABLE_KEY_ALGORITHMS)}"
        )


def _new_key(key_algorithm: str) -> Any:
    if key_algorithm in _CURVES:
        return ec.generate_private_key(_CURVES[key_algorithm]())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class KeyAlgorithmBackendMixin(_BackendBase):
    """Re-keys a requested certificate to the algorithm asked for."""

    def set_key_algorithm(self, certificate_arn: str, key_algorithm: str) -> None:
        """Give the certificate a new key of ``key_algorithm`` and re-issue it for that key."""
        check_key_algorithm(key_algorithm)
        bundle = self.get_certificate(certificate_arn)
        if bundle.describe()["Certificate"]["KeyAlgorithm"] == key_algorithm:
            return
        key = _new_key(key_algorithm)
        old = bundle._cert
        builder = (
            x509.CertificateBuilder()
            .subject_name(old.subject)
            .issuer_name(old.issuer)
            .public_key(key.public_key())
            .serial_number(old.serial_number)
            .not_valid_before(old.not_valid_before_utc)
            .not_valid_after(old.not_valid_after_utc)
        )
        for extension in old.extensions:
            builder = builder.add_extension(extension.value, critical=extension.critical)
        certificate = builder.sign(key, hashes.SHA256())
        bundle.cert = certificate.public_bytes(serialization.Encoding.PEM)
        bundle.key = key.private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.TraditionalOpenSSL,
            encryption_algorithm=serialization.NoEncryption(),
        )
        bundle._key = bundle.validate_pk()
        bundle._cert = bundle.validate_certificate()


class KeyAlgorithmHandlerMixin(_HandlerBase):
    """``RequestCertificate`` that honours ``KeyAlgorithm``."""

    def request_certificate(self) -> ActionResult:
        key_algorithm = self._get_param("KeyAlgorithm")
        if key_algorithm:
            check_key_algorithm(key_algorithm)  # before moto creates anything
        result = super().request_certificate()
        if key_algorithm:
            arn = result.result["CertificateArn"]  # type: ignore[index]
            self.acm_backend.set_key_algorithm(arn, key_algorithm)  # type: ignore[attr-defined]
        return result
