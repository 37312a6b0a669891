"""Access in both directions: every function is granted exactly what it declares, and every
declared call has a network path (own region through the VPC's endpoints, a peer region
through that region's interface endpoint over peering). Also: no function can assume a role,
every service principal is scoped to this deployment, and no dependency is dropped."""

from __future__ import annotations

import copy
import json
import re

import attrs
import pytest

from drkit import compliance
from drkit_emulator.iam.evaluation import Decision, Request, evaluate
from tests.helpers import all_resources, resources, role_logical, synth_json
from tests.synth import access_checks as checks

pytestmark = pytest.mark.synth

ACCOUNT = "123456789012"


@pytest.fixture(params=["default", "three"])
def case(request, default_spec, default_stack, three_region_spec, three_region_stack):
    if request.param == "default":
        return checks.Stack(default_spec, default_stack)
    return checks.Stack(three_region_spec, three_region_stack)


def test_every_function_is_granted_exactly_its_declaration(case):
    """Nothing missing, nothing extra, '*' only for actions AWS authorizes on '*' alone."""
    assert checks.policy_findings(case) == []


def test_every_key_use_is_granted_by_the_key_too(case):
    """Each key statement in a function's policy has its half in that key's policy."""
    assert checks.key_policy_findings(case) == []


def test_every_declared_call_has_a_network_path(case):
    """Endpoint, endpoint policy, security-group rules, routes and the endpoint's name."""
    assert checks.path_findings(case) == []


# Random layouts of 2-5 regions: tests/synth/test_random_layouts.py
# runs these checks on the synthesis it makes for every property.


# ----- the checks catch a broken stack --------------------------------------------------------


def _broken(case: checks.Stack) -> checks.Stack:
    return checks.Stack(case.spec, copy.deepcopy(case.json))


def test_the_canary_reaches_its_heartbeats_and_no_patient_record_or_audit_entry(case):
    """The canary's table statements hold ``dynamodb:LeadingKeys`` to the heartbeats' keys:
    its heartbeat items allowed, a patient record's or an audit entry's partition not."""
    body = next(
        b
        for n, b in resources(case.json, "aws_iam_role_policy").items()
        if "us-east-1-canary_" in n
    )
    text = body["policy"].replace("${data.aws_partition.partition.partition}", "aws")
    policy = json.loads(text.replace("${data.aws_caller_identity.account.account_id}", ACCOUNT))
    tables = {
        name: f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/ddb-{name}-{case.spec.namer.suffix}"
        for name in ("patient_records", "audit_logs")
    }
    for table in tables.values():
        for key, allowed in (("__drkit_heartbeat__#us-west-2", True), ("p-123", False)):
            for action in ("dynamodb:GetItem", "dynamodb:PutItem"):
                request = Request(
                    action=action,
                    resource=table,
                    principal=f"arn:aws:iam::{ACCOUNT}:role/canary",
                    context={"dynamodb:LeadingKeys": [key]},
                )
                verdict = evaluate(policy, request)
                assert (verdict is Decision.ALLOW) is allowed, (table, key, action, verdict)


def _api_policy(stack: checks.Stack) -> dict:
    """The primary's API function's inline policy (in the IAM stack: ``<region>-api``)."""
    return next(
        b for n, b in resources(stack.json, "aws_iam_role_policy").items() if "us-east-1-api_" in n
    )


def _edit_policy(body: dict, attribute: str, change) -> None:
    document = json.loads(body[attribute])
    change(document["Statement"])
    body[attribute] = json.dumps(document)


def test_a_removed_statement_is_caught(default_spec, default_stack):
    stack = _broken(checks.Stack(default_spec, default_stack))
    _edit_policy(_api_policy(stack), "policy", lambda sts: sts.pop(5))
    assert checks.policy_findings(stack)


def test_an_added_wildcard_is_caught(default_spec, default_stack):
    stack = _broken(checks.Stack(default_spec, default_stack))
    wild = {"Sid": "Wide", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}
    _edit_policy(_api_policy(stack), "policy", lambda sts: sts.append(wild))
    assert any("on '*'" in f for f in checks.policy_findings(stack))


def test_a_removed_key_grant_is_caught(default_spec, default_stack):
    stack = _broken(checks.Stack(default_spec, default_stack))
    primary = stack.key_of_alias(stack.key_alias(default_spec.primary.region))
    key = resources(stack.json, "aws_kms_key")[primary]
    _edit_policy(
        key, "policy", lambda sts: [sts.remove(s) for s in list(sts) if "RoleApi" in s["Sid"]]
    )
    assert checks.key_policy_findings(stack)


