"""Checks of a synthesized stack against the access declaration, read from the JSON alone.

Written independently of drkit/access/: each declared call is resolved here by the
physical names the namer gives (tables, buckets, parameters, queues, log groups) and the
ARN forms AWS documents, so a derivation bug cannot hide behind itself. Each check
returns findings (empty: it holds), so tests can also show a broken stack is caught.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from typing import Any

from drkit import iam
from drkit.access.keys import key_actions
from drkit.regions.naming import ResourceType
from drkit_runtime.access import FUNCTIONS, Call, Kind, Scope
from tests.helpers import ref, region_of, resources, role_logical

P = "${data.aws_partition.partition.partition}"
A = "${data.aws_caller_identity.account.account_id}"

GATEWAY = ("dynamodb", "s3")
ENCRYPTED = {
    Kind.TABLE,
    Kind.TABLE_STREAMS,
    Kind.OBJECTS,
    Kind.DRAIN_SWITCH,
    Kind.PEER_ENDPOINTS,
    Kind.DEAD_LETTER_QUEUE,
}


class Stack:
    """Indexes of one synthesized stack, by region."""

    def __init__(self, spec: Any, stack: dict[str, Any]) -> None:
        self.spec, self.json = spec, stack
        self.regions = [r.region for r in spec.regions]
        self.namer = spec.namer

    def of_type(self, rtype: str) -> dict[str, dict[str, Any]]:
        return resources(self.json, rtype)

    def named(self, rtype: str, attribute: str, value: str) -> str:
        """``${rtype.<name>.arn}`` of the one resource whose ``attribute`` is ``value``."""
        hits = [n for n, b in self.of_type(rtype).items() if b.get(attribute) == value]
        assert len(hits) == 1, (rtype, attribute, value, hits)
        return hits[0]

    def arn(self, rtype: str, attribute: str, value: str) -> str:
        return f"${{{rtype}.{self.named(rtype, attribute, value)}.arn}}"

    def key_alias(self, region: str) -> str:
        return self.namer(ResourceType.KMS_ALIAS, "data", region)

    def key_of_alias(self, alias: str) -> str:
        body = next(b for b in self.of_type("aws_kms_alias").values() if b["name"] == alias)
        return ref(body["target_key_id"])[1]

    def functions(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(region, purpose, logical name, body) of every function."""
        for name, body in self.of_type("aws_lambda_function").items():
            purpose = body["function_name"].split("-")[1]
            yield region_of(self.json, body), purpose, name, body

    def role_policies(self, role_name: str) -> list[dict[str, Any]]:
        """Statements of every inline policy of the role."""
        out: list[dict[str, Any]] = []
        for body in self.of_type("aws_iam_role_policy").values():
            if role_logical(self.json, body["role"]) == role_name:
                out += json.loads(body["policy"])["Statement"]
        return out


def targets(s: Stack, call: Call, region: str, purpose: str) -> tuple[str, ...]:
    """What ``call`` may touch in ``region``, as the stack must write it (ARNs AWS gives the
    physical names; every resource is named, even in its own stack's policies)."""
    kind, name, n = call.target.kind, call.target.name, s.namer
    here = f"{region}:{A}"
    if kind in (Kind.TABLE, Kind.TABLE_STREAMS):
        arn = f"arn:{P}:dynamodb:{here}:table/{n(ResourceType.DYNAMODB_TABLE, name)}"
        return (arn + "/stream/*",) if kind is Kind.TABLE_STREAMS else (arn,)
    if kind in (Kind.BUCKET, Kind.OBJECTS):
        bucket = f"arn:{P}:s3:::{n(ResourceType.S3_BUCKET, 'data', region)}"
        return (bucket,) if kind is Kind.BUCKET else (f"{bucket}/{name.format(region=region)}",)
    if kind in (Kind.DRAIN_SWITCH, Kind.PEER_ENDPOINTS):
        purpose_ = "drain" if kind is Kind.DRAIN_SWITCH else "peerendpoints"
        return (f"arn:{P}:ssm:{here}:parameter{n(ResourceType.SSM_PARAMETER, purpose_, region)}",)
    if kind is Kind.DEAD_LETTER_QUEUE:
        return (f"arn:{P}:sqs:{here}:{n(ResourceType.SQS_QUEUE, f'{purpose}-dlq', region)}",)
    if kind is Kind.LOG_STREAMS:
        group = n(ResourceType.LAMBDA_LOG_GROUP, purpose, region)
        return (f"arn:{P}:logs:{here}:log-group:{group}:*",)
    return ("*",)


def call_regions(s: Stack, call: Call, region: str) -> list[str]:
    if call.scope is Scope.PEER:
        return [r for r in s.regions if r != region]
    if call.scope is Scope.EVERY:
        return list(s.regions)
    return [region]


def _shape(statement: dict[str, Any]) -> str:
    """A statement without its id, one string and a one-element list written alike."""

    def norm(value: Any) -> Any:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return sorted(v if isinstance(v, str) else json.dumps(v, sort_keys=True) for v in value)
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        return value

    return json.dumps(
        [norm(statement.get(k)) for k in ("Effect", "Action", "Resource", "Condition")],
        sort_keys=True,
    )


