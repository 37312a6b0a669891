"""The break-glass role: people only, a fresh MFA sign-in, read-only PHI in every region, and
a rule in every region alerting each assumption; without break-glass principals, none."""

from __future__ import annotations

import json

import attrs
import pytest

from drkit.regions import names
from drkit.services.events import BREAK_GLASS_FIELDS
from drkit_runtime.contract import RESERVED_PREFIX
from tests.helpers import resources, role_logical, synth_json

pytestmark = pytest.mark.synth

PEOPLE = ("arn:aws:iam::111122223333:role/dr-breakglass",)
#: Every write a role could make to a table or a bucket.
WRITES = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:TransactWriteItems",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
}


@pytest.fixture(scope="module")
def glass(default_spec):
    spec = attrs.evolve(default_spec, break_glass_principals=PEOPLE)
    return spec, synth_json(spec)


def _role(stack, purpose):
    found = {n: b for n, b in resources(stack, "aws_iam_role").items() if purpose in n}
    assert len(found) == 1, sorted(found)
    return next(iter(found.items()))


def _role_name(stack, body):
    """The name of the role a role policy belongs to."""
    return resources(stack, "aws_iam_role")[role_logical(stack, body["role"])]["name"]


def _policy(stack, role_name):
    (body,) = [
        b for b in resources(stack, "aws_iam_role_policy").values()
        if _role_name(stack, b) == role_name
    ]  # fmt: skip
    return json.loads(body["policy"])["Statement"]


def _actions(statements):
    return {a for st in statements for a in _listed(st["Action"])}


def _listed(value):
    return [value] if isinstance(value, str) else value


def test_the_role_trusts_only_its_people_with_a_fresh_mfa_sign_in(glass):
    spec, stack = glass
    _, role = _role(stack, "breakglass")
    assert role["name"] == names.BREAK_GLASS.role(spec.namer, None)
    [statement] = json.loads(role["assume_role_policy"])["Statement"]
    assert statement["Principal"] == {"AWS": PEOPLE[0]}
    assert statement["Condition"] == {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "900"},
    }


def test_it_reads_records_audit_and_objects_everywhere_and_writes_nothing(glass):
    spec, stack = glass
    statements = _policy(stack, names.BREAK_GLASS.role(spec.namer, None))
    assert _actions(statements) == {
        "dynamodb:GetItem",
        "dynamodb:Query",
        "s3:GetObject",
        "s3:GetObjectVersion",
        "kms:Decrypt",
    }
    tables = {r for st in statements if st["Sid"] == "ReadRecordsAndAudit" for r in st["Resource"]}
    objects = {r for st in statements if st["Sid"] == "ReadPatientObjects" for r in st["Resource"]}
    for region in (r.region for r in spec.regions):
        for table in names.TABLES.values():
            assert any(f":dynamodb:{region}:" in t and t.endswith(f":table/{table(spec.namer)}")
                       for t in tables), (region, table)  # fmt: skip
        assert any(o.endswith(f":::{names.DATA_BUCKET(spec.namer, region)}/*") for o in objects)


def test_no_role_but_the_api_functions_writes_audit_entries(glass):
    """Every role's inline policy, the people's included: a write to the audit table is the
    API functions' alone; the health check and the canary write only their own reserved
    items there (dynamodb:LeadingKeys under drkit's prefix, which no record id may take)."""
    spec, stack = glass
    audit = names.TABLES["audit_logs"](spec.namer)
    api_roles = {names.FUNCTIONS["api"].role(spec.namer, r.region) for r in spec.regions}
    writers, reserved = set(), set()
    for body in resources(stack, "aws_iam_role_policy").values():
        for st in json.loads(body["policy"])["Statement"]:
            granted = _actions([st]) & WRITES
            if st["Effect"] != "Allow" or not granted:
                continue
            if not any(r.endswith(f"table/{audit}") for r in _listed(st["Resource"])):
                continue
            keys = (st.get("Condition") or {}).get("ForAllValues:StringLike", {})
            keys = _listed(keys.get("dynamodb:LeadingKeys", []))
            if keys and all(k.startswith(RESERVED_PREFIX) for k in keys):
                reserved.add(_role_name(stack, body))
            else:
                writers.add(_role_name(stack, body))
    assert writers == api_roles, sorted(writers ^ api_roles)
    assert reserved == {
        names.FUNCTIONS[p].role(spec.namer, r.region)
        for p in ("health", "canary")
        for r in spec.regions
    }


def test_every_region_alerts_each_assumption_to_its_own_topic(glass):
    spec, stack = glass
    role_name = names.BREAK_GLASS.role(spec.namer, None)
    rules = {
        n: b for n, b in resources(stack, "aws_cloudwatch_event_rule").items() if "break-glass" in n
    }
    assert {b["name"] for b in rules.values()} == {
        names.BREAK_GLASS_WATCH(spec.namer, r.region) for r in spec.regions
    }
    for name, rule in rules.items():
        pattern = json.loads(rule["event_pattern"])
        assert pattern["source"] == ["aws.sts"]
        assert pattern["detail"]["eventName"] == ["AssumeRole"]
        [arn] = pattern["detail"]["requestParameters"]["roleArn"]
        assert arn.endswith(
            f":iam::${{data.aws_caller_identity.account.account_id}}:role/{role_name}"
        )
        [target] = [
            t for t in resources(stack, "aws_cloudwatch_event_target").values() if name in t["rule"]
        ]
        assert "alert" in target["arn"] and set(target["input_transformer"]["input_paths"]) == set(
            BREAK_GLASS_FIELDS
        )


def test_without_people_there_is_no_role_and_no_rule(default_stack):
    assert not [n for n in resources(default_stack, "aws_iam_role") if "breakglass" in n]
    assert not [
        n for n in resources(default_stack, "aws_cloudwatch_event_rule") if "break-glass" in n
    ]
