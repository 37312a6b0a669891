"""What AWS authorizes for a request: action, resource ARN and condition context, per service."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NoReturn

from moto.core.exceptions import JsonRESTError
from moto.dynamodb.exceptions import ResourceNotFoundException
from moto.dynamodb.models import dynamodb_backends
from moto.iam.access_control import IAMRequestBase, PermissionResult
from moto.iam.models import Policy, iam_backends
from moto.s3.models import FakeBucket, s3_backends

from drkit_emulator.iam.conditions import UnsupportedCondition
from drkit_emulator.iam.evaluation import Decision, Request, decide, decide_assume_role

#: One thing to authorize: (IAM action, resource ARN, condition context).
Check = tuple[str, str, dict[str, Any]]

#: Signing names whose IAM prefix differs.
IAM_PREFIX = {"monitoring": "cloudwatch"}
#: DynamoDB transaction and batch items -> the action AWS authorizes for each.
TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
#: S3 operations whose IAM action has another name.
S3_ACTIONS = {"HeadBucket": "ListBucket", "HeadObject": "GetObject", "ListObjects": "ListBucket"}
#: Services whose errors are JSON (``AccessDeniedException``); the others answer in XML.
JSON_SERVICES = ("dynamodb", "ssm")
#: S3 request headers that are condition keys (``s3:<header>``) when sent.
S3_HEADER_KEYS = ("x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id")
#: How requests reach AWS: the SDKs speak HTTPS, TLS 1.2 at least (AWS's floor). Requests
#: reach the emulator over plain HTTP on the loopback, which says nothing of that.
TRANSPORT_CONTEXT = {"aws:SecureTransport": "true", "s3:TlsVersion": "1.2"}


def install_authorizer() -> None:
    """Route ``check_action_permitted`` through :func:`checks_for` where it knows the service;
    check that the signing key exists, not the signature."""
    original = IAMRequestBase.check_action_permitted
    if getattr(original, "__drkit__", False):
        return
    # moto recomputes SigV4 signatures and gets some wrong (GET requests of REST-JSON APIs,
    # such as Lambda's GetFunctionConfiguration, which Terraform makes); the key itself was
    # already looked up when the request was built, and an unknown key is refused there.
    IAMRequestBase.check_signature = lambda self: None  # type: ignore[method-assign]
    # Bucket policies are evaluated with the caller's policies below; moto's own check of
    # them (object requests only) reads every unknown condition operator as met.
    FakeBucket.get_permission = lambda self, action, resource: PermissionResult.NEUTRAL  # type: ignore[method-assign]

    def check_action_permitted(self: IAMRequestBase, resource: str) -> None:
        checks = checks_for(self, resource)
        if checks is None:
            return original(self, resource)
        for action, arn, context in checks:
            _authorize(self, action, arn, context)
        return None

    check_action_permitted.__drkit__ = True  # type: ignore[attr-defined]
    IAMRequestBase.check_action_permitted = check_action_permitted  # type: ignore[method-assign]


def checks_for(request: IAMRequestBase, resource: str) -> list[Check] | None:
    """What AWS would authorize for ``request``, or None to leave it to moto."""
    service, operation = request._action.split(":", 1)
    derive = _DERIVERS.get(service)
    if derive is None:
        return None
    body = _json(request._body)
    base = _Context(
        service=service,
        region=request._region,
        account=request.account_id,
        partition="aws",
    )
    checks = derive(base, operation, body, request._data, resource)
    if checks is None:
        return None
    principal = principal_arn(request._access_key)
    shared = {
        **TRANSPORT_CONTEXT,
        "aws:PrincipalArn": principal,
        "aws:PrincipalAccount": request.account_id,
        "aws:RequestedRegion": request._region,
    }
    if service == "s3":
        shared.update(_s3_headers(request._headers))
    return [(action, arn, {**shared, **context}) for action, arn, context in checks]


def principal_arn(access_key: Any) -> str:
    """The caller as policies name it: a session's role, not the session."""
    role_name = getattr(access_key, "_owner_role_name", None)
    if role_name:
        return str(access_key.backend.get_role(role_name).arn)
    return str(access_key.arn)


