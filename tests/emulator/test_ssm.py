"""The SSM extension (service settings), driven with boto3: Parameter Store's throughput setting
reads as AWS's default until changed, and unknown settings and values are refused."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from drkit.regions.parameter_store import HIGH_THROUGHPUT_SETTING_ID
from drkit_emulator.runner import Emulator

#: A region no other emulator test changes settings in (the emulator is shared, never reset).
REGION = "ca-central-1"


def _setting(aws: Emulator, region: str = REGION) -> dict:
    return aws.client("ssm", region).get_service_setting(SettingId=HIGH_THROUGHPUT_SETTING_ID)[
        "ServiceSetting"
    ]


def test_higher_throughput_is_off_by_default(aws):
    """A new account reads 'false', status Default, with the setting's ARN."""
    setting = _setting(aws, "sa-east-1")
    assert (setting["SettingValue"], setting["Status"]) == ("false", "Default")
    assert setting["ARN"] == (
        f"arn:aws:ssm:sa-east-1:123456789012:servicesetting{HIGH_THROUGHPUT_SETTING_ID}"
    )


def test_an_update_is_read_back_per_region_and_a_reset_restores_the_default(aws):
    ssm = aws.client("ssm", REGION)
    ssm.update_service_setting(SettingId=HIGH_THROUGHPUT_SETTING_ID, SettingValue="true")
    try:
        setting = _setting(aws)
        assert (setting["SettingValue"], setting["Status"]) == ("true", "Customized")
        assert "LastModifiedDate" in setting
        assert _setting(aws, "sa-east-1")["SettingValue"] == "false"  # per region
    finally:
        reset = ssm.reset_service_setting(SettingId=HIGH_THROUGHPUT_SETTING_ID)["ServiceSetting"]
    assert (reset["SettingValue"], reset["Status"]) == ("false", "Default")
    assert _setting(aws)["SettingValue"] == "false"


@pytest.mark.parametrize(
    ("setting_id", "value", "code"),
    [
        ("/ssm/no/such/setting", None, "ServiceSettingNotFound"),
        (HIGH_THROUGHPUT_SETTING_ID, "yes", "ValidationException"),
    ],
)
def test_unknown_settings_and_values_are_refused(aws, setting_id, value, code):
    ssm = aws.client("ssm", REGION)
    with pytest.raises(ClientError) as caught:
        if value is None:
            ssm.get_service_setting(SettingId=setting_id)
        else:
            ssm.update_service_setting(SettingId=setting_id, SettingValue=value)
    assert caught.value.response["Error"]["Code"] == code
