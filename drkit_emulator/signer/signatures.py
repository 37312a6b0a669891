"""Signatures of Lambda code archives: made by the emulated Signer, checked by the emulated Lambda.

A signed archive is the source ZIP with one change: its archive comment (the
end of the ZIP's end-of-central-directory record) holds the signature. ZIP
readers ignore the comment, so the signed archive extracts and runs exactly
as the source did. The signature is an HMAC-SHA384, keyed by a secret drawn
once per emulator process, over the archive without its comment and over the
signature's own fields (profile version, job, times): altering any byte of
the archive or of those fields breaks it, and nothing outside the emulator
process can forge one. AWS signs with the profile's ECDSA P-384 key instead
(https://docs.aws.amazon.com/signer/latest/developerguide/signing-jobs-lambda.html);
what Lambda checks is the same: integrity, expiry, the signing profile version
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-codesigning.html).

Standard library only (and attrs), no moto: the Signer extension signs with
it, the Lambda extension verifies with it.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import secrets
import zipfile

import attrs

ALGORITHM = "HMAC-SHA384"
#: What a signature comment starts with; the rest is the signature as JSON.
MAGIC = b"drkit-emulator-signature/1 "
# One key per emulator process: signatures do not outlive the emulator that made them.
_KEY = secrets.token_bytes(48)
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22  # the end-of-central-directory record without its comment
_COMMENT_LENGTH_AT = 20  # offset of the 2-byte comment length within that record


class ArchiveError(ValueError):
    """The archive cannot be signed: not a ZIP, empty, or signed already."""


class IntegrityError(ValueError):
    """The archive carries a signature that does not match its contents."""


@attrs.frozen(kw_only=True)
class Signature:
    """What a signature says, all of it covered by the MAC.

    Attributes:
        profile_version_arn: The signing profile version that signed.
        job_arn: The signing job (``arn:...:signer:<region>:<account>:/signing-jobs/<id>``).
        signed_at: When, in seconds since the epoch.
        expires_at: When the signature expires (the profile's validity period later).
    """

    profile_version_arn: str
    job_arn: str
    signed_at: float
    expires_at: float

    def fields(self) -> dict[str, str | float]:
        return {
            "algorithm": ALGORITHM,
            "profileVersionArn": self.profile_version_arn,
            "jobArn": self.job_arn,
            "signedAt": self.signed_at,
            "expiresAt": self.expires_at,
        }


def sign(archive: bytes, signature: Signature) -> bytes:
    """``archive`` with ``signature`` in its comment (any other comment is replaced).

    Raises:
        ArchiveError: Not a readable ZIP, no file in it, or signed already
            (the failures the Signer documents for Lambda signing jobs).
    """
    _check_signable(archive)
    body, comment, trailing = _split(archive)
    if comment.startswith(MAGIC):
        raise ArchiveError("the archive already has a signature")
    if trailing:
        raise ArchiveError("the archive has bytes after its end-of-central-directory record")
    fields = signature.fields()
    record = {**fields, "mac": _mac(body, fields)}
    text = MAGIC + json.dumps(record, sort_keys=True).encode("ascii")
    return body + len(text).to_bytes(2, "little") + text


def read(archive: bytes) -> Signature | None:
    """The archive's signature once its MAC holds; ``None`` when it carries none.

    Raises:
        IntegrityError: A signature is there but the archive or the signature
            changed after signing.
    """
    try:
        body, comment, trailing = _split(archive)
    except ArchiveError:
        return None  # not a ZIP: nothing signed it
    if not comment.startswith(MAGIC):
        return None
    if trailing:
        raise IntegrityError("bytes were added to the archive after it was signed")
    try:
        record = json.loads(comment[len(MAGIC) :])
        mac = record.pop("mac")
        signature = Signature(
            profile_version_arn=record["profileVersionArn"],
            job_arn=record["jobArn"],
            signed_at=float(record["signedAt"]),
            expires_at=float(record["expiresAt"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise IntegrityError(f"the signature cannot be read: {error}") from error
    if record != signature.fields() or not hmac.compare_digest(
        str(mac), _mac(body, signature.fields())
    ):
        raise IntegrityError("the archive was modified after it was signed")
    return signature


def _mac(body: bytes, fields: dict[str, str | float]) -> str:
    message = body + b"\n" + json.dumps(fields, sort_keys=True).encode("ascii")
    return hmac.new(_KEY, message, hashlib.sha384).hexdigest()


def _split(archive: bytes) -> tuple[bytes, bytes, bytes]:
    """The archive up to its comment length, the comment, and any bytes after the comment."""
    at = archive.rfind(_EOCD)
    if at < 0 or len(archive) < at + _EOCD_SIZE:
        raise ArchiveError("not a ZIP archive (no end-of-central-directory record)")
    length = int.from_bytes(archive[at + _COMMENT_LENGTH_AT : at + _EOCD_SIZE], "little")
    end = at + _EOCD_SIZE + length
    return archive[: at + _COMMENT_LENGTH_AT], archive[at + _EOCD_SIZE : end], archive[end:]


def _check_signable(archive: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as opened:
            names = opened.namelist()
            broken = opened.testzip()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ArchiveError(f"the archive is malformed: {error}") from error
    if not names:
        raise ArchiveError("the archive is empty")
    if broken is not None:
        raise ArchiveError(f"the archive is malformed: {broken} fails its CRC check")