def expected_statements(s: Stack, region: str, purpose: str) -> list[dict[str, Any]]:
    """The declared calls of one function, plus the key use they imply, as IAM JSON."""
    calls = FUNCTIONS[purpose]
    out = []
    kms: dict[tuple[str, str], set[str]] = {}
    for call in calls:
        resources_ = [
            a for r in call_regions(s, call, region) for a in targets(s, call, r, purpose)
        ]
        statement: dict[str, Any] = {
            "Effect": "Deny" if call.deny else "Allow",
            "Action": list(call.actions),
            "Resource": list(dict.fromkeys(resources_)),
        }
        if call.target.kind is Kind.METRICS:
            statement["Condition"] = {"StringEquals": {"cloudwatch:namespace": call.target.name}}
        if call.leading_keys:
            keys = {"dynamodb:LeadingKeys": list(call.leading_keys)}
            statement["Condition"] = {"ForAllValues:StringLike": keys}
        out.append(statement)
        if not call.deny and call.target.kind in ENCRYPTED:
            for r in call_regions(s, call, region):
                kms.setdefault((r, call.service), set()).update(
                    key_actions(call.service, call.actions)
                )
    for (r, service), actions in kms.items():
        out.append(
            {
                "Effect": "Allow",
                "Action": sorted(actions),
                "Resource": [f"arn:{P}:kms:{r}:{A}:key/*"],
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"{service}.{r}.amazonaws.com"},
                    "ForAnyValue:StringEquals": {"kms:ResourceAliases": s.key_alias(r)},
                },
            }
        )
    return out


def policy_findings(s: Stack) -> list[str]:
    """Every function's policies grant exactly its declaration; '*' only where AWS needs it."""
    findings = []
    for region, purpose, name, body in s.functions():
        role = role_logical(s.json, body["role"])
        actual = s.role_policies(role)
        if purpose == "api":
            actual = [st for st in actual if not st["Sid"].startswith("Extra")]
        want = sorted(_shape(st) for st in expected_statements(s, region, purpose))
        have = sorted(_shape(st) for st in actual)
        findings += [f"{name}: declared but not granted: {m}" for m in set(want) - set(have)]
        findings += [f"{name}: granted but not declared: {e}" for e in set(have) - set(want)]
        for st in actual:
            wild = "*" in _as_list(st.get("Resource"))
            loose = [a for a in _as_list(st["Action"]) if a not in iam.WILDCARD_RESOURCE_ACTIONS]
            if wild and st["Effect"] == "Allow" and loose:
                findings.append(f"{name}: {st['Sid']} allows {loose} on '*'")
    return findings


def key_policy_findings(s: Stack) -> list[str]:
    """Each key use in a function's policy (the key named by its alias) is matched by that
    key's policy naming the role by ARN, with the same actions and services."""
    findings = []
    keys = {n: json.loads(b["policy"])["Statement"] for n, b in s.of_type("aws_kms_key").items()}
    for _, _, name, body in s.functions():
        role_arn = body["role"]
        for st in s.role_policies(role_logical(s.json, role_arn)):
            condition = st.get("Condition", {})
            alias = condition.get("ForAnyValue:StringEquals", {}).get("kms:ResourceAliases")
            if alias is None:
                continue
            via = {"StringEquals": condition["StringEquals"]}
            named = [
                k
                for k in keys[s.key_of_alias(alias)]
                if k.get("Principal", {}).get("AWS") == role_arn
                and set(_as_list(k["Action"])) == set(_as_list(st["Action"]))
                and k.get("Condition") == via
            ]
            if not named:
                findings.append(f"{name}: {st['Sid']} has no matching grant in the key policy")
    return findings


def path_findings(s: Stack) -> list[str]:
    """Every declared call of every function has a network path it can take."""
    findings = []
    for region, purpose, name, body in s.functions():
        for call in FUNCTIONS[purpose]:
            if call.deny or call.scope in (Scope.PLATFORM, Scope.EVERY):
                continue
            if call.scope is Scope.PUBLIC:
                # A public endpoint is reachable only from outside a VPC (no NAT anywhere).
                if "vpc_config" in body:
                    findings.append(f"{name} {call.sid}: a public endpoint from inside a VPC")
                continue
            for where in call_regions(s, call, region):
                problem = _path(s, call, body, region, where, purpose)
                if problem:
                    findings.append(f"{name} {call.sid} -> {where}: {problem}")
    return findings


