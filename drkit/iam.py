"""IAM policy statements as values, checked for least privilege when they are made.

Every policy drkit writes (identity policies, trust policies, key, bucket and
topic policies) is built from :class:`Statement`, so the least-privilege rules
hold by construction and a test can re-check them on the synthesized JSON.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from drkit.errors import MISSING, ComplianceError, SpecError, index_path, key_path

LEAST_PRIVILEGE = "least-privilege access control (HIPAA 164.312(a)(1), 164.308(a)(4))"

#: Actions that AWS only authorizes on ``"Resource": "*"``; each with the reason.
WILDCARD_RESOURCE_ACTIONS: Mapping[str, str] = MappingProxyType(
    {
        "ec2:CreateNetworkInterface": "Lambda VPC networking: ENIs do not exist before creation",
        "ec2:DescribeNetworkInterfaces": "Describe* calls support no resource-level permissions",
        "ec2:DeleteNetworkInterface": "Lambda VPC networking: the ENI ids are not known in advance",
        "ec2:AssignPrivateIpAddresses": "Lambda VPC networking: ENI ids are not known in advance",
        "ec2:UnassignPrivateIpAddresses": "Lambda VPC networking: ENI ids are not known in advance",
        "xray:PutTraceSegments": "X-Ray supports no resource-level permissions",
        "xray:PutTelemetryRecords": "X-Ray supports no resource-level permissions",
        "cloudwatch:PutMetricData": (
            "CloudWatch metrics have no ARNs; scoped by the cloudwatch:namespace condition"
        ),
        "dynamodb:ListStreams": "ListStreams supports no resource-level permissions",
    }
)

_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+\*?$")


def _tuple(value: Iterable[str] | str) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(kw_only=True)
class Statement:
    """One IAM policy statement.

    Attributes:
        sid: Statement id; says what the statement is for.
        actions: ``service:Action`` names; no bare ``*`` and no ``service:*``.
        resources: ARNs. ``*`` only in resource policies (``resource_policy``),
            where it means the resource itself, or for actions AWS authorizes
            only on ``*`` (see ``WILDCARD_RESOURCE_ACTIONS``).
        effect: ``Allow`` or ``Deny``.
        principals: For resource and trust policies: ``{"AWS": [...]}`` or
            ``{"Service": [...]}``; never ``*`` on an Allow.
        conditions: IAM condition block.
        resource_policy: This statement belongs to a resource policy (key,
            bucket, topic), where ``Resource`` may be the resource itself.
    """

    sid: str
    actions: tuple[str, ...] = attrs.field(converter=_tuple)
    resources: tuple[str, ...] = attrs.field(converter=_tuple, default=())
    effect: str = "Allow"
    principals: Mapping[str, tuple[str, ...]] | None = None
    conditions: Mapping[str, Mapping[str, Any]] | None = None
    resource_policy: bool = False

    def __attrs_post_init__(self) -> None:
        check_statement(self.to_dict(), resource_policy=self.resource_policy, trust=False)

    @classmethod
    def from_mapping(
        cls, raw: Mapping[str, Any], *, default_sid: str, field: str = "statement"
    ) -> Statement:
        """Build an identity-policy statement from IAM JSON (``Action``, ``Resource``, ...).

        Raises:
            SpecError: A key holds the wrong type (names ``field`` and the key's path).
            ComplianceError: The statement breaks least privilege (names the control).
        """
        check_shape(raw, field)
        check_statement(raw, resource_policy=False, trust=False)
        unknown = sorted(
            str(k) for k in set(raw) - {"Sid", "Effect", "Action", "Resource", "Condition"}
        )
        if unknown:
            raise ComplianceError(LEAST_PRIVILEGE, f"statement keys {unknown} are not allowed here")
        if not raw.get("Resource"):
            raise ComplianceError(
                LEAST_PRIVILEGE, f"statement {raw.get('Sid', default_sid)!r} names no Resource"
            )
        if "Action" not in raw:
            raise SpecError(key_path(field, "Action"), MISSING, "the actions the statement allows")
        return cls(
            sid=raw.get("Sid", default_sid),
            effect=raw.get("Effect", "Allow"),
            actions=_tuple(raw["Action"]),
            resources=_tuple(raw["Resource"]),
            conditions=raw.get("Condition"),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Sid": self.sid, "Effect": self.effect}
        if self.principals is not None:
            out["Principal"] = {k: _one_or_list(_tuple(v)) for k, v in self.principals.items()}
        out["Action"] = _one_or_list(self.actions)
        if self.resources:
            out["Resource"] = _one_or_list(self.resources)
        if self.conditions:
            out["Condition"] = {k: dict(v) for k, v in self.conditions.items()}
        return out


# The shapes below are the grammar's (AWS IAM User Guide, "Grammar of the IAM JSON policy
# language", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html):
# action and resource lists are strings, a condition value is a string, number or Boolean,
# and in IAM policies a Sid holds only A-Z, a-z and 0-9.
_SID = re.compile(r"[A-Za-z0-9]+")
_STRINGS = "a string or a non-empty array of strings"
_CONDITION_VALUES = "a string, number or boolean, or a non-empty array of them"


def check_shape(raw: Any, field: str) -> None:
    """Raise ``SpecError`` naming the path (``field.Action[1]``) if a statement's keys hold
    the wrong types; what the statement means is ``check_statement``'s concern."""
    if not isinstance(raw, Mapping):
        raise SpecError(field, raw, "an IAM statement table: Effect, Action, Resource, Condition")
    if "Sid" in raw and not (isinstance(raw["Sid"], str) and _SID.fullmatch(raw["Sid"])):
        raise SpecError(key_path(field, "Sid"), raw["Sid"], "letters and digits only (IAM's rule)")
    if "Effect" in raw and not (isinstance(raw["Effect"], str) and raw["Effect"] in _EFFECTS):
        raise SpecError(key_path(field, "Effect"), raw["Effect"], "'Allow' or 'Deny'")
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if key in raw:
            _check_strings(key_path(field, key), raw[key])
    if "Condition" in raw:
        _check_conditions(key_path(field, "Condition"), raw["Condition"])


_EFFECTS = ("Allow", "Deny")


def _check_strings(field: str, value: Any) -> None:
    if isinstance(value, str):
        return
    if not isinstance(value, (list, tuple)) or not value:
        raise SpecError(field, value, _STRINGS)
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise SpecError(index_path(field, i), item, "a string")


def _is_condition_value(value: Any) -> bool:
    return isinstance(value, (str, bool, int)) or (
        isinstance(value, float) and math.isfinite(value)
    )


def _check_conditions(field: str, value: Any) -> None:
    if not isinstance(value, Mapping) or not value:
        raise SpecError(field, value, "a table of condition operators, e.g. StringEquals")
    for operator, block in value.items():
        path = key_path(field, operator)
        if not isinstance(operator, str) or not re.fullmatch(r"[A-Za-z:]+", operator):
            raise SpecError(path, operator, "a condition operator such as StringEquals")
        if not isinstance(block, Mapping) or not block:
            raise SpecError(path, block, "a table of condition keys and their values")
        for key, values in block.items():
            at = key_path(path, key)
            if not isinstance(key, str) or not key:
                raise SpecError(at, key, "a condition key such as aws:SourceVpc")
            if isinstance(values, (list, tuple)):
                if not values:
                    raise SpecError(at, values, _CONDITION_VALUES)
                for i, item in enumerate(values):
                    if not _is_condition_value(item):
                        raise SpecError(index_path(at, i), item, _CONDITION_VALUES)
            elif not _is_condition_value(values):
                raise SpecError(at, values, _CONDITION_VALUES)


def _one_or_list(values: tuple[str, ...]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


def one_or_list(values: Iterable[str]) -> str | list[str]:
    """A condition or element value as IAM JSON writes it: one string, or a list of several."""
    return _one_or_list(tuple(values))


def sid(*parts: str) -> str:
    """A statement id from words and names: ``sid("DecryptReadsFrom", "us-west-2")`` is
    ``"DecryptReadsFromUsWest2"``. Statement ids allow only letters and digits."""
    words = re.split(r"[^A-Za-z0-9]+", " ".join(parts))
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def document(statements: Iterable[Statement | Mapping[str, Any]]) -> str:
    """A policy document's JSON (tokens inside are resolved by cdktf at synth)."""
    body = [s.to_dict() if isinstance(s, Statement) else dict(s) for s in statements]
    return json.dumps({"Version": "2012-10-17", "Statement": body}, separators=(",", ":"))


def trust_policy(
    principals: Mapping[str, Iterable[str]], conditions: Mapping[str, Any] | None = None
) -> str:
    """An assume-role policy letting exactly ``principals`` assume the role."""
    statement: dict[str, Any] = {
        "Sid": "AssumeRole",
        "Effect": "Allow",
        "Principal": {k: _one_or_list(_tuple(v)) for k, v in principals.items()},
        "Action": "sts:AssumeRole",
    }
    if conditions:
        statement["Condition"] = dict(conditions)
    check_statement(statement, resource_policy=False, trust=True)
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, separators=(",", ":"))


def _names_everyone(principal: Any) -> bool:
    """Whether a policy principal is missing, ``*``, or has ``*`` among its values."""
    return principal in (None, "*") or (
        isinstance(principal, Mapping) and any("*" in _tuple(v) for v in principal.values())
    )


def check_statement(statement: Mapping[str, Any], *, resource_policy: bool, trust: bool) -> None:
    """Raise ``ComplianceError`` if a statement breaks least privilege.

    Rules: no ``*`` or ``service:*`` action; an Allow on ``Resource: *`` only for
    actions AWS authorizes on ``*`` alone, or inside a resource policy; every
    principal of an Allow named (no ``*``); trust policies name their principals.
    Deny statements may be broad: they only take access away.
    """
    sid = statement.get("Sid", "<no sid>")
    actions = _tuple(statement.get("Action", ()))
    allow = statement.get("Effect", "Allow") == "Allow"
    if allow and (
        "NotAction" in statement or "NotResource" in statement or "NotPrincipal" in statement
    ):
        raise ComplianceError(
            LEAST_PRIVILEGE,
            f"statement {sid!r}: NotAction/NotResource/NotPrincipal grant by exclusion",
        )
    for action in actions:
        if allow and (action == "*" or action.endswith(":*") or not _ACTION.match(action)):
            raise ComplianceError(
                LEAST_PRIVILEGE,
                f"statement {sid!r} allows action {action!r}; name each action "
                "(service:Action), never '*' or 'service:*'",
            )
    resources = _tuple(statement.get("Resource", ()))
    if allow and "*" in resources and not resource_policy:
        loose = [a for a in actions if a not in WILDCARD_RESOURCE_ACTIONS]
        if loose:
            raise ComplianceError(
                LEAST_PRIVILEGE,
                f"statement {sid!r} allows {loose} on Resource '*'; scope them to this "
                "deployment's ARNs (only these actions may use '*': "
                + ", ".join(sorted(WILDCARD_RESOURCE_ACTIONS))
                + ")",
            )
    principal = statement.get("Principal")
    if allow and (resource_policy or trust) and _names_everyone(principal):
        raise ComplianceError(
            LEAST_PRIVILEGE,
            f"statement {sid!r} allows principal {principal!r}; name the principals",
        )