@pytest.mark.parametrize(
    ("rtype", "marker"),
    [
        ("aws_vpc_endpoint", "endpoint-peer-dynamodb"),
        ("aws_vpc_endpoint", "endpoint-ssm"),
        ("aws_vpc_endpoint", "endpoint-dynamodb"),
        ("aws_vpc_security_group_ingress_rule", "peerendpoints-in"),
        ("aws_vpc_security_group_egress_rule", "workload-out-peer"),
        ("aws_route", "route-use1"),
    ],
)
def test_a_removed_network_piece_is_caught(default_spec, default_stack, rtype, marker):
    """Take away one endpoint, rule or route and some declared call has no path left."""
    stack = _broken(checks.Stack(default_spec, default_stack))
    items = resources(stack.json, rtype)
    doomed = [n for n in items if marker in n]
    assert doomed, marker
    del items[doomed[0]]
    assert checks.path_findings(stack)


# ----- roles, principals and dependencies ------------------------------------------------------


def test_no_role_is_assumable_by_a_function_role(case):
    """No trust policy names a function's role, and no function may call sts:AssumeRole."""
    function_roles = {b["role"] for _, _, _, b in case.functions()}
    for name, body in resources(case.json, "aws_iam_role").items():
        trusted = json.loads(body["assume_role_policy"])["Statement"]
        named = {p for st in trusted for p in checks._as_list(st["Principal"].get("AWS"))}
        assert not named & function_roles, name
    for _, _, name, body in case.functions():
        for st in case.role_policies(role_logical(case.json, body["role"])):
            assert "sts:AssumeRole" not in checks._as_list(st["Action"]), name


def test_the_operator_role_is_for_people_with_mfa(default_spec):
    """The operator role trusts exactly the spec's people, only with MFA (none named: no role)."""
    people = ("arn:aws:iam::111122223333:role/dr-operators",)
    stack = synth_json(attrs.evolve(default_spec, operator_principals=people))
    body = next(b for n, b in resources(stack, "aws_iam_role").items() if "operator" in n)
    [statement] = json.loads(body["assume_role_policy"])["Statement"]
    assert statement["Principal"] == {"AWS": people[0]}
    assert statement["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_no_operator_role_without_people(case):
    assert not [n for n in resources(case.json, "aws_iam_role") if "operator" in n]


def test_every_service_principal_is_scoped_to_this_deployment(case):
    """aws:SourceArn or aws:SourceAccount on every service principal, but for AWS's exceptions."""
    assert compliance.confused_deputy_findings(case.json) == []


def test_an_unscoped_service_principal_is_caught(default_spec, default_stack):
    stack = _broken(checks.Stack(default_spec, default_stack))
    primary = stack.key_of_alias(stack.key_alias(default_spec.primary.region))
    key = resources(stack.json, "aws_kms_key")[primary]

    def unscope(statements):
        for st in statements:
            if st["Sid"] == "CloudWatchAlarmsToEncryptedTopics":
                del st["Condition"]

    _edit_policy(key, "policy", unscope)
    assert compliance.confused_deputy_findings(stack.json)


def test_no_dependency_is_dropped(case):
    """cdktf writes an empty depends_on when handed a construct that is not a resource."""
    empty = [(t, n) for t, n, b in all_resources(case.json) if b.get("depends_on") == []]
    assert empty == []


UPLOAD_HEADERS = {
    "none (the bucket's default key)": ({}, Decision.NEUTRAL),
    "the bucket's key": ({"aws:kms": "${KEY}"}, Decision.NEUTRAL),
    "KMS, no key named": ({"aws:kms": None}, Decision.NEUTRAL),
    "SSE-S3": ({"AES256": None}, Decision.DENY),
    "another key": ({"aws:kms": "arn:aws:kms:us-east-1:111122223333:key/other"}, Decision.DENY),
}


@pytest.mark.parametrize("named", list(UPLOAD_HEADERS))
def test_data_buckets_refuse_uploads_naming_another_encryption(case, named):
    """Each data bucket's policy, evaluated as AWS documents it, refuses an upload naming
    another encryption or key and admits one naming none (the canary's)."""
    headers, expected = UPLOAD_HEADERS[named]
    for name, body in resources(case.json, "aws_s3_bucket_policy").items():
        if not re.match(r"[a-z]+-[a-z]+-\d_bucket_policy_", name):
            continue  # not a region's data bucket
        policy = json.loads(body["policy"])
        bucket = policy["Statement"][0]["Resource"][0]
        key = next(
            s["Condition"]["StringNotEquals"]["s3:x-amz-server-side-encryption-aws-kms-key-id"]
            for s in policy["Statement"]
            if s["Sid"] == "DenyUploadsNamingAnotherKey"
        )
        context = {"aws:SecureTransport": "true", "s3:TlsVersion": "1.2"}
        for encryption, key_id in headers.items():
            context["s3:x-amz-server-side-encryption"] = encryption
            if key_id:
                context["s3:x-amz-server-side-encryption-aws-kms-key-id"] = key_id.replace(
                    "${KEY}", key
                )
        upload = Request(
            action="s3:PutObject",
            resource=f"{bucket}/drkit-canary/us-east-1/latest.json",
            principal="arn:aws:iam::123456789012:role/canary",
            context=context,
        )
        assert evaluate(policy, upload, resource_policy=True) is expected, (name, named)
