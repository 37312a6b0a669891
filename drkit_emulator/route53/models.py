"""drkit's Route 53 backend: DNSSEC key-signing keys and signing state, and query logging.

The gaps and what is emulated: :mod:`drkit_emulator.route53`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from types import ModuleType
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key
from moto.core.utils import utcnow
from moto.kms.models import kms_backends
from moto.logs.models import logs_backends
from moto.moto_api._internal import mock_random
from moto.route53.exceptions import (
    InvalidCloudWatchArn,
    NoSuchCloudWatchLogsLogGroup,
    NoSuchHostedZone,
    QueryLoggingConfigAlreadyExists,
)
from moto.route53.models import (
    LOGS_GROUP_ARN_REGEX,
    LOGS_GROUP_REGION,
    QueryLoggingConfig,
    Route53Backend,
)

from drkit_emulator.route53 import urls
from drkit_emulator.route53.exceptions import DNSSECError

if TYPE_CHECKING:
    from moto.route53.models import FakeZone

KMS_REGION = "us-east-1"
"""AWS requires the key-signing key's KMS key to live in us-east-1."""

MAX_KEYS_PER_ZONE = 2

# ECDSA P-256 with SHA-256 (RFC 6605) and a SHA-256 DS digest (RFC 4509).
FLAG_KSK = 257
PROTOCOL = 3
SIGNING_ALGORITHM = ("ECDSAP256SHA256", 13)
DIGEST_ALGORITHM = ("SHA-256", 2)


class KeySigningKey:
    """A key-signing key of one zone. Mutable (its status changes): a plain class, as moto's models.

    Attributes:
        name: Its name, unique in the zone.
        kms_arn: The KMS key's ARN, as given.
        status: ``ACTIVE`` or ``INACTIVE``.
        public_key: The DNSKEY public key field (base64 of the P-256 point, X then Y).
        key_tag: The DNSKEY's key tag.
        digest: The DS record's SHA-256 digest, upper-case hex.
        created: When it was created.
        modified: When its status last changed.
    """

    def __init__(self, zone_name: str, name: str, kms_arn: str, public_key: bytes, status: str):
        self.name = name
        self.kms_arn = kms_arn
        self.status = status
        rdata = dnskey_rdata(public_key)
        self.public_key = base64.b64encode(public_key).decode()
        self.key_tag = key_tag(rdata)
        self.digest = hashlib.sha256(wire_name(zone_name) + rdata).hexdigest().upper()
        self.created = self.modified = utcnow()

    def to_dict(self) -> dict[str, Any]:
        return {
            "Name": self.name,
            "KmsArn": self.kms_arn,
            "Flag": FLAG_KSK,
            "SigningAlgorithmMnemonic": SIGNING_ALGORITHM[0],
            "SigningAlgorithmType": SIGNING_ALGORITHM[1],
            "DigestAlgorithmMnemonic": DIGEST_ALGORITHM[0],
            "DigestAlgorithmType": DIGEST_ALGORITHM[1],
            "KeyTag": self.key_tag,
            "DigestValue": self.digest,
            "PublicKey": self.public_key,
            "DSRecord": f"{self.key_tag} {SIGNING_ALGORITHM[1]} {DIGEST_ALGORITHM[1]} "
            f"{self.digest}",
            "DNSKEYRecord": f"{FLAG_KSK} {PROTOCOL} {SIGNING_ALGORITHM[1]} {self.public_key}",
            "Status": self.status,
            "CreatedDate": self.created,
            "LastModifiedDate": self.modified,
        }


class ZoneDNSSEC:
    """The DNSSEC state of one hosted zone.

    Attributes:
        serve_signature: ``SIGNING`` or ``NOT_SIGNING``.
        keys: Key-signing keys by name.
    """

    def __init__(self) -> None:
        self.serve_signature = "NOT_SIGNING"
        self.keys: dict[str, KeySigningKey] = {}

    def active_keys(self) -> list[KeySigningKey]:
        return [k for k in self.keys.values() if k.status == "ACTIVE"]


def dnskey_rdata(public_key: bytes) -> bytes:
    """The DNSKEY RDATA of a key-signing key: flags, protocol, algorithm, public key."""
    return FLAG_KSK.to_bytes(2, "big") + bytes([PROTOCOL, SIGNING_ALGORITHM[1]]) + public_key


