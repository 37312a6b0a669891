"""ACM: certificates get the key algorithm that was asked for.

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

from moto.acm.models import acm_backends

from drkit_emulator.acm import models
from drkit_emulator.core.routing import install_backend


def install() -> None:
    """Make every ACM backend created from now on drkit's. Idempotent."""
    install_backend(acm_backends, models.DrkitACMBackend)
