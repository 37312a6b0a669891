"""The emulator's code signatures in-process: forged fields, another key, expiry, validity."""

from __future__ import annotations

import datetime
import io
import json
import time
import zipfile

import pytest

from drkit_emulator.awslambda.codesigning import CodeSigningConfig, untrusted
from drkit_emulator.signer import signatures
from drkit_emulator.signer.models import expiry
from tests.emulator.signing_support import zipped

ALLOWED = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/allowed/abcdef1234"
OTHER = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/other/0123456789"


def signature(profile_version_arn: str = OTHER, expires_in: float = 3600) -> signatures.Signature:
    now = time.time()
    return signatures.Signature(
        profile_version_arn=profile_version_arn,
        job_arn="arn:aws:signer:us-east-1:123456789012:/signing-jobs/job",
        signed_at=now,
        expires_at=now + expires_in,
    )


def with_comment(archive: bytes, comment: bytes) -> bytes:
    opened = zipfile.ZipFile(io.BytesIO(archive))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for name in opened.namelist():
            copy.writestr(opened.getinfo(name), opened.read(name))
        copy.comment = comment
    return buffer.getvalue()


def test_a_signed_archive_reads_back_its_signature() -> None:
    """read() returns exactly the signature sign() put in; an unsigned archive has none."""
    made = signature()
    assert signatures.read(signatures.sign(zipped(), made)) == made
    assert signatures.read(zipped()) is None


def test_the_publisher_in_a_signature_cannot_be_swapped() -> None:
    """Rewriting the signed profile version to an allowed one breaks the integrity check."""
    signed = signatures.sign(zipped(), signature(OTHER))
    comment = zipfile.ZipFile(io.BytesIO(signed)).comment
    forged = comment.replace(OTHER.encode(), ALLOWED.encode())
    assert forged != comment
    with pytest.raises(signatures.IntegrityError):
        signatures.read(with_comment(signed, forged))


def test_a_signature_made_with_another_key_does_not_verify(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another emulator process (another key) cannot vouch for this one's archives."""
    signed = signatures.sign(zipped(), signature())
    monkeypatch.setattr(signatures, "_KEY", b"another process" * 3)
    with pytest.raises(signatures.IntegrityError):
        signatures.read(signed)


def test_a_comment_that_only_looks_like_a_signature_is_refused() -> None:
    """A hand-written signature comment (any MAC) fails integrity rather than passing as signed."""
    fields = {**signature(ALLOWED).fields(), "mac": "00" * 48}
    comment = signatures.MAGIC + json.dumps(fields, sort_keys=True).encode()
    with pytest.raises(signatures.IntegrityError):
        signatures.read(with_comment(zipped(), comment))


def test_expired_signature_is_untrusted() -> None:
    """An intact signature from an allowed publisher is untrusted once it has expired."""
    config = CodeSigningConfig(
        "123456789012", "us-east-1", {"AllowedPublishers": {"SigningProfileVersionArns": [ALLOWED]}}
    )
    assert untrusted(signature(ALLOWED), config) is None
    assert (
        untrusted(signature(ALLOWED, expires_in=-1), config) == "the code's signature has expired"
    )
    assert "not one of" in str(untrusted(signature(OTHER), config))
    assert untrusted(None, config) == "the code is not signed"


@pytest.mark.parametrize(
    ("validity", "expected"),
    [
        ({"value": 135, "type": "MONTHS"}, datetime.datetime(2031, 4, 30, tzinfo=datetime.UTC)),
        ({"value": 2, "type": "YEARS"}, datetime.datetime(2022, 1, 31, tzinfo=datetime.UTC)),
        ({"value": 10, "type": "DAYS"}, datetime.datetime(2020, 2, 10, tzinfo=datetime.UTC)),
    ],
)
def test_validity_period_sets_the_expiry(
    validity: dict[str, object], expected: datetime.datetime
) -> None:
    """The signature expires the profile's validity period after signing, by the calendar."""
    signed_at = datetime.datetime(2020, 1, 31, tzinfo=datetime.UTC).timestamp()
    assert expiry(signed_at, validity) == expected.timestamp()
