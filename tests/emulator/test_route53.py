"""The Route 53 extensions (DNSSEC, query logging), driven with boto3 against the running emulator.

Route 53 is global and zone names may repeat, so each test makes its own zone.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key

from drkit_emulator.route53.models import key_tag, wire_name
from drkit_emulator.runner import Emulator

EAST = "us-east-1"


def create_zone(aws: Emulator, name: str, **extra: Any) -> str:
    route53 = aws.client("route53", EAST)
    zone = route53.create_hosted_zone(Name=name, CallerReference=str(uuid.uuid4()), **extra)
    return str(zone["HostedZone"]["Id"]).removeprefix("/hostedzone/")


def signing_key(
    aws: Emulator, region: str = EAST, spec: str = "ECC_NIST_P256", usage: str = "SIGN_VERIFY"
) -> str:
    kms = aws.client("kms", region)
    return str(kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["Arn"])


@pytest.fixture
def zone_name(unique_name: str) -> str:
    return f"{unique_name.lower()}.example.com"


@pytest.fixture
def zone(aws: Emulator, zone_name: str) -> str:
    """A public hosted zone of this test's, by id."""
    return create_zone(aws, zone_name)


def create_ksk(
    aws: Emulator, zone: str, kms_arn: str, name: str = "drkitksk", status: str = "ACTIVE"
) -> dict[str, Any]:
    return dict(
        aws.client("route53", EAST).create_key_signing_key(
            CallerReference=str(uuid.uuid4()),
            HostedZoneId=zone,
            KeyManagementServiceArn=kms_arn,
            Name=name,
            Status=status,
        )
    )


def error_code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return str(caught.value.response["Error"]["Code"])


# -- DNSSEC ------------------------------------------------------------------------------


def test_key_signing_key_is_created_active_and_listed(aws: Emulator, zone: str) -> None:
    """CreateKeySigningKey answers an INSYNC change; GetDNSSEC lists the key ACTIVE, its KMS ARN."""
    kms_arn = signing_key(aws)
    created = create_ksk(aws, zone, kms_arn)
    assert created["ChangeInfo"]["Status"] == "INSYNC"
    assert created["KeySigningKey"]["Status"] == "ACTIVE"
    dnssec = aws.client("route53", EAST).get_dnssec(HostedZoneId=zone)
    assert dnssec["Status"]["ServeSignature"] == "NOT_SIGNING"
    [key] = dnssec["KeySigningKeys"]
    assert (key["Name"], key["KmsArn"], key["Status"], key["Flag"]) == (
        "drkitksk",
        kms_arn,
        "ACTIVE",
        257,
    )
    assert (key["SigningAlgorithmType"], key["DigestAlgorithmType"]) == (13, 2)


def test_change_of_a_dnssec_operation_is_insync(aws: Emulator, zone: str) -> None:
    """GetChange of the change CreateKeySigningKey returned is INSYNC (the provider waits on it)."""
    change_id = create_ksk(aws, zone, signing_key(aws))["ChangeInfo"]["Id"]
    assert aws.client("route53", EAST).get_change(Id=change_id)["ChangeInfo"]["Status"] == "INSYNC"


def test_dnskey_and_ds_records_come_from_the_kms_public_key(
    aws: Emulator, zone: str, zone_name: str
) -> None:
    """DNSKEYRecord has the KMS key's P-256 point; KeyTag and DSRecord come from it and the zone."""
    kms_arn = signing_key(aws)
    key = create_ksk(aws, zone, kms_arn)["KeySigningKey"]
    der = aws.client("kms", EAST).get_public_key(KeyId=kms_arn)["PublicKey"]
    public = load_der_public_key(der)
    assert isinstance(public, ec.EllipticCurvePublicKey)
    numbers = public.public_numbers()
    point = numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")

    flags, protocol, algorithm, public_key = key["DNSKEYRecord"].split()
    assert (flags, protocol, algorithm) == ("257", "3", "13")
    assert base64.b64decode(public_key) == point == base64.b64decode(key["PublicKey"])
    rdata = (257).to_bytes(2, "big") + bytes([3, 13]) + point
    digest = hashlib.sha256(wire_name(zone_name + ".") + rdata).hexdigest().upper()
    assert key["DigestValue"] == digest
    assert key["DSRecord"] == f"{key['KeyTag']} 13 2 {digest}"


def test_key_tag_and_ds_digest_match_rfc_4034_example() -> None:
    """RFC 4034 section 5.4's DNSKEY has key tag 60485 and DS (SHA-1) digest 2BB183AF...1A292118."""
    key = base64.b64decode(
        "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZ"
        "DRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9Xzc"
        "nOf+EPbtG9DMBmADjFDc2w/rljwvFw=="
    )
    rdata = (256).to_bytes(2, "big") + bytes([3, 5]) + key
    assert key_tag(rdata) == 60485
    digest = hashlib.sha1(wire_name("DSKEY.example.com.") + rdata).hexdigest().upper()
    assert digest == "2BB183AF5F22588179A53B0A98631FAD1A292118"


