"""The emulator's policy evaluator against the cases AWS documents (condition operators,
absent keys, evaluation logic). Pure: no server, no moto."""

from __future__ import annotations

import json

import pytest

from drkit_emulator.iam.conditions import UnsupportedCondition, conditions_hold
from drkit_emulator.iam.evaluation import Decision, Request, decide, decide_assume_role, evaluate

ROLE = "arn:aws:iam::123456789012:role/api"
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/patient_records"

# (condition block, request context, holds?) from
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
CONDITIONS = [
    ({"StringEquals": {"k": "a"}}, {"k": "a"}, True),
    ({"StringEquals": {"k": "a"}}, {"K": "a"}, True),  # keys compare case-insensitively
    ({"StringEquals": {"k": "a"}}, {"k": "A"}, False),
    ({"StringEquals": {"k": ["a", "b"]}}, {"k": "b"}, True),
    ({"StringEquals": {"k": "a"}}, {}, False),  # absent key: no match
    ({"StringNotEquals": {"k": "a"}}, {}, True),  # absent key, negated: holds
    ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "b"}, False),
    ({"StringNotEqualsIfExists": {"k": "a"}}, {}, True),  # IfExists: absent holds
    ({"StringEqualsIfExists": {"k": "a"}}, {"k": "b"}, False),
    ({"StringLike": {"k": "a*c?"}}, {"k": "abbcd"}, True),
    ({"StringLike": {"k": "a.c"}}, {"k": "abc"}, False),  # '.' is literal
    ({"StringEqualsIgnoreCase": {"k": "ABC"}}, {"k": "abc"}, True),
    ({"ArnLike": {"k": "arn:aws:s3:::b/*"}}, {"k": "arn:aws:s3:::b/x"}, True),
    ({"ArnNotLike": {"k": "arn:aws:s3:::b/*"}}, {"k": "arn:aws:s3:::c/x"}, True),
    ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "true"}, False),
    ({"Bool": {"aws:SecureTransport": "false"}}, {}, False),
    ({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, {}, True),
    ({"NumericLessThan": {"s3:TlsVersion": "1.2"}}, {"s3:TlsVersion": "1.2"}, False),
    ({"NumericLessThan": {"s3:TlsVersion": "1.2"}}, {"s3:TlsVersion": "1.0"}, True),
    ({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, True),
    ({"NumericLessThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "11"}, False),
    ({"NumericGreaterThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, False),
    ({"NumericGreaterThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "11"}, True),
    ({"NumericGreaterThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, True),
    ({"NumericGreaterThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "9"}, False),
    ({"NumericEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10.0"}, True),  # as numbers
    ({"NumericNotEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, False),
    ({"NumericNotEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "9"}, True),
    # A JSON boolean in a policy is compared as "true"/"false", the way AWS writes it.
    ({"StringEquals": {"k": True}}, {"k": "true"}, True),
    ({"StringEquals": {"k": False}}, {"k": "False"}, False),
    ({"StringEquals": {"k": "Prod"}}, {"k": "Prod"}, True),  # only booleans are lowered
    ({"StringLike": {"k": "a*"}}, {"k": "a\nb"}, True),  # '*' spans line breaks too
    ({"Null": {"k": "true"}}, {}, True),
    ({"Null": {"k": "false"}}, {}, False),
    ({"Null": {"k": "false"}}, {"k": "x"}, True),
    ({"ForAllValues:StringEquals": {"k": ["a", "b"]}}, {"k": ["a"]}, True),
    ({"ForAllValues:StringEquals": {"k": ["a", "b"]}}, {"k": ["a", "c"]}, False),
    ({"ForAllValues:StringEquals": {"k": ["a"]}}, {}, True),  # vacuous
    ({"ForAnyValue:StringEquals": {"k": ["a"]}}, {"k": ["c", "a"]}, True),
    ({"ForAnyValue:StringEquals": {"k": ["a"]}}, {}, False),
    # Operators AND together, and keys under one operator too.
    ({"StringEquals": {"k": "a", "j": "b"}}, {"k": "a", "j": "c"}, False),
    ({"StringNotEquals": {"k": "a"}, "Null": {"k": "false"}}, {}, False),
    ({"StringNotEquals": {"k": "a"}, "Null": {"k": "false"}}, {"k": "b"}, True),
]


@pytest.mark.parametrize(("block", "context", "holds"), CONDITIONS)
def test_conditions_as_aws_documents_them(block, context, holds):
    assert conditions_hold(block, context) is holds


@pytest.mark.parametrize("operator", ["DateLessThan", "IpAddress", "BinaryEquals", "Weird"])
def test_an_operator_the_emulator_cannot_evaluate_is_refused_not_guessed(operator):
    with pytest.raises(UnsupportedCondition, match=operator):
        conditions_hold({operator: {"k": "v"}}, {"k": "v"})


def _policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _get(context=None, resource=TABLE, action="dynamodb:GetItem"):
    return Request(action=action, resource=resource, principal=ROLE, context=context or {})


ALLOW_GET = {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE}


def test_an_allow_whose_condition_fails_does_not_deny():
    """moto 5.2.5 returns DENIED here, so a second statement could never allow."""
    conditional = {**ALLOW_GET, "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}
    assert (
        evaluate(_policy(conditional), _get({"aws:RequestedRegion": "us-east-1"}))
        is Decision.NEUTRAL
    )
    assert evaluate(_policy(conditional, ALLOW_GET), _get()) is Decision.ALLOW


def test_an_explicit_deny_wins_over_any_allow():
    deny = {"Effect": "Deny", "Action": "dynamodb:*", "Resource": "*"}
    assert decide([_policy(ALLOW_GET), _policy(deny)], None, _get()) is Decision.DENY


def test_actions_match_case_insensitively_and_by_wildcard():
    assert evaluate(_policy({**ALLOW_GET, "Action": "DynamoDB:Get*"}), _get()) is Decision.ALLOW
    assert evaluate(_policy({**ALLOW_GET, "Action": "dynamodb:Put*"}), _get()) is Decision.NEUTRAL


def test_not_action_and_not_resource():
    everything_but = {
        "Effect": "Allow",
        "NotAction": "dynamodb:DeleteItem",
        "NotResource": "arn:aws:s3:::*",
    }
    assert evaluate(_policy(everything_but), _get()) is Decision.ALLOW
    assert evaluate(_policy(everything_but), _get(action="dynamodb:DeleteItem")) is Decision.NEUTRAL


def test_another_resource_is_not_granted():
    other = TABLE.replace("patient_records", "audit_logs")
    assert evaluate(_policy(ALLOW_GET), _get(resource=other)) is Decision.NEUTRAL
    assert evaluate(_policy(ALLOW_GET), _get(resource=TABLE + "/stream/x")) is Decision.NEUTRAL


BUCKET = "arn:aws:s3:::data"
OBJECT = f"{BUCKET}/k"


@pytest.mark.parametrize(
    ("principal", "applies"),
    [
        ("*", True),
        ({"AWS": "*"}, True),
        ({"AWS": ROLE}, True),
        ({"AWS": "arn:aws:iam::123456789012:root"}, True),  # a Deny on the account: everyone in it
        ({"AWS": "123456789012"}, True),
        ({"AWS": "arn:aws:iam::999999999999:root"}, False),
        ({"Service": "logging.s3.amazonaws.com"}, False),
    ],
)
def test_a_bucket_policy_applies_to_the_principals_it_names(principal, applies):
    statement = {
        "Effect": "Deny",
        "Principal": principal,
        "Action": "s3:GetObject",
        "Resource": f"{BUCKET}/*",
    }
    request = Request(action="s3:GetObject", resource=OBJECT, principal=ROLE)
    verdict = evaluate(_policy(statement), request, resource_policy=True)
    assert verdict is (Decision.DENY if applies else Decision.NEUTRAL)


def test_in_one_account_a_bucket_policy_allow_admits_without_an_identity_allow():
    grant = {
        "Effect": "Allow",
        "Principal": {"AWS": ROLE},
        "Action": "s3:GetObject",
        "Resource": f"{BUCKET}/*",
    }
    request = Request(action="s3:GetObject", resource=OBJECT, principal=ROLE)
    assert decide([], _policy(grant), request) is Decision.ALLOW
    assert decide([], None, request) is Decision.NEUTRAL


def test_an_allow_naming_the_account_delegates_to_the_caller_s_identity_policies():
    account = {**ALLOW_GET, "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}
    assert decide([], _policy(account), _get()) is Decision.NEUTRAL
    assert decide([_policy(ALLOW_GET)], _policy(account), _get()) is Decision.ALLOW


def test_the_transport_deny_drkit_puts_on_buckets_spares_tls_requests():
    deny = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [BUCKET, f"{BUCKET}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    tls = Request(
        action="s3:PutObject",
        resource=OBJECT,
        principal=ROLE,
        context={"aws:SecureTransport": "true"},
    )
    plain = Request(
        action="s3:PutObject",
        resource=OBJECT,
        principal=ROLE,
        context={"aws:SecureTransport": "false"},
    )
    assert evaluate(_policy(deny), tls, resource_policy=True) is Decision.NEUTRAL
    assert evaluate(_policy(deny), plain, resource_policy=True) is Decision.DENY


def test_assume_role_by_a_trust_naming_the_caller_or_its_account():
    """Naming the caller admits it alone; naming the account needs the caller's own Allow."""
    role = "arn:aws:iam::123456789012:role/operator"
    request = Request(action="sts:AssumeRole", resource=role, principal=ROLE)
    allow_assume = _policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role})

    def trust(principal):
        return _policy({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})

    assert decide_assume_role([], trust({"AWS": ROLE}), request) is Decision.ALLOW
    account = trust({"AWS": "arn:aws:iam::123456789012:root"})
    assert decide_assume_role([], account, request) is Decision.NEUTRAL
    assert decide_assume_role([allow_assume], account, request) is Decision.ALLOW
    lambda_only = trust({"Service": "lambda.amazonaws.com"})
    assert decide_assume_role([allow_assume], lambda_only, request) is Decision.NEUTRAL


def test_a_policy_given_as_json_text_is_read():
    """Policies arrive as the JSON text IAM stores: text and bytes decide as the parsed document."""
    text = json.dumps(_policy(ALLOW_GET))
    assert evaluate(text, _get()) is Decision.ALLOW
    assert evaluate(text.encode(), _get()) is Decision.ALLOW


def test_one_statement_given_without_a_list_is_evaluated():
    """``Statement`` may be a single object rather than a list, as IAM allows."""
    assert evaluate({"Statement": ALLOW_GET}, _get()) is Decision.ALLOW


def test_a_document_without_statements_decides_nothing():
    """No statements: neither allowed nor denied."""
    assert evaluate({"Version": "2012-10-17"}, _get()) is Decision.NEUTRAL


def test_a_statement_naming_no_action_grants_nothing():
    """A statement with neither Action nor NotAction matches no request."""
    assert evaluate(_policy({"Effect": "Allow", "Resource": "*"}), _get()) is Decision.NEUTRAL


def test_resources_match_case_sensitively():
    """ARNs are case-sensitive (actions are not): a grant on Reports/* is not one on reports/*."""
    grant = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/Reports/*"}
    upper = _get(resource="arn:aws:s3:::data/Reports/q1", action="s3:GetObject")
    lower = _get(resource="arn:aws:s3:::data/reports/q1", action="s3:GetObject")
    assert evaluate(_policy(grant), upper) is Decision.ALLOW
    assert evaluate(_policy(grant), lower) is Decision.NEUTRAL


@pytest.mark.parametrize("principal", [None, "arn:aws:iam::123456789012:role/api"])
def test_a_bucket_policy_statement_without_a_principal_object_applies_to_no_one(principal):
    """A resource-policy statement must name principals ("*" or an object such as {"AWS": ...});
    one without, or with a bare ARN, applies to no caller."""
    statement = {"Effect": "Deny", "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"}
    if principal is not None:
        statement["Principal"] = principal
    request = Request(action="s3:GetObject", resource=OBJECT, principal=ROLE)
    assert evaluate(_policy(statement), request, resource_policy=True) is Decision.NEUTRAL


def test_a_caller_that_is_no_arn_is_never_taken_for_an_account():
    """An anonymous caller ("*", no account in it) is not matched by a statement naming an
    account, and evaluating it does not fail."""
    statement = {
        "Effect": "Deny",
        "Principal": {"AWS": "123456789012"},
        "Action": "s3:GetObject",
        "Resource": f"{BUCKET}/*",
    }
    request = Request(action="s3:GetObject", resource=OBJECT, principal="*")
    assert evaluate(_policy(statement), request, resource_policy=True) is Decision.NEUTRAL
