"""What each function was seen to call in the runtime tests: the oracle for access.py.

``OBSERVED`` is kept by hand, as data: each row is an IAM action on a target of one kind, in
one scope, that the runtime tests saw a function's code make (``translate`` turns a recorded
call into its rows). The tests hold it against both sides: every call the runtime tests
record has its row here (tests/runtime/conftest.py), a tour of every handler's paths makes
every row (tests/runtime/test_observed_calls.py), and the declaration in
drkit_runtime/access.py, which the stack grants from, is exactly these rows. A declaration
widened or narrowed without a call to match fails ``make test-fast``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from drkit_runtime import access
from drkit_runtime.access import Kind, Scope
from drkit_runtime.contract import (
    AUDIT_LOGS,
    AUDIT_NAMESPACE,
    CANARY_OBJECT_PREFIX,
    METRIC_NAMESPACE,
    PATIENT_RECORDS,
    WATCH_NAMESPACE,
)
from tests.runtime.recorder import AwsCall


@dataclass(frozen=True, order=True)
class Use:
    """One IAM action on one target, as access.Call declares it.

    Attributes:
        action: The IAM action, ``service:Action``.
        kind: What it touches.
        name: The target's name (a logical table, a key pattern, a namespace); "" for none.
        scope: Where the target is.
    """

    action: str
    kind: Kind
    name: str
    scope: Scope


OWN_OBJECT = CANARY_OBJECT_PREFIX + "{region}/*"
ANY_CANARY_OBJECT = CANARY_OBJECT_PREFIX + "*"

#: Function -> every use its code was seen to make (the platform's own calls, such as its
#: logs and network interfaces, and the denials are not calls the code makes).
OBSERVED: Mapping[str, frozenset[Use]] = {
    "api": frozenset(
        {
            Use("dynamodb:GetItem", Kind.TABLE, PATIENT_RECORDS, Scope.OWN),
            Use("dynamodb:PutItem", Kind.TABLE, PATIENT_RECORDS, Scope.OWN),
            Use("dynamodb:PutItem", Kind.TABLE, AUDIT_LOGS, Scope.OWN),
            Use("dynamodb:GetItem", Kind.TABLE, AUDIT_LOGS, Scope.OWN),
            Use("ssm:GetParameter", Kind.PEER_ENDPOINTS, "", Scope.OWN),
            Use("dynamodb:GetItem", Kind.TABLE, PATIENT_RECORDS, Scope.PEER),
            Use("cloudwatch:PutMetricData", Kind.METRICS, AUDIT_NAMESPACE, Scope.OWN),
        }
    ),
    "health": frozenset(
        {
            Use("ssm:GetParameter", Kind.DRAIN_SWITCH, "", Scope.OWN),
            Use("dynamodb:GetItem", Kind.TABLE, PATIENT_RECORDS, Scope.OWN),
            Use("dynamodb:PutItem", Kind.TABLE, PATIENT_RECORDS, Scope.OWN),
            Use("dynamodb:PutItem", Kind.TABLE, AUDIT_LOGS, Scope.OWN),
        }
    ),
    "canary": frozenset(
        {
            Use("ssm:GetParameter", Kind.PEER_ENDPOINTS, "", Scope.OWN),
            Use("dynamodb:GetItem", Kind.TABLE, PATIENT_RECORDS, Scope.OWN),
            Use("dynamodb:PutItem", Kind.TABLE, PATIENT_RECORDS, Scope.OWN),
            Use("dynamodb:GetItem", Kind.TABLE, AUDIT_LOGS, Scope.OWN),
            Use("dynamodb:PutItem", Kind.TABLE, AUDIT_LOGS, Scope.OWN),
            Use("s3:PutObject", Kind.OBJECTS, OWN_OBJECT, Scope.OWN),
            Use("s3:GetObject", Kind.OBJECTS, ANY_CANARY_OBJECT, Scope.OWN),
            Use("s3:GetObjectVersion", Kind.OBJECTS, ANY_CANARY_OBJECT, Scope.OWN),
            Use("s3:GetObject", Kind.OBJECTS, OWN_OBJECT, Scope.PEER),
            Use("cloudwatch:PutMetricData", Kind.METRICS, METRIC_NAMESPACE, Scope.OWN),
        }
    ),
    "watcher": frozenset(
        {Use("cloudwatch:PutMetricData", Kind.METRICS, WATCH_NAMESPACE, Scope.PUBLIC)}
    ),
    "auditor": frozenset(
        {
            Use("dynamodb:Query", Kind.TABLE, AUDIT_LOGS, Scope.OWN),
            Use("dynamodb:BatchGetItem", Kind.TABLE, AUDIT_LOGS, Scope.OWN),
            Use("cloudwatch:PutMetricData", Kind.METRICS, AUDIT_NAMESPACE, Scope.OWN),
        }
    ),
}


def declared(function: str) -> frozenset[Use]:
    """The uses access.py grants ``function``'s code (neither the platform's nor denials)."""
    return frozenset(
        Use(action, call.target.kind, call.target.name, call.scope)
        for call in access.FUNCTIONS[function]
        if call.scope is not Scope.PLATFORM and not call.deny
        for action in call.actions
    )


# ----- from a recorded call to its uses ---------------------------------------------------
#: An API operation -> the IAM action it needs, where the names differ.
_ACTION_OF = {("s3", "HeadBucket"): "s3:ListBucket"}
#: How a transaction's item names the action it needs (TransactWriteItems authorizes each).
_TRANSACT_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}


def translate(
    call: AwsCall,
    *,
    own_region: str,
    tables: Mapping[str, str],
    parameters: Mapping[str, Kind],
) -> Iterator[Use]:
    """The uses one recorded call makes; ``tables`` maps physical table names to logical,
    ``parameters`` SSM parameter names to what they are (the drain switch, the peers'
    endpoints)."""
    scope = _scope(call, own_region)
    if call.service == "dynamodb" and call.operation == "TransactWriteItems":
        for item in call.params["TransactItems"]:
            ((kind, request),) = item.items()
            yield Use(_TRANSACT_ACTIONS[kind], Kind.TABLE, tables[request["TableName"]], scope)
        return
    if call.service == "dynamodb" and call.operation == "BatchGetItem":
        for name in call.params["RequestItems"]:
            yield Use("dynamodb:BatchGetItem", Kind.TABLE, tables[name], scope)
        return
    action = f"{call.service}:{call.operation}"
    if call.service == "s3" and call.operation == "GetObject" and call.params.get("VersionId"):
        action = "s3:GetObjectVersion"  # reading a named version needs its own action
    action = _ACTION_OF.get((call.service, call.operation)) or action
    yield Use(action, *_target(call, tables, parameters), scope)


def _scope(call: AwsCall, own_region: str) -> Scope:
    if call.function == "watcher":  # outside any VPC: its own region's public endpoints
        return Scope.PUBLIC
    return Scope.OWN if call.region == own_region else Scope.PEER


def _target(
    call: AwsCall, tables: Mapping[str, str], parameters: Mapping[str, Kind]
) -> tuple[Kind, str]:
    params = call.params
    if call.service == "dynamodb":
        return Kind.TABLE, tables[params["TableName"]]
    if call.service == "ssm":
        return parameters[params["Name"]], ""
    if call.service == "cloudwatch":
        return Kind.METRICS, params["Namespace"]
    if "Key" not in params:
        return Kind.BUCKET, ""
    # The bucket's own region's canary object, another region's, or (never declared) any
    # other key, named as it is.
    key = params["Key"]
    if key.startswith(f"{CANARY_OBJECT_PREFIX}{call.region}/"):
        return Kind.OBJECTS, OWN_OBJECT
    return Kind.OBJECTS, ANY_CANARY_OBJECT if key.startswith(CANARY_OBJECT_PREFIX) else key