def test_signing_lifecycle_enable_disable_deactivate_delete(aws: Emulator, zone: str) -> None:
    """Enable makes the zone SIGNING; its last active key cannot be deactivated while it signs."""
    route53 = aws.client("route53", EAST)
    create_ksk(aws, zone, signing_key(aws))
    assert route53.enable_hosted_zone_dnssec(HostedZoneId=zone)["ChangeInfo"]["Status"] == "INSYNC"
    assert route53.get_dnssec(HostedZoneId=zone)["Status"]["ServeSignature"] == "SIGNING"
    with pytest.raises(ClientError) as caught:
        route53.deactivate_key_signing_key(HostedZoneId=zone, Name="drkitksk")
    assert error_code(caught) == "KeySigningKeyInUse"

    route53.disable_hosted_zone_dnssec(HostedZoneId=zone)
    assert route53.get_dnssec(HostedZoneId=zone)["Status"]["ServeSignature"] == "NOT_SIGNING"
    route53.deactivate_key_signing_key(HostedZoneId=zone, Name="drkitksk")
    assert route53.get_dnssec(HostedZoneId=zone)["KeySigningKeys"][0]["Status"] == "INACTIVE"
    route53.delete_key_signing_key(HostedZoneId=zone, Name="drkitksk")
    assert route53.get_dnssec(HostedZoneId=zone)["KeySigningKeys"] == []


def test_inactive_key_can_be_activated(aws: Emulator, zone: str) -> None:
    """A key created INACTIVE becomes ACTIVE with ActivateKeySigningKey."""
    route53 = aws.client("route53", EAST)
    create_ksk(aws, zone, signing_key(aws), status="INACTIVE")
    route53.activate_key_signing_key(HostedZoneId=zone, Name="drkitksk")
    assert route53.get_dnssec(HostedZoneId=zone)["KeySigningKeys"][0]["Status"] == "ACTIVE"


def test_active_key_cannot_be_deleted(aws: Emulator, zone: str) -> None:
    """DeleteKeySigningKey of an ACTIVE key is InvalidKeySigningKeyStatus, as in AWS."""
    create_ksk(aws, zone, signing_key(aws))
    with pytest.raises(ClientError) as caught:
        aws.client("route53", EAST).delete_key_signing_key(HostedZoneId=zone, Name="drkitksk")
    assert error_code(caught) == "InvalidKeySigningKeyStatus"


def test_enabling_needs_an_active_key(aws: Emulator, zone: str) -> None:
    """EnableHostedZoneDNSSEC without an ACTIVE key is KeySigningKeyWithActiveStatusNotFound."""
    with pytest.raises(ClientError) as caught:
        aws.client("route53", EAST).enable_hosted_zone_dnssec(HostedZoneId=zone)
    assert error_code(caught) == "KeySigningKeyWithActiveStatusNotFound"


def test_disabling_where_dnssec_was_never_set_up_is_not_found(aws: Emulator, zone: str) -> None:
    """DisableHostedZoneDNSSEC on a plain zone is DNSSECNotFound (the provider's "already gone")."""
    with pytest.raises(ClientError) as caught:
        aws.client("route53", EAST).disable_hosted_zone_dnssec(HostedZoneId=zone)
    assert error_code(caught) == "DNSSECNotFound"


def test_unknown_key_is_no_such_key_signing_key(aws: Emulator, zone: str) -> None:
    """Deactivating a key the zone does not have is NoSuchKeySigningKey (404)."""
    with pytest.raises(ClientError) as caught:
        aws.client("route53", EAST).deactivate_key_signing_key(HostedZoneId=zone, Name="nokey")
    assert error_code(caught) == "NoSuchKeySigningKey"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_duplicate_key_name_is_refused(aws: Emulator, zone: str) -> None:
    """A second key of the same name in the zone is KeySigningKeyAlreadyExists."""
    kms_arn = signing_key(aws)
    create_ksk(aws, zone, kms_arn)
    with pytest.raises(ClientError) as caught:
        create_ksk(aws, zone, kms_arn)
    assert error_code(caught) == "KeySigningKeyAlreadyExists"


@pytest.mark.parametrize(
    ("make_arn", "reason"),
    [
        (
            lambda aws: signing_key(aws, spec="SYMMETRIC_DEFAULT", usage="ENCRYPT_DECRYPT"),
            "ECC_NIST_P256",
        ),
        (lambda aws: signing_key(aws, region="us-west-2"), "us-east-1"),
        (lambda aws: f"arn:aws:kms:{EAST}:123456789012:key/{uuid.uuid4()}", "no such key"),
        (lambda aws: "not-an-arn", "not a KMS key ARN"),
    ],
    ids=["symmetric", "wrong-region", "missing", "malformed"],
)
def test_unusable_kms_key_is_invalid_kms_arn_saying_why(
    aws: Emulator, zone: str, make_arn: Any, reason: str
) -> None:
    """A KMS key other than a us-east-1 ECC_NIST_P256 signing key is InvalidKMSArn, saying why."""
    with pytest.raises(ClientError) as caught:
        create_ksk(aws, zone, make_arn(aws))
    assert error_code(caught) == "InvalidKMSArn"
    assert reason in caught.value.response["Error"]["Message"]