def _path(
    s: Stack, call: Call, fn: dict[str, Any], region: str, where: str, purpose: str
) -> str | None:
    vpc = _vpc_of(s, fn)
    group = ref(fn["vpc_config"]["security_group_ids"][0])[1]
    target = _vpc_by_region(s, where)
    peer = where != region
    endpoints = [
        (n, b)
        for n, b in s.of_type("aws_vpc_endpoint").items()
        if ref(b["vpc_id"])[1] == target
        and b["service_name"] == f"com.amazonaws.{where}.{call.service}"
        and (
            b["vpc_endpoint_type"] == "Interface"
            if peer or call.service not in GATEWAY
            else b["vpc_endpoint_type"] == "Gateway"
        )
    ]
    if not endpoints:
        return f"no endpoint for {call.service} in {where}'s VPC"
    endpoint_name, endpoint = endpoints[0]
    if not _endpoint_allows(endpoint, fn["role"], call, s, where, purpose):
        return "the endpoint's policy does not admit it"
    if endpoint["vpc_endpoint_type"] == "Gateway":
        if not _egress(
            s, group, prefix_list=f"${{aws_vpc_endpoint.{endpoint_name}.prefix_list_id}}"
        ):
            return "no HTTPS egress to the gateway endpoint"
        if set(_route_tables_of(s, fn)) - {ref(t)[1] for t in endpoint["route_table_ids"]}:
            return "the gateway endpoint is not on the function's route tables"
        return None
    cidr = s.of_type("aws_vpc")[vpc]["cidr_block"]
    target_cidr = s.of_type("aws_vpc")[target]["cidr_block"]
    endpoint_group = ref(endpoint["security_group_ids"][0])[1]
    if not _ingress(s, endpoint_group, cidr):
        return f"the endpoint's group does not admit {cidr} on 443"
    if not _egress(s, group, cidr=target_cidr):
        return f"no HTTPS egress to {target_cidr}"
    if not peer:
        return None if endpoint.get("private_dns_enabled") else "no private DNS in its own VPC"
    if not _routed(s, fn, target_cidr):
        return f"no route to {target_cidr} through peering"
    # The function reads the peers' endpoints from a parameter of its own region (the links
    # stack's). Its value holds Terraform interpolations (quotes included): searched, not parsed.
    parameter = fn["environment"]["variables"]["DRKIT_PEER_ENDPOINTS_PARAMETER"]
    values = [
        b["value"]
        for b in s.of_type("aws_ssm_parameter").values()
        if b["name"] == parameter and region_of(s.json, b) == region
    ]
    told = [
        v
        for v in values
        if f'"{where}":' in v and f"aws_vpc_endpoint.{endpoint_name}.dns_entry" in v
    ]
    if not told:
        return "the function is not told the endpoint's name"
    return None


def _endpoint_allows(endpoint, role_arn, call, s, where, purpose) -> bool:
    wanted = set(targets(s, call, where, purpose))
    for st in json.loads(endpoint["policy"])["Statement"]:
        if (
            st["Effect"] == "Allow"
            and role_arn in _as_list(st["Principal"]["AWS"])
            and set(call.actions) <= set(_as_list(st["Action"]))
            and wanted <= set(_as_list(st["Resource"]))
        ):
            return True
    return False


def _vpc_of(s: Stack, fn: dict[str, Any]) -> str:
    subnet = ref(fn["vpc_config"]["subnet_ids"][0])[1]
    return ref(s.of_type("aws_subnet")[subnet]["vpc_id"])[1]


def _vpc_by_region(s: Stack, region: str) -> str:
    return next(n for n, b in s.of_type("aws_vpc").items() if region_of(s.json, b) == region)


def _route_tables_of(s: Stack, fn: dict[str, Any]) -> list[str]:
    subnets = {ref(x)[1] for x in fn["vpc_config"]["subnet_ids"]}
    return [
        ref(b["route_table_id"])[1]
        for b in s.of_type("aws_route_table_association").values()
        if ref(b["subnet_id"])[1] in subnets
    ]


def _routed(s: Stack, fn: dict[str, Any], cidr: str) -> bool:
    tables = set(_route_tables_of(s, fn))
    routed = {
        ref(b["route_table_id"])[1]
        for b in s.of_type("aws_route").values()
        if b.get("destination_cidr_block") == cidr and b.get("vpc_peering_connection_id")
    }
    return bool(tables) and tables <= routed


def _rules(s: Stack, rtype: str, group: str) -> Iterator[dict[str, Any]]:
    for body in s.of_type(rtype).values():
        if (
            ref(body["security_group_id"])[1] == group
            and body["from_port"] <= 443 <= body["to_port"]
        ):
            yield body


def _ingress(s: Stack, group: str, cidr: str) -> bool:
    source = ipaddress.ip_network(cidr)
    return any(
        r.get("cidr_ipv4") and source.subnet_of(ipaddress.ip_network(r["cidr_ipv4"]))
        for r in _rules(s, "aws_vpc_security_group_ingress_rule", group)
    )


def _egress(
    s: Stack, group: str, *, cidr: str | None = None, prefix_list: str | None = None
) -> bool:
    for r in _rules(s, "aws_vpc_security_group_egress_rule", group):
        if prefix_list and r.get("prefix_list_id") == prefix_list:
            return True
        if (
            cidr
            and r.get("cidr_ipv4")
            and ipaddress.ip_network(cidr).subnet_of(ipaddress.ip_network(r["cidr_ipv4"]))
        ):
            return True
    return False


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
