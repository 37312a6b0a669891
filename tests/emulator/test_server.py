"""The server: its exit codes and the moto settings it runs with."""

from __future__ import annotations

import subprocess
import sys

import pytest

from drkit_emulator.runner import Emulator
from drkit_emulator.server import EXIT_PORT_IN_USE


@pytest.mark.slow
def test_server_reports_a_taken_port_with_its_own_exit_code(busy_port: int) -> None:
    """Run by hand on a taken port, the server says so and exits with EXIT_PORT_IN_USE."""
    result = subprocess.run(
        [sys.executable, "-m", "drkit_emulator.server", "--port", str(busy_port)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == EXIT_PORT_IN_USE
    assert f"port {busy_port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_acm_certificates_are_issued_at_once(aws: Emulator) -> None:
    """The emulator's moto settings make ACM certificates ISSUED without the default 60 s wait."""
    acm = aws.client("acm")
    arn = acm.request_certificate(DomainName="api.example.org", ValidationMethod="DNS")[
        "CertificateArn"
    ]
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"


def test_aws_managed_policies_can_be_attached(aws: Emulator, unique_name: str) -> None:
    """Roles can attach AWS managed policies, which moto only knows when told to load them."""
    iam = aws.client("iam")
    iam.create_role(RoleName=unique_name[:64], AssumeRolePolicyDocument="{}")
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
    iam.attach_role_policy(RoleName=unique_name[:64], PolicyArn=arn)
    attached = iam.list_attached_role_policies(RoleName=unique_name[:64])["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [arn]


def test_moto_modules_are_listed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """After the server's set-up, finding a backend reads moto's folder no more."""
    import os

    from moto import backends

    from drkit_emulator import server

    monkeypatch.setattr(backends, "list_of_moto_modules", backends.list_of_moto_modules)
    listed = list(backends.list_of_moto_modules())
    server._list_moto_modules_once()

    def no_listing(path: str) -> list[str]:
        raise AssertionError(f"listed {path}")

    monkeypatch.setattr(os, "listdir", no_listing)
    assert list(backends.list_of_moto_modules()) == listed
    assert "dynamodb" in listed
