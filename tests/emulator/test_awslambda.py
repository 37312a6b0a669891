"""The Lambda function-configuration extension, driven with boto3 against the running emulator.

Functions are only created and configured here; none is invoked (moto needs
Docker for that).
"""

from __future__ import annotations

from drkit_emulator.runner import Emulator
from tests.emulator.lambda_support import EAST, create_function, zipped_handler


def dlq(aws: Emulator, name: str) -> str:
    sqs = aws.client("sqs", EAST)
    url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    return str(
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
    )


def test_dead_letter_and_logging_config_round_trip(
    aws: Emulator, unique_name: str, role_arn: str
) -> None:
    """GetFunction returns the DeadLetterConfig and LoggingConfig it was made with (JSON: INFO)."""
    target = dlq(aws, unique_name)
    created = create_function(
        aws,
        unique_name,
        role_arn,
        DeadLetterConfig={"TargetArn": target},
        LoggingConfig={"LogFormat": "JSON", "LogGroup": f"/custom/{unique_name}"},
    )
    expected_logging = {
        "LogFormat": "JSON",
        "LogGroup": f"/custom/{unique_name}",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "INFO",
    }
    assert created["DeadLetterConfig"] == {"TargetArn": target}
    assert created["LoggingConfig"] == expected_logging
    config = aws.client("lambda", EAST).get_function(FunctionName=unique_name)["Configuration"]
    assert config["DeadLetterConfig"] == {"TargetArn": target}
    assert config["LoggingConfig"] == expected_logging


def test_logging_defaults_to_text_in_the_functions_group(
    aws: Emulator, unique_name: str, role_arn: str
) -> None:
    """Without LoggingConfig a function logs Text to /aws/lambda/<name>, as in AWS; no DLQ."""
    create_function(aws, unique_name, role_arn)
    config = aws.client("lambda", EAST).get_function_configuration(FunctionName=unique_name)
    assert config["LoggingConfig"] == {
        "LogFormat": "Text",
        "LogGroup": f"/aws/lambda/{unique_name}",
    }
    assert "DeadLetterConfig" not in config


def test_update_changes_and_removes_them(aws: Emulator, unique_name: str, role_arn: str) -> None:
    """UpdateFunctionConfiguration sets a DLQ and JSON logs; an empty TargetArn removes the DLQ."""
    create_function(aws, unique_name, role_arn)
    target = dlq(aws, unique_name)
    client = aws.client("lambda", EAST)
    client.update_function_configuration(
        FunctionName=unique_name,
        DeadLetterConfig={"TargetArn": target},
        LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "WARN"},
    )
    config = client.get_function_configuration(FunctionName=unique_name)
    assert config["DeadLetterConfig"] == {"TargetArn": target}
    assert config["LoggingConfig"]["ApplicationLogLevel"] == "WARN"
    assert config["LoggingConfig"]["LogGroup"] == f"/aws/lambda/{unique_name}"
    client.update_function_configuration(
        FunctionName=unique_name, DeadLetterConfig={"TargetArn": ""}
    )
    assert "DeadLetterConfig" not in client.get_function_configuration(FunctionName=unique_name)


def test_account_settings_count_the_regions_reservations(
    aws: Emulator, unique_name: str, role_arn: str
) -> None:
    """GetAccountSettings per region: the 1,000 default less what the region's functions reserve."""
    region = "eu-central-1"  # no other test makes functions here
    client = aws.client("lambda", region)
    before = client.get_account_settings()
    assert before["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert before["AccountLimit"]["CodeSizeZipped"] == 50 * 1024 * 1024
    client.create_function(
        FunctionName=unique_name,
        Runtime="python3.12",
        Role=role_arn,
        Handler="index.handler",
        Code={"ZipFile": zipped_handler()},
    )
    client.put_function_concurrency(FunctionName=unique_name, ReservedConcurrentExecutions=105)
    after = client.get_account_settings()
    assert after["AccountLimit"]["UnreservedConcurrentExecutions"] == (
        before["AccountLimit"]["UnreservedConcurrentExecutions"] - 105
    )
    assert after["AccountUsage"]["FunctionCount"] == before["AccountUsage"]["FunctionCount"] + 1
    other = aws.client("lambda", "ap-northeast-2").get_account_settings()  # per region, as in AWS
    assert other["AccountLimit"]["UnreservedConcurrentExecutions"] == 1000
