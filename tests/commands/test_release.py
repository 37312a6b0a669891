"""``drkit release`` on the command line: its exit codes and lines, its refusals, and the
AWS target's Lambda and CloudWatch calls against an in-process moto."""

from __future__ import annotations

import urllib.error

import boto3
import pytest
from moto import mock_aws

from drkit.commands import main
from drkit.commands import release as command
from drkit.deploy import release_targets
from drkit.deploy.release import Outcome, RegionResult, ReleaseReport
from drkit.deploy.release_targets import AwsTarget
from drkit.regions import DeploymentSpec, names
from tests.emulator.lambda_support import zipped_handler


def report(stopped: str) -> ReleaseReport:
    result = RegionResult(
        region="us-west-2",
        stack="drkit-usw2",
        outcome=Outcome.ROLLED_BACK if stopped else Outcome.RELEASED,
        before={"f": "1"},
        after={"f": "1" if stopped else "2"},
        tried={"f": "2"},
        detail="gate failed" if stopped else "gate passed",
    )
    return ReleaseReport(regions=(result,), probes=(), stopped=stopped)


@pytest.mark.parametrize(("stopped", "code"), [("us-west-2: gate failed", 1), ("", 0)])
def test_exit_1_when_a_region_rolled_back(monkeypatch, capsys, stopped, code):
    monkeypatch.setattr(command, "release_to_aws", lambda *a, **k: report(stopped))
    assert main(["release"]) == code
    out = capsys.readouterr().out
    assert out.startswith("Release, region by region:\n  us-west-2")
    assert ("release stopped: us-west-2" in out) is bool(stopped)


def test_a_folder_without_the_runtime_package_is_refused_naming_it(tmp_path, monkeypatch, capsys):
    assert main(["release", "--runtime", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--runtime" in err and "a folder holding the drkit_runtime package" in err
    monkeypatch.setenv("DRKIT_RUNTIME", str(tmp_path))
    assert main(["release"]) == 2
    assert "DRKIT_RUNTIME" in capsys.readouterr().err


def test_a_negative_bake_is_refused(capsys):
    assert main(["release", "--bake-seconds", "-1"]) == 2
    assert "from 0 and at most 3600" in capsys.readouterr().err


@pytest.fixture
def account(monkeypatch):
    """In-process moto with the default layout's us-west-2 functions at version 2 of 2."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    spec = DeploymentSpec.default()
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lambda_ = boto3.client("lambda", region_name="us-west-2")
        for purpose in names.FUNCTION_PURPOSES:
            name = names.FUNCTIONS[purpose].function(spec.namer, "us-west-2")
            lambda_.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=role,
                Handler="index.handler",
                Code={"ZipFile": zipped_handler()},
                Publish=True,
            )
            lambda_.update_function_configuration(FunctionName=name, Description="v2")
            lambda_.publish_version(FunctionName=name)
            lambda_.create_alias(FunctionName=name, Name=names.FUNCTION_ALIAS, FunctionVersion="2")
        yield AwsTarget(
            spec, lambda service, region: boto3.client(service, region_name=region), lambda _: None
        )


def test_aliases_are_read_and_moved(account):
    aliases = account.aliases("us-west-2")
    assert sorted(aliases) == sorted(
        names.FUNCTIONS[p].function(account.spec.namer, "us-west-2")
        for p in names.FUNCTION_PURPOSES
    )
    assert set(aliases.values()) == {"2"}
    account.move_aliases("us-west-2", dict.fromkeys(aliases, "1"))
    assert set(account.aliases("us-west-2").values()) == {"1"}
    assert account.aliases("us-east-1") == {}  # nothing deployed there


def test_only_the_deployment_s_alarms_in_alarm_count(account):
    cloudwatch = boto3.client("cloudwatch", region_name="us-west-2")
    for name in ("alarm-api-errors-usw2-dev", "alarm-api-errors-usw2-prod", "other-usw2-dev"):
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            MetricName="Errors",
            Namespace="AWS/Lambda",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )
        cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="test")
    cloudwatch.put_metric_alarm(
        AlarmName="alarm-api-5xx-usw2-dev",
        MetricName="5xx",
        Namespace="AWS/ApiGateway",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )  # OK: not firing
    assert account.alarms_firing("us-west-2") == ["alarm-api-errors-usw2-dev"]


def test_health_asks_the_region_s_own_name(account, monkeypatch):
    asked = []

    class Answer:
        status = 200

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(url, timeout):
        asked.append(url)
        if "usw2" in url:
            return Answer()
        raise urllib.error.HTTPError(url, 503, "Service Unavailable", {}, None)

    monkeypatch.setattr(release_targets.urllib.request, "urlopen", urlopen)
    assert account.health("us-west-2") == 200
    assert account.health("us-east-1") == 503
    assert asked == [
        "https://api-usw2.dr.example.com/health",
        "https://api-use1.dr.example.com/health",
    ]
    monkeypatch.setattr(
        release_targets.urllib.request,
        "urlopen",
        lambda url, timeout: (_ for _ in ()).throw(urllib.error.URLError("no such host")),
    )
    assert account.health("us-west-2") == release_targets.NO_ANSWER
