"""What the API function's deployed role may not do, tried with its own session in the emulator
(and the one thing the canary's must never do: reach a patient record).

Each attempt is a call the runtime never makes and the access declaration does not grant;
the emulator (drkit_emulator.iam) must refuse every one. Together with the served requests
(drkit.deploy.serve) this shows both sides of the role: enough, and no more.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import attrs
import boto3
from botocore.exceptions import ClientError

from drkit.deploy.invoke import execution_credentials
from drkit.deploy.serve import Scenario
from drkit.regions import names
from drkit_runtime.contract import AUDIT_LOGS, PATIENT_RECORDS


@attrs.frozen(kw_only=True)
class Attempt:
    """One forbidden call and what the emulator answered.

    Attributes:
        region: The API function's region.
        attempt: What was tried.
        refused: Whether it was refused (it must be).
        answer: The error code, or ``allowed``.
    """

    region: str
    attempt: str
    refused: bool
    answer: str

    @property
    def line(self) -> str:
        verdict = "refused" if self.refused else "ALLOWED"
        return f"{self.region:<15} {self.attempt:<52} {verdict} ({self.answer})"


def denials(scenario: Scenario) -> list[Attempt]:
    """Try each forbidden call with the primary API function's role session."""
    spec, emulator = scenario.spec, scenario.emulator
    region, peer = spec.primary.region, spec.secondaries[0].region
    sessions = {
        purpose: _session(execution_credentials(emulator, scenario.function(purpose, region)))
        for purpose in ("api", "canary")
    }

    def client(service: str, where: str = region, purpose: str = "api") -> Any:
        return sessions[purpose].client(
            service, region_name=where, endpoint_url=emulator.endpoint_url
        )

    n = spec.namer
    attempts: dict[str, Callable[[], Any]] = {
        f"write a patient record into {peer}'s replica": lambda: client("dynamodb", peer).put_item(
            TableName=names.TABLES[PATIENT_RECORDS](n),
            Item={"record_id": {"S": "forbidden"}},
        ),
        "write an object into its region's data bucket": lambda: client("s3").put_object(
            Bucket=names.DATA_BUCKET(n, region), Key="forbidden", Body=b"x"
        ),
        "rewrite an audit entry (UpdateItem)": lambda: client("dynamodb").update_item(
            TableName=names.TABLES[AUDIT_LOGS](n),
            Key={"record_id": {"S": "any"}, "event_id": {"S": "any"}},
            UpdateExpression="SET outcome = :o",
            ExpressionAttributeValues={":o": {"S": "rewritten"}},
        ),
    }
    # Its own heartbeats only (dynamodb:LeadingKeys): not a patient's record.
    attempts["(the canary's role) read a patient record"] = lambda: client(
        "dynamodb", purpose="canary"
    ).get_item(TableName=names.TABLES[PATIENT_RECORDS](n), Key={"record_id": {"S": "p-demo"}})
    if spec.operator_principals:
        operator = f"arn:aws:iam::123456789012:role/{names.OPERATOR.role(n)}"
        attempts["assume the operator role"] = lambda: client("sts").assume_role(
            RoleArn=operator, RoleSessionName="forbidden"
        )
        # Drain switches and alarms only: no patient record.
        attempts["(the operator role) read a patient record"] = lambda: _as_person(
            scenario, spec.operator_principals[0], names.OPERATOR.role(n), region
        ).get_item(TableName=names.TABLES[PATIENT_RECORDS](n), Key={"record_id": {"S": "p-demo"}})
    return [_try(region, what, call) for what, call in attempts.items()]


def break_glass_read(scenario: Scenario, record_id: str) -> Attempt:
    """Read ``record_id`` in the primary with the break-glass role, as its first person
    (it must be allowed)."""
    spec = scenario.spec
    region, n = spec.primary.region, spec.namer
    table = names.TABLES[PATIENT_RECORDS](n)
    person = spec.break_glass_principals[0]
    client = _as_person(scenario, person, names.BREAK_GLASS.role(n), region)
    attempt = _try(
        region,
        "(the break-glass role) read a patient record",
        lambda: client.get_item(TableName=table, Key={"record_id": {"S": record_id}})["Item"],
    )
    return attempt


def _as_person(scenario: Scenario, person: str, role_name: str, region: str) -> Any:
    """A DynamoDB client of a session of ``role_name`` (a people's role), assumed with an
    MFA device and code by ``person`` (an IAM role of the layout's, made here if missing,
    which the deployer assumes first)."""
    emulator = scenario.emulator
    arn = f"arn:aws:iam::123456789012:role/{role_name}"
    person_session = _session(_person(scenario, person, arn, region))
    mfa = {"SerialNumber": "arn:aws:iam::123456789012:mfa/person", "TokenCode": "123456"}
    credentials = person_session.client(
        "sts", region_name=region, endpoint_url=emulator.endpoint_url
    ).assume_role(RoleArn=arn, RoleSessionName="drkit-e2e", **mfa)["Credentials"]
    return _session(credentials).client(
        "dynamodb", region_name=region, endpoint_url=emulator.endpoint_url
    )


def _person(scenario: Scenario, person: str, target: str, region: str) -> dict[str, str]:
    """Credentials of ``person`` (a role the account trusts), allowed to assume ``target``."""
    iam = scenario.emulator.client("iam", region)
    name = person.rsplit("/", 1)[-1]
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}  # fmt: skip
    with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Resource": target}]}  # fmt: skip
    iam.put_role_policy(RoleName=name, PolicyName=f"assume-{target.rsplit('/', 1)[-1]}",
                        PolicyDocument=json.dumps(allow))  # fmt: skip
    sts = scenario.emulator.client("sts", region)
    answer: dict[str, str] = sts.assume_role(RoleArn=person, RoleSessionName="person")[
        "Credentials"
    ]
    return answer


def _session(credentials: dict[str, str]) -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def _try(region: str, what: str, call: Callable[[], Any]) -> Attempt:
    try:
        call()
    except ClientError as err:
        code = str(err.response.get("Error", {}).get("Code") or "ClientError")
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        refused = status == 403 or "AccessDenied" in code
        return Attempt(region=region, attempt=what, refused=refused, answer=code)
    return Attempt(region=region, attempt=what, refused=False, answer="allowed")
