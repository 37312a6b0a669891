"""The ACM key-algorithm extension, driven with boto3 against the running emulator."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from drkit_emulator.runner import Emulator

EAST = "us-east-1"


def request(aws: Emulator, domain: str, **extra: str) -> str:
    acm = aws.client("acm", EAST)
    return str(
        acm.request_certificate(DomainName=domain, ValidationMethod="DNS", **extra)[
            "CertificateArn"
        ]
    )


@pytest.mark.parametrize(
    ("algorithm", "curve"), [("EC_prime256v1", ec.SECP256R1), ("EC_secp384r1", ec.SECP384R1)]
)
def test_requested_ec_algorithm_is_described_and_is_the_certificates_key(
    aws: Emulator, unique_name: str, algorithm: str, curve: type[ec.EllipticCurve]
) -> None:
    """DescribeCertificate reports the EC algorithm asked for; the certificate's key is on it."""
    domain = f"{unique_name.lower()}.example.com"
    arn = request(aws, domain, KeyAlgorithm=algorithm)
    acm = aws.client("acm", EAST)
    described = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    assert described["KeyAlgorithm"] == algorithm
    assert described["DomainName"] == domain
    pem = acm.get_certificate(CertificateArn=arn)["Certificate"]
    public = x509.load_pem_x509_certificate(pem.encode()).public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey) and isinstance(public.curve, curve)


def test_names_and_validity_survive_the_rekey(aws: Emulator, unique_name: str) -> None:
    """The re-issued certificate keeps its domain, SANs and validity dates."""
    domain = f"{unique_name.lower()}.example.com"
    arn = request(
        aws, domain, KeyAlgorithm="EC_prime256v1", SubjectAlternativeNames=[f"www.{domain}"]
    )  # type: ignore[arg-type]
    described = aws.client("acm", EAST).describe_certificate(CertificateArn=arn)["Certificate"]
    assert set(described["SubjectAlternativeNames"]) == {domain, f"www.{domain}"}
    assert described["NotAfter"] > described["NotBefore"]


def test_without_key_algorithm_the_key_is_rsa_2048(aws: Emulator, unique_name: str) -> None:
    """A certificate requested without KeyAlgorithm keeps AWS's (and moto's) default, RSA 2048."""
    arn = request(aws, f"{unique_name.lower()}.example.com")
    acm = aws.client("acm", EAST)
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["KeyAlgorithm"] == "RSA_2048"
    pem = acm.get_certificate(CertificateArn=arn)["Certificate"]
    public = x509.load_pem_x509_certificate(pem.encode()).public_key()
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048


def test_algorithm_request_certificate_does_not_take_is_refused(
    aws: Emulator, unique_name: str
) -> None:
    """An algorithm RequestCertificate refuses is a ValidationException naming those it accepts."""
    with pytest.raises(ClientError) as caught:
        request(aws, f"{unique_name.lower()}.example.com", KeyAlgorithm="RSA_4096")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert "EC_prime256v1" in caught.value.response["Error"]["Message"]
