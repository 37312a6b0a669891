"""The KMS rotation-period extension, driven with boto3 against the running emulator."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from drkit_emulator.runner import DUMMY_CREDENTIALS, Emulator

EAST = "us-east-1"


def new_key(aws: Emulator) -> str:
    return str(aws.client("kms", EAST).create_key(Description="rotation")["KeyMetadata"]["KeyId"])


def test_rotation_period_is_kept_and_reported(aws: Emulator) -> None:
    """GetKeyRotationStatus reports the period EnableKeyRotation set, the key ARN, a next date."""
    kms, key_id = aws.client("kms", EAST), new_key(aws)
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True
    assert status["RotationPeriodInDays"] == 180
    assert status["KeyId"].endswith(f":key/{key_id}")
    assert "NextRotationDate" in status


def test_rotation_period_defaults_to_365_days(aws: Emulator) -> None:
    """Without RotationPeriodInDays the period is 365 days, as in AWS."""
    kms, key_id = aws.client("kms", EAST), new_key(aws)
    kms.enable_key_rotation(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["RotationPeriodInDays"] == 365


def test_disabled_rotation_reports_no_period(aws: Emulator) -> None:
    """A key without rotation answers KeyRotationEnabled false and no period."""
    kms, key_id = aws.client("kms", EAST), new_key(aws)
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    kms.disable_key_rotation(KeyId=key_id)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is False and "RotationPeriodInDays" not in status


@pytest.mark.parametrize("period", [89, 2561])
def test_rotation_period_out_of_range_is_refused(aws: Emulator, period: int) -> None:
    """A period outside 90..2560 days is a ValidationException and leaves rotation off."""
    kms, key_id = aws.client("kms", EAST), new_key(aws)
    # boto3 checks the range itself; Terraform's SDK does not. Ask the emulator directly.
    unchecked = boto3.client(
        "kms",
        region_name=EAST,
        endpoint_url=aws.endpoint_url,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(parameter_validation=False),
    )
    with pytest.raises(ClientError) as caught:
        unchecked.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=period)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