def test_disabled_kms_key_is_refused(aws: Emulator, zone: str) -> None:
    """A disabled KMS key cannot sign: InvalidKMSArn."""
    kms_arn = signing_key(aws)
    # By key id: moto 5.2.5's DisableKey answers 500 for a key ARN (not drkit's gap to fill).
    aws.client("kms", EAST).disable_key(KeyId=kms_arn.split("/")[-1])
    with pytest.raises(ClientError) as caught:
        create_ksk(aws, zone, kms_arn)
    assert error_code(caught) == "InvalidKMSArn"


def test_private_zone_has_no_dnssec(aws: Emulator, zone_name: str) -> None:
    """GetDNSSEC of a private zone is InvalidArgument, as in AWS (the provider handles it)."""
    vpc = aws.client("ec2", EAST).create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    private = create_zone(
        aws,
        zone_name,
        HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": EAST, "VPCId": vpc},
    )
    with pytest.raises(ClientError) as caught:
        aws.client("route53", EAST).get_dnssec(HostedZoneId=private)
    assert error_code(caught) == "InvalidArgument"


def test_deleting_the_zone_forgets_its_dnssec(aws: Emulator, zone_name: str) -> None:
    """A zone deleted and created again under the same name starts without keys."""
    route53 = aws.client("route53", EAST)
    zone = create_zone(aws, zone_name)
    create_ksk(aws, zone, signing_key(aws), status="INACTIVE")
    route53.delete_hosted_zone(Id=zone)
    again = create_zone(aws, zone_name)
    assert route53.get_dnssec(HostedZoneId=again)["KeySigningKeys"] == []


# -- query logging ---------------------------------------------------------------------


def log_group(aws: Emulator, name: str, region: str = EAST) -> str:
    logs = aws.client("logs", region)
    logs.create_log_group(logGroupName=name)
    return f"arn:aws:logs:{region}:123456789012:log-group:{name}"


@pytest.mark.parametrize("suffix", ["", ":*"], ids=["terraform-arn", "describe-arn"])
def test_query_logging_accepts_the_log_group_arn_with_or_without_star(
    aws: Emulator, zone: str, unique_name: str, suffix: str
) -> None:
    """CreateQueryLoggingConfig finds the us-east-1 group by ARN, ':*' or not (Terraform: not)."""
    arn = log_group(aws, f"/aws/route53/{unique_name}") + suffix
    route53 = aws.client("route53", EAST)
    config = route53.create_query_logging_config(HostedZoneId=zone, CloudWatchLogsLogGroupArn=arn)
    config_id = config["QueryLoggingConfig"]["Id"]
    got = route53.get_query_logging_config(Id=config_id)["QueryLoggingConfig"]
    assert (got["HostedZoneId"], got["CloudWatchLogsLogGroupArn"]) == (zone, arn)


def test_query_logging_to_a_missing_group_is_refused(
    aws: Emulator, zone: str, unique_name: str
) -> None:
    """A group missing from us-east-1 (here: only in us-west-2) is NoSuchCloudWatchLogsLogGroup."""
    log_group(aws, f"/aws/route53/{unique_name}", region="us-west-2")
    arn = f"arn:aws:logs:{EAST}:123456789012:log-group:/aws/route53/{unique_name}"
    with pytest.raises(ClientError) as caught:
        aws.client("route53", EAST).create_query_logging_config(
            HostedZoneId=zone, CloudWatchLogsLogGroupArn=arn
        )
    assert error_code(caught) == "NoSuchCloudWatchLogsLogGroup"


def test_second_query_logging_config_for_a_zone_is_refused(
    aws: Emulator, zone: str, unique_name: str
) -> None:
    """One query logging configuration per zone: the second is QueryLoggingConfigAlreadyExists."""
    arn = log_group(aws, f"/aws/route53/{unique_name}")
    route53 = aws.client("route53", EAST)
    route53.create_query_logging_config(HostedZoneId=zone, CloudWatchLogsLogGroupArn=arn)
    with pytest.raises(ClientError) as caught:
        route53.create_query_logging_config(HostedZoneId=zone, CloudWatchLogsLogGroupArn=arn)
    assert error_code(caught) == "QueryLoggingConfigAlreadyExists"


def test_zone_ids_start_with_z_as_in_aws(aws: Emulator) -> None:
    """Every new zone's id starts with Z and the zone is found (and deleted) by it."""
    route53 = aws.client("route53", EAST)
    ids = [create_zone(aws, f"ids-{uuid.uuid4().hex[:8]}.example.com") for _ in range(8)]
    assert all(zone_id.startswith("Z") for zone_id in ids)
    for zone_id in ids:
        assert route53.get_hosted_zone(Id=zone_id)["HostedZone"]["Id"].endswith(zone_id)
        route53.delete_hosted_zone(Id=zone_id)