def _authorize(
    request: IAMRequestBase, action: str, resource: str, context: dict[str, str]
) -> None:
    """Identity policies and the resource's policy, as AWS combines them in one account."""
    principal = principal_arn(request._access_key)
    asked = Request(action=action, resource=resource, principal=principal, context=context)
    identity = [_document(policy) for policy in request._access_key.collect_policies()]
    resource_policy = _resource_policy(request.account_id, resource)
    judge = decide_assume_role if action == "sts:AssumeRole" else decide
    try:
        verdict = judge(identity, resource_policy, asked)
    except UnsupportedCondition as exc:
        _refuse(request, asked, f"the emulator does not evaluate the condition operator {exc}")
    if verdict is Decision.DENY:
        _refuse(request, asked, "with an explicit deny")
    if verdict is Decision.NEUTRAL:
        _refuse(request, asked, f"because no policy allows the {action} action")


def _refuse(request: IAMRequestBase, asked: Request, reason: str) -> NoReturn:
    message = (
        f"User: {request._access_key.arn} is not authorized to perform: {asked.action} "
        f"on resource: {asked.resource} {reason}"
    )
    if asked.action.split(":", 1)[0] in JSON_SERVICES:
        raise JsonRESTError("AccessDeniedException", message)
    request._action = asked.action  # moto's refusal names what was refused
    request._raise_access_denied()
    raise AssertionError("unreachable")  # _raise_access_denied always raises


def _document(policy: Any) -> Any:
    """moto hands policies over as documents, managed-policy objects or dicts."""
    if isinstance(policy, Policy):
        return next(v.document for v in policy.versions if v.is_default)
    if isinstance(policy, dict) and "policy_document" in policy:
        return policy["policy_document"]
    return policy


def _resource_policy(account: str, resource: str) -> Any:
    """A bucket's policy, or a role's trust policy; other resource policies are not modelled."""
    if ":role/" in resource and resource.startswith("arn:aws:iam::"):
        return iam_backends[account]["aws"].get_role_by_arn(resource).assume_role_policy_document
    if not resource.startswith("arn:aws:s3:::"):
        return None
    bucket_name = resource.split(":::", 1)[1].split("/", 1)[0]
    bucket = s3_backends[account]["global"].buckets.get(bucket_name)
    return bucket.policy if bucket is not None else None


def _s3_headers(headers: Any) -> dict[str, str]:
    """S3's request-header condition keys, present only when the request sends them."""
    found = {}
    for header in S3_HEADER_KEYS:
        value = headers.get(header) if headers is not None else None
        if value:
            found[f"s3:{header}"] = value
    return found


class _Context:
    def __init__(self, *, service: str, region: str, account: str, partition: str) -> None:
        self.service, self.region, self.account, self.partition = (
            service,
            region,
            account,
            partition,
        )

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{self.account}:{resource}"


def _dynamodb(c: _Context, operation: str, body: dict[str, Any], _: Any, __: str) -> list[Check]:
    if operation in ("TransactWriteItems", "TransactGetItems"):
        checks = []
        for item in body.get("TransactItems", []):
            kind, detail = next(iter(item.items()))
            table = c.arn("dynamodb", f"table/{detail['TableName']}")
            checks.append((f"dynamodb:{TRANSACT_ACTIONS[kind]}", table, _leading_keys(c, detail)))
        return checks
    if operation == "Query" and "TableName" in body:
        table = c.arn("dynamodb", f"table/{body['TableName']}")
        return [(f"dynamodb:{operation}", table, _queried_keys(c, body))]
    if operation in ITEM_OPERATIONS and "TableName" in body:
        table = c.arn("dynamodb", f"table/{body['TableName']}")
        return [(f"dynamodb:{operation}", table, _leading_keys(c, body))]
    if operation in ("BatchWriteItem", "BatchGetItem"):
        return [
            (f"dynamodb:{operation}", c.arn("dynamodb", f"table/{name}"), {})
            for name in body.get("RequestItems", {})
        ]
    if "StreamArn" in body:
        return [(f"dynamodb:{operation}", body["StreamArn"], {})]
    if "TableName" in body:
        return [(f"dynamodb:{operation}", c.arn("dynamodb", f"table/{body['TableName']}"), {})]
    return [(f"dynamodb:{operation}", "*", {})]


