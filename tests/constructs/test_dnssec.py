"""DNSSEC signing of the API zone: the signing key and the KSK are kept when data is protected."""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.services.kms_signing import SigningKeyProps
from drkit.services.route53 import HostedZone, HostedZoneProps, ZoneProtection, ZoneProtectionProps
from tests.helpers import resources

pytestmark = pytest.mark.synth


def _protected_zone(h, *, protect_data: bool) -> dict:
    zone = HostedZone(
        h.stack,
        "zone",
        props=HostedZoneProps(placement=h["us-east-1"], zone_name="dr.example.com"),
    )
    ZoneProtection(
        h.stack,
        "protection",
        props=ZoneProtectionProps(
            placement=h["us-east-1"], zone=zone, log_key=h.key(), protect_data=protect_data
        ),
    )
    return h.synth()


def _signing_key(h, *, protect_data: bool) -> dict:
    synthesized = _protected_zone(h, protect_data=protect_data)
    (key,) = [k for k in resources(synthesized, "aws_kms_key").values() if k.get("key_usage")]
    return key


def _ksk(h, *, protect_data: bool) -> dict:
    (ksk,) = resources(
        _protected_zone(h, protect_data=protect_data), "aws_route53_key_signing_key"
    ).values()
    return ksk


def test_protected_signing_key_has_the_longest_window_and_prevent_destroy(h):
    """With protect_data the KSK's KMS key waits 30 days and Terraform refuses to destroy it."""
    key = _signing_key(h, protect_data=True)
    assert key["key_usage"] == "SIGN_VERIFY"
    assert key["deletion_window_in_days"] == 30
    assert key["lifecycle"] == {"prevent_destroy": True}


def test_unprotected_signing_key_goes_with_destroy(h):
    """Without protect_data the key has the 7-day window and no lifecycle guard."""
    key = _signing_key(h, protect_data=False)
    assert key["deletion_window_in_days"] == 7
    assert "lifecycle" not in key


def test_protected_ksk_is_never_replaced_by_a_plan(h):
    """A protected zone's KSK refuses destruction: a new name or key would replace it, and a
    rotation needs the parent's DS record changed first (docs/runbook.md)."""
    ksk = _ksk(h, protect_data=True)
    assert ksk["status"] == "ACTIVE"
    assert ksk["lifecycle"] == {"create_before_destroy": True, "prevent_destroy": True}


def test_unprotected_ksk_is_replaced_new_key_first(h):
    """Elsewhere a replacement creates the new KSK first: Route 53 refuses to deactivate a
    signing zone's only active KSK (KeySigningKeyInUse), which a destroy-first order hits."""
    assert _ksk(h, protect_data=False)["lifecycle"] == {"create_before_destroy": True}


def test_signing_key_window_is_kms_range(h):
    """A deletion window outside KMS's 7 to 30 days is refused naming the field."""
    with pytest.raises(SpecError, match="deletion_window_days"):
        SigningKeyProps(placement=h["us-east-1"], deletion_window_days=31)