def key_tag(rdata: bytes) -> int:
    """The key tag of a DNSKEY RDATA (RFC 4034, appendix B)."""
    total = sum(byte if i % 2 else byte << 8 for i, byte in enumerate(rdata))
    total += (total >> 16) & 0xFFFF
    return total & 0xFFFF


def wire_name(name: str) -> bytes:
    """A domain name in DNS wire format, lower-cased (canonical form)."""
    labels = [label for label in name.lower().rstrip(".").split(".") if label]
    return b"".join(bytes([len(label)]) + label.encode() for label in labels) + b"\x00"


def log_group_name(log_group_arn: str) -> str:
    """The log group's name in ``arn:aws:logs:<region>:<account>:log-group:<name>[:*]``."""
    name = log_group_arn.split(":log-group:", 1)[1]
    return name.removesuffix(":*")


class DrkitRoute53Backend(Route53Backend):
    """moto's Route 53 backend with DNSSEC, and query logging that finds the log group by name."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.dnssec: dict[str, ZoneDNSSEC] = {}

    @property
    def _url_module(self) -> ModuleType:
        return urls

    def create_key_signing_key(
        self, hosted_zone_id: str, name: str, kms_arn: str, status: str | None
    ) -> KeySigningKey:
        zone = self._public_zone(hosted_zone_id)
        status = status or "ACTIVE"
        if status not in ("ACTIVE", "INACTIVE"):
            raise DNSSECError(
                "InvalidKeySigningKeyStatus", f"Status must be ACTIVE or INACTIVE, not {status}"
            )
        if not 3 <= len(name or "") <= 128:
            raise DNSSECError(
                "InvalidKeySigningKeyName",
                f"Key-signing key name {name!r} must be 3 to 128 characters long",
            )
        public_key = self._signing_public_key(kms_arn)
        state = self.dnssec.setdefault(zone.resource_id, ZoneDNSSEC())
        if name in state.keys:
            raise DNSSECError(
                "KeySigningKeyAlreadyExists",
                f"A key-signing key named {name} already exists in hosted zone {zone.resource_id}",
            )
        if len(state.keys) >= MAX_KEYS_PER_ZONE:
            raise DNSSECError(
                "TooManyKeySigningKeys",
                f"Hosted zone {zone.resource_id} already has {MAX_KEYS_PER_ZONE} key-signing keys",
            )
        key = KeySigningKey(zone.name, name, kms_arn, public_key, status)
        state.keys[name] = key
        return key

    def activate_key_signing_key(self, hosted_zone_id: str, name: str) -> None:
        key = self._key(hosted_zone_id, name)
        key.status, key.modified = "ACTIVE", utcnow()

    def deactivate_key_signing_key(self, hosted_zone_id: str, name: str) -> None:
        zone = self.get_hosted_zone(hosted_zone_id)
        key = self._key(hosted_zone_id, name)
        state = self.dnssec[zone.resource_id]
        if state.serve_signature == "SIGNING" and state.active_keys() == [key]:
            raise DNSSECError(
                "KeySigningKeyInUse",
                f"Key-signing key {name} is the last active key of hosted zone {zone.resource_id}, "
                "which is signing; disable DNSSEC signing first",
            )
        key.status, key.modified = "INACTIVE", utcnow()

    def delete_key_signing_key(self, hosted_zone_id: str, name: str) -> None:
        zone = self.get_hosted_zone(hosted_zone_id)
        key = self._key(hosted_zone_id, name)
        if key.status == "ACTIVE":
            raise DNSSECError(
                "InvalidKeySigningKeyStatus",
                f"Key-signing key {name} is ACTIVE; deactivate it before deleting it",
            )
        del self.dnssec[zone.resource_id].keys[name]

    def enable_hosted_zone_dnssec(self, hosted_zone_id: str) -> None:
        zone = self._public_zone(hosted_zone_id)
        state = self.dnssec.get(zone.resource_id)
        if state is None or not state.active_keys():
            raise DNSSECError(
                "KeySigningKeyWithActiveStatusNotFound",
                f"Hosted zone {zone.resource_id} has no ACTIVE key-signing key",
            )
        state.serve_signature = "SIGNING"

    def disable_hosted_zone_dnssec(self, hosted_zone_id: str) -> None:
        zone = self._public_zone(hosted_zone_id)
        state = self.dnssec.get(zone.resource_id)
        if state is None or (state.serve_signature != "SIGNING" and not state.keys):
            raise DNSSECError(
                "DNSSECNotFound", f"DNSSEC is not configured for hosted zone {zone.resource_id}"
            )
        state.serve_signature = "NOT_SIGNING"

    def get_dnssec(self, zone_id: str) -> ZoneDNSSEC:  # type: ignore[override]
        zone = self._public_zone(zone_id)
        return self.dnssec.get(zone.resource_id) or ZoneDNSSEC()

    def create_hosted_zone(self, name: str, private_zone: bool, **kwargs: Any) -> FakeZone:
        """moto's zone, with an id that starts with ``Z`` as every Route 53 zone id does."""
        zone = super().create_hosted_zone(name, private_zone, **kwargs)
        if not zone.resource_id.startswith("Z"):
            old = zone.resource_id
            new = "Z" + old[1:]
            while new in self.zones:
                new = "Z" + mock_random.get_random_string(length=len(old) - 1).upper()
            zone.resource_id = new
            self.zones[new] = self.zones.pop(old)
        return zone

    def delete_hosted_zone(self, id_: str) -> FakeZone | None:
        deleted = super().delete_hosted_zone(id_)
        if deleted is not None:
            self.dnssec.pop(deleted.resource_id, None)
        return deleted

    def _public_zone(self, hosted_zone_id: str) -> FakeZone:
        zone = self.get_hosted_zone(hosted_zone_id)
        if zone.private_zone:
            raise DNSSECError(
                "InvalidArgument", "Operation is unsupported for private hosted zones."
            )
        return zone

    def _key(self, hosted_zone_id: str, name: str) -> KeySigningKey:
        zone = self.get_hosted_zone(hosted_zone_id)
        key = self.dnssec.get(zone.resource_id, ZoneDNSSEC()).keys.get(name)
        if key is None:
            raise DNSSECError(
                "NoSuchKeySigningKey",
                f"No key-signing key named {name} in hosted zone {zone.resource_id}",
            )
        return key

    def _signing_public_key(self, kms_arn: str) -> bytes:
        """The P-256 public point (X then Y) of a usable KMS key; else ``InvalidKMSArn``, why."""

        def invalid(reason: str) -> DNSSECError:
            return DNSSECError(
                "InvalidKMSArn",
                f"The KeyManagementServiceArn that you specified isn't valid to use with DNSSEC "
                f"signing: {kms_arn}: {reason}",
            )

        parts = (kms_arn or "").split(":")
        if (
            len(parts) != 6
            or parts[0] != "arn"
            or parts[2] != "kms"
            or not parts[5].startswith("key/")
        ):
            raise invalid("not a KMS key ARN (arn:aws:kms:us-east-1:<account>:key/<id>)")
        if parts[3] != KMS_REGION:
            raise invalid(f"the key must be in {KMS_REGION}, not {parts[3]}")
        try:
            key = kms_backends[parts[4] or self.account_id][KMS_REGION].describe_key(kms_arn)
        except KeyError:
            raise invalid(f"no such key in the emulator's {KMS_REGION} KMS") from None
        if key.key_spec != "ECC_NIST_P256" or key.key_usage != "SIGN_VERIFY":
            raise invalid(
                f"the key is {key.key_spec}/{key.key_usage}; DNSSEC needs ECC_NIST_P256/SIGN_VERIFY"
            )
        if key.key_state != "Enabled":
            raise invalid(f"the key is {key.key_state}")
        public = load_der_public_key(key.private_key.public_key())
        assert isinstance(public, ec.EllipticCurvePublicKey)
        numbers = public.public_numbers()
        return numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")

    # -- query logging --------------------------------------------------------------

    def create_query_logging_config(
        self, hosted_zone_id: str, log_group_arn: str
    ) -> QueryLoggingConfig:
        if not any(z.resource_id == hosted_zone_id for z in self.zones.values()):
            raise NoSuchHostedZone(hosted_zone_id)
        if not log_group_arn or not re.match(LOGS_GROUP_ARN_REGEX, log_group_arn):
            raise InvalidCloudWatchArn()

        account = log_group_arn.split(":")[4]
        if log_group_name(log_group_arn) not in logs_backends[account][LOGS_GROUP_REGION].groups:
            raise NoSuchCloudWatchLogsLogGroup()
        if any(c.hosted_zone_id == hosted_zone_id for c in self.query_logging_configs.values()):
            raise QueryLoggingConfigAlreadyExists()
        config = QueryLoggingConfig(str(mock_random.uuid4()), hosted_zone_id, log_group_arn)
        self.query_logging_configs[config.id] = config
        return config
