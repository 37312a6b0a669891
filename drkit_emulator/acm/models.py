"""drkit's ACM backend: a certificate re-keyed and re-issued for the key algorithm asked for.

The gap and what is emulated: :mod:`drkit_emulator.acm`.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from moto.acm.models import AWSCertificateManagerBackend

from drkit_emulator.acm import urls
from drkit_emulator.acm.responses import check_key_algorithm

_CURVES = {"EC_prime256v1": ec.SECP256R1, "EC_secp384r1": ec.SECP384R1}


def _new_key(key_algorithm: str) -> Any:
    if key_algorithm in _CURVES:
        return ec.generate_private_key(_CURVES[key_algorithm]())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class DrkitACMBackend(AWSCertificateManagerBackend):
    """moto's ACM backend, re-keying a requested certificate to the algorithm asked for."""

    @property
    def _url_module(self) -> ModuleType:
        return urls

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
