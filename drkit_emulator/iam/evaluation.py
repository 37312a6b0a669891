"""Policy evaluation as AWS documents it, for identity policies and S3 bucket policies.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
An explicit Deny in any policy wins; otherwise, within one account, an Allow in the
caller's identity policies or in the resource's policy (naming the caller) allows; else
the request is implicitly denied. A statement applies when its action, resource,
principal (resource policies only) and every condition match; a condition that does not
hold makes the statement not apply, never a Deny (moto 5.2.5 turns it into a Deny).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from drkit_emulator.iam.conditions import Context, conditions_hold, like


class Decision(enum.Enum):
    ALLOW = "allow"
    DENY = "deny"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Request:
    """What is being authorized.

    Attributes:
        action: The IAM action, ``service:Operation``.
        resource: The resource's ARN (``*`` for actions without one).
        principal: The caller's ARN as resource policies name it (a role, not its session).
        context: Condition keys and their values for this request.
    """

    action: str
    resource: str
    principal: str
    context: Context = field(default_factory=dict)


def decide(identity: Iterable[Any], resource_policy: Any, request: Request) -> Decision:
    """The verdict for ``request`` under the caller's policies and the resource's policy."""
    verdicts = [evaluate(document, request) for document in identity]
    if resource_policy:
        verdicts.append(evaluate(resource_policy, request, resource_policy=True))
    if Decision.DENY in verdicts:
        return Decision.DENY
    return Decision.ALLOW if Decision.ALLOW in verdicts else Decision.NEUTRAL


def decide_assume_role(identity: Iterable[Any], trust: Any, request: Request) -> Decision:
    """AssumeRole needs the role's trust policy to admit the caller: naming the caller
    admits it alone, naming its account leaves it to the caller's identity policies
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html)."""
    named = evaluate(trust, request, resource_policy=True)
    by_account = evaluate(trust, request, resource_policy=True, delegated=True)
    own = decide(identity, None, request)
    if Decision.DENY in (named, by_account, own):
        return Decision.DENY
    if named is Decision.ALLOW or (by_account is Decision.ALLOW and own is Decision.ALLOW):
        return Decision.ALLOW
    return Decision.NEUTRAL


def evaluate(
    document: Any, request: Request, *, resource_policy: bool = False, delegated: bool = False
) -> Decision:
    """One policy document's verdict: DENY if a Deny applies, ALLOW if an Allow does.
    ``delegated``: an Allow naming the caller's account applies (see :func:`_principal_applies`)."""
    parsed = json.loads(document) if isinstance(document, str | bytes) else document
    statements = parsed.get("Statement", [])
    verdict = Decision.NEUTRAL
    for statement in statements if isinstance(statements, list) else [statements]:
        if not _applies(statement, request, resource_policy=resource_policy, delegated=delegated):
            continue
        if statement.get("Effect") == "Deny":
            return Decision.DENY
        verdict = Decision.ALLOW
    return verdict


def _applies(
    statement: Mapping[str, Any], request: Request, *, resource_policy: bool, delegated: bool
) -> bool:
    if not _element_matches(statement, "Action", request.action.lower(), lower=True):
        return False
    if not _element_matches(statement, "Resource", request.resource, absent=True):
        return False
    if resource_policy and not _principal_applies(statement, request.principal, delegated):
        return False
    return conditions_hold(statement.get("Condition"), request.context)


def _element_matches(
    statement: Mapping[str, Any],
    name: str,
    value: str,
    *,
    lower: bool = False,
    absent: bool = False,
) -> bool:
    """``Action``/``NotAction`` (or ``Resource``/``NotResource``) against ``value``."""
    negated = f"Not{name}"
    if name not in statement and negated not in statement:
        return absent
    patterns = statement.get(name, statement.get(negated))
    listed = patterns if isinstance(patterns, list) else [patterns]
    hit = any(like(p.lower() if lower else p, value) for p in listed)
    return hit if name in statement else not hit


def _principal_applies(statement: Mapping[str, Any], principal: str, delegated: bool) -> bool:
    """``*``, ``{"AWS": "*"}`` or the caller's ARN; its account (root or bare id) only for a
    Deny: an Allow naming the account delegates to the account's identity policies
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
    """
    named = statement.get("Principal")
    if named == "*":
        return True
    if not isinstance(named, Mapping):
        return False
    listed = named.get("AWS", [])
    candidates = set(listed if isinstance(listed, list) else [listed])
    if candidates & {"*", principal}:
        return True
    account = principal.split(":")[4] if principal.count(":") >= 5 else ""
    by_account = bool(account) and bool(candidates & {account, f"arn:aws:iam::{account}:root"})
    return by_account and (delegated or statement.get("Effect") == "Deny")