#: The single-item calls whose request names the item's key (``Key``, or ``Item`` for a put).
ITEM_OPERATIONS = ("GetItem", "PutItem", "UpdateItem", "DeleteItem")


def _leading_keys(c: _Context, request: dict[str, Any]) -> dict[str, Any]:
    """``dynamodb:LeadingKeys``: the partition key value of the item a request touches
    (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
    Not modelled: the batch calls' (Query's: ``_queried_keys``)."""
    item = request.get("Key") or request.get("Item") or {}
    try:
        table = dynamodb_backends[c.account][c.region].get_table(request["TableName"])
    except ResourceNotFoundException:  # DynamoDB answers that, not IAM
        return {}
    value = item.get(table.hash_key_attr) or {}
    found = next(iter(value.values()), None) if isinstance(value, dict) else None
    return {"dynamodb:LeadingKeys": [str(found)]} if found is not None else {}


def _queried_keys(c: _Context, request: dict[str, Any]) -> dict[str, Any]:
    """``dynamodb:LeadingKeys`` of a Query: the partition key value its key condition names
    (``<key> = :value``, the key possibly through ExpressionAttributeNames)."""
    try:
        table = dynamodb_backends[c.account][c.region].get_table(request["TableName"])
    except ResourceNotFoundException:
        return {}
    aliases = {v: k for k, v in (request.get("ExpressionAttributeNames") or {}).items()}
    wanted = {table.hash_key_attr, aliases.get(table.hash_key_attr, table.hash_key_attr)}
    condition = request.get("KeyConditionExpression") or ""
    for part in condition.split(" AND "):
        name, _, value = (p.strip() for p in part.strip(" ()").partition("="))
        if name in wanted and value.startswith(":"):
            found = (request.get("ExpressionAttributeValues") or {}).get(value) or {}
            found_value = next(iter(found.values()), None)
            if found_value is not None:
                return {"dynamodb:LeadingKeys": [str(found_value)]}
    return {}


def _ssm(c: _Context, operation: str, body: dict[str, Any], _: Any, __: str) -> list[Check]:
    name = body.get("Name")
    if isinstance(name, str):
        return [(f"ssm:{operation}", c.arn("ssm", f"parameter/{name.lstrip('/')}"), {})]
    return [(f"ssm:{operation}", "*", {})]


def _cloudwatch(
    c: _Context, operation: str, body: dict[str, Any], data: Any, _: str
) -> list[Check]:
    namespace = body.get("Namespace") or _first(data, "Namespace")
    context = {"cloudwatch:namespace": namespace} if namespace else {}
    return [(f"cloudwatch:{operation}", "*", context)]


def _s3(c: _Context, operation: str, _: dict[str, Any], data: Any, resource: str) -> list[Check]:
    action = S3_ACTIONS.get(operation, operation)
    if action == "GetObject" and _first(data, "versionId"):
        action = "GetObjectVersion"
    if action == "ListBucket" and "/" in resource.split(":::", 1)[-1]:
        resource = resource.split("/", 1)[0]
    return [(f"s3:{action}", resource, {})]


def _sts(_: _Context, operation: str, __: Any, data: Any, resource: str) -> list[Check] | None:
    """AssumeRole: the caller's policies and the role's trust policy (moto 5.2.5 fails with a
    500 on a trust policy naming only a service, and reads its conditions as met).

    A call that passes an MFA device and its code is MFA-authenticated, as AWS's
    MFA-protected API access has it (id_credentials_mfa_configure-api-require.html): the
    code is not checked here, and a session obtained with MFA earlier does not count."""
    if operation != "AssumeRole":
        return None
    mfa = _first(data, "SerialNumber") and _first(data, "TokenCode")
    context = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "0"} if mfa else {}
    return [("sts:AssumeRole", resource, context)]


_DERIVERS: dict[str, Callable[..., list[Check] | None]] = {
    "dynamodb": _dynamodb,
    "ssm": _ssm,
    "monitoring": _cloudwatch,
    "s3": _s3,
    "sts": _sts,
}


def _json(body: Any) -> dict[str, Any]:
    if not body:
        return {}
    try:
        parsed = json.loads(body)
    except (ValueError, TypeError, UnicodeDecodeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _first(data: Any, key: str) -> str | None:
    value = (data or {}).get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None
