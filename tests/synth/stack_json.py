"""A synthesized stack's JSON read the way the replay needs it.

Terraform references become the values AWS would give them (ARNs and names from the
synthesized names); event patterns are matched as EventBridge matches them; each Lambda function
comes with its environment and its role's statements, references resolved.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Any

import attrs

from drkit.regions.names import FUNCTION_ALIAS
from tests.helpers import (
    NAME_ATTRIBUTE,
    as_list,
    region_of,
    resources,
    role_logical,
    role_statements,
)

ACCOUNT = "123456789012"
PARTITION = "aws"
TOKEN = re.compile(r"\$\{([^{}]*)\}")
RESOURCE_NAME = r"[A-Za-z0-9_-]+"


def resolve(stack: dict[str, Any], text: str) -> str:
    """``text`` with Terraform references replaced by the plausible values AWS would give them.

    Account and partition become a test account; bucket, table and parameter ARNs and names
    become what AWS makes of the synthesized names. Anything else becomes
    ``<resource>-<attribute>``, a value that matches nothing the runtime names.
    """

    def value(match: re.Match[str]) -> str:
        parts = match[1].split(".")
        if parts[:2] == ["data", "aws_partition"]:
            return PARTITION
        if parts[:2] == ["data", "aws_caller_identity"]:
            return ACCOUNT
        if len(parts) == 3:
            kind, name, attribute = parts
            body = stack.get("resource", {}).get(kind, {}).get(name)
            known = _attributes(stack, kind, body) if body is not None else {}
            if attribute in known:
                return known[attribute]
            return f"{name}-{attribute}"
        return "unresolved"

    return TOKEN.sub(value, text)


def _attributes(stack: dict[str, Any], kind: str, body: dict[str, Any]) -> dict[str, str]:
    region = region_of(stack, body)
    if kind == "aws_s3_bucket":
        name = body["bucket"]
        return {"arn": f"arn:{PARTITION}:s3:::{name}", "id": name, "bucket": name}
    if kind == "aws_ssm_parameter":
        name = body["name"]
        arn = f"arn:{PARTITION}:ssm:{region}:{ACCOUNT}:parameter/{name.lstrip('/')}"
        return {"arn": arn, "name": name, "id": name}
    if kind == "aws_dynamodb_table":
        name = body["name"]
        return {"arn": f"arn:{PARTITION}:dynamodb:{region}:{ACCOUNT}:table/{name}", "name": name}
    return {}


def referenced(value: str, kind: str, stack: dict[str, Any] | None = None) -> str:
    """Logical name of the ``kind`` resource that ``value`` refers to: by a reference (also
    inside expressions), or, given the ``stack``, by its name or ARN (how a stack names
    another stack's resource)."""
    found = set(re.findall(rf"\b{kind}\.({RESOURCE_NAME})\.", value))
    if not found and kind == "aws_lambda_function" and stack is not None:
        # Callers invoke a function through its alias: by a reference to it, or its ARN.
        aliases = set(re.findall(rf"\baws_lambda_alias\.({RESOURCE_NAME})\.", value))
        if aliases:
            (alias,) = aliases
            return referenced(resources(stack, "aws_lambda_alias")[alias]["function_name"], kind)
        value = re.sub(rf":{FUNCTION_ALIAS}$", "", value)
    if not found and stack is not None and kind in NAME_ATTRIBUTE:
        name = re.split(r"[:/]", value)[-1]
        attribute = NAME_ATTRIBUTE[kind]  # tests.helpers
        found = {k for k, body in resources(stack, kind).items() if body[attribute] == name}
    assert len(found) == 1, f"{value} refers to {len(found)} {kind}"
    return found.pop()


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether ``event`` matches an EventBridge (or Lambda filter) pattern.

    Modelled: nested fields, lists of alternatives, exact values, ``prefix`` and
    ``anything-but`` a list of values (a missing field matches none). Any other operator
    fails the test rather than guessing.
    """
    for field, wanted in pattern.items():
        value = event.get(field) if isinstance(event, dict) else None
        if isinstance(wanted, dict):
            if not isinstance(value, dict) or not matches(wanted, value):
                return False
        elif not any(_matches_one(w, value) for w in wanted):
            return False
    return True


def _matches_one(wanted: Any, value: Any) -> bool:
    if isinstance(wanted, dict) and set(wanted) == {"anything-but"}:
        assert isinstance(wanted["anything-but"], list), f"not modelled here: {wanted}"
        return value is not None and value not in wanted["anything-but"]
    if isinstance(wanted, dict):
        assert set(wanted) == {"prefix"}, f"pattern operator not modelled here: {wanted}"
        return isinstance(value, str) and value.startswith(wanted["prefix"])
    return value == wanted


@attrs.frozen(kw_only=True)
class Function:
    """A synthesized Lambda function, as the replay runs it.

    Attributes:
        name: Its logical name in the JSON.
        region: Its provider's region.
        handler: The synthesized handler string.
        environment: Its variables, references resolved.
        statements: Every statement of its role's inline policies, references resolved.
    """

    name: str
    region: str
    handler: str
    environment: dict[str, str]
    statements: tuple[dict[str, Any], ...]

    def allows(self, action: str, resource: str, context: dict[str, Any]) -> bool:
        """Whether an Allow statement grants ``action`` on ``resource`` (StringEquals, and
        ForAllValues:StringLike: every value of the key matches a pattern; none, vacuously)."""
        for statement in self.statements:
            if statement["Effect"] != "Allow":
                continue
            if not any(fnmatchcase(action, a) for a in as_list(statement["Action"])):
                continue
            if not any(fnmatchcase(resource, r) for r in as_list(statement["Resource"])):
                continue
            conditions = statement.get("Condition", {})
            if set(conditions) - {"StringEquals", "ForAllValues:StringLike"}:
                continue
            equal = all(
                context.get(key) in as_list(wanted)
                for key, wanted in conditions.get("StringEquals", {}).items()
            )
            like = all(
                all(any(fnmatchcase(v, p) for p in as_list(wanted)) for v in context.get(key, []))
                for key, wanted in conditions.get("ForAllValues:StringLike", {}).items()
            )
            if equal and like:
                return True
        return False


def functions(stack: dict[str, Any]) -> dict[str, Function]:
    """Every synthesized Lambda function, by logical name."""
    found = {}
    for name, body in resources(stack, "aws_lambda_function").items():
        role = role_logical(stack, body["role"])
        found[name] = Function(
            name=name,
            region=region_of(stack, body),
            handler=body["handler"],
            environment={k: resolve(stack, v) for k, v in body["environment"]["variables"].items()},
            statements=tuple(
                {**s, "Resource": [resolve(stack, r) for r in as_list(s["Resource"])]}
                for s in role_statements(stack, role)
            ),
        )
    return found
