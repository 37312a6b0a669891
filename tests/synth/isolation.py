"""What makes a region's stack plannable alone, and every cross-stack name real, as properties.

Shared by the fixed layouts' tests and the hypothesis tests over 2-5 regions
(``tests/synth/test_isolation.py``). Each property takes the spec and its stacks
(``name -> cdk.tf.json``) and fails naming the stack and the offending block.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from drkit.regions.spec import DeploymentSpec
from drkit.regions.stacks import StackKind

Stacks = dict[str, dict[str, Any]]

#: Data sources a region's stack may read: its own account, partition and zones, all
#: through its own provider; none of them is another stack's resource.
OWN_LOOKUPS = frozenset({"aws_caller_identity", "aws_partition", "aws_availability_zones"})
#: Resource types whose API is a global control plane in us-east-1 (IAM, Route 53).
GLOBAL_PREFIXES = ("aws_iam_", "aws_route53")
_REFERENCE = re.compile(r"\$\{(?:data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)[.\[]")
_DATA_REFERENCE = re.compile(r"\$\{data\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)[.\[]")
PARTITION = "${data.aws_partition.partition.partition}"
ACCOUNT = "${data.aws_caller_identity.account.account_id}"
_ARN = re.compile(
    re.escape(f"arn:{PARTITION}:")
    + r"(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):(?P<account>"
    + re.escape(ACCOUNT)
    + r")?:(?P<resource>[^\"\\\s,]+)"
)


def regional(spec: DeploymentSpec) -> Iterator[tuple[str, str]]:
    """``(stack name, region)`` of every region's stack."""
    for plan in spec.stacks:
        if plan.kind is StackKind.REGION:
            assert plan.region is not None
            yield plan.name, plan.region


def each_regional_stack_configures_only_its_region(spec: DeploymentSpec, stacks: Stacks) -> None:
    """A region's stack has exactly one AWS provider, for its own region."""
    for name, region in regional(spec):
        providers = [p["region"] for p in stacks[name]["provider"]["aws"]]
        assert providers == [region], (name, providers)


def each_regional_stack_reads_no_other_stack(spec: DeploymentSpec, stacks: Stacks) -> None:
    """No remote state, no data source but its own account, partition and zones, and every
    reference to a block of its own document."""
    for name, _ in regional(spec):
        doc = stacks[name]
        data = doc.get("data", {})
        assert set(data) <= OWN_LOOKUPS, (name, sorted(set(data) - OWN_LOOKUPS))
        text = json.dumps(doc)
        resources, lookups = doc.get("resource", {}), doc.get("data", {})
        for kind, logical in _REFERENCE.findall(text):
            if kind in ("var", "local", "terraform", "each", "count", "path", "self"):
                continue
            found = logical in resources.get(kind, {}) or logical in lookups.get(kind, {})
            assert found, (name, f"{kind}.{logical}")
        for kind, logical in _DATA_REFERENCE.findall(text):
            assert logical in lookups.get(kind, {}), (name, f"data.{kind}.{logical}")


def no_regional_stack_holds_a_global_control_plane_resource(
    spec: DeploymentSpec, stacks: Stacks
) -> None:
    """No IAM or Route 53 resource in a region's stack (their control planes are in
    us-east-1)."""
    for name, _ in regional(spec):
        kinds = [k for k in stacks[name].get("resource", {}) if k.startswith(GLOBAL_PREFIXES)]
        assert kinds == [], (name, kinds)


# ----- every name and ARN a stack uses is made by exactly one stack --------------------------

#: Resource type -> (ARN service, name attribute, ARN resource form) of what drkit makes.
_MADE: dict[str, tuple[str, str, str]] = {
    "aws_iam_role": ("iam", "name", "role/{}"),
    "aws_dynamodb_table": ("dynamodb", "name", "table/{}"),
    "aws_lambda_function": ("lambda", "function_name", "function:{}"),
    "aws_cloudwatch_log_group": ("logs", "name", "log-group:{}"),
    "aws_sqs_queue": ("sqs", "name", "{}"),
    "aws_sns_topic": ("sns", "name", "{}"),
    "aws_kms_alias": ("kms", "name", "{}"),
    "aws_ssm_parameter": ("ssm", "name", "parameter{}"),
    "aws_cloudtrail": ("cloudtrail", "name", "trail/{}"),
    "aws_backup_vault": ("backup", "name", "backup-vault:{}"),
    "aws_cloudwatch_event_rule": ("events", "name", "rule/{}"),
    "aws_cloudwatch_metric_alarm": ("cloudwatch", "alarm_name", "alarm:{}"),
}
#: An alias named by its name (a key condition, a parameter's key), not by its ARN.
ALIAS = "kms-alias"
#: Suffixes that name the parts of one resource: a table's streams and backups, a log
#: group's streams, a bucket's objects.
_PARTS = {
    "dynamodb": re.compile(r"/(stream|backup)/\*$"),
    "logs": re.compile(r":\*$"),
    "s3": re.compile(r"/.*$"),
}


def _named(service: str, resource: str) -> str | None:
    """The one resource an ARN's resource part names; None for a pattern (``alarm:*``), an
    id AWS makes random (a key, a VPC, a zone), or the account itself."""
    if service in _PARTS:
        resource = _PARTS[service].sub("", resource)
    if "*" in resource or "${" in resource or service in ("ec2", "route53", "kms"):
        return None  # keys are named by their aliases (below)
    if (service, resource) == ("iam", "root") or resource in ("log-group",):
        return None  # the account itself; every log group (``log-group:*``)
    return resource


def made(spec: DeploymentSpec, stacks: Stacks) -> dict[tuple[str, str, str], list[str]]:
    """``(service, region, resource) -> [stack.logical, ...]`` of every ARN-bearing resource
    the synthesis makes (a table counts in each region it has a replica in)."""
    index: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for stack_name, doc in stacks.items():
        regions = {f"aws.{p['alias']}": p["region"] for p in doc["provider"]["aws"]}
        for kind, items in doc.get("resource", {}).items():
            for logical, body in items.items():
                where = f"{stack_name}.{logical}"
                if kind == "aws_s3_bucket":
                    index[("s3", "", body["bucket"])].append(where)
                    continue
                if kind not in _MADE:
                    continue
                service, attribute, form = _MADE[kind]
                region = "" if service == "iam" else regions[body["provider"]]
                replicas = [r["region_name"] for r in body.get("replica", [])]
                for r in (region, *replicas):
                    index[(service, r, form.format(body[attribute]))].append(where)
                if kind == "aws_kms_alias":
                    index[(ALIAS, region, body["name"])].append(where)
        for where, region, arn in _function_aliases(stack_name, doc):
            index[("lambda", region, arn)].append(where)
    return index


def _function_aliases(stack_name: str, doc: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """``(stack.logical, region, function:<name>:<alias>)`` of each function alias (another
    stack invokes a function by its alias's ARN)."""
    regions = {f"aws.{p['alias']}": p["region"] for p in doc["provider"]["aws"]}
    functions = doc.get("resource", {}).get("aws_lambda_function", {})
    for logical, body in doc.get("resource", {}).get("aws_lambda_alias", {}).items():
        (function,) = _REFERENCE.findall(body["function_name"])
        name = functions[function[1]]["function_name"]
        region = regions[body["provider"]]
        yield f"{stack_name}.{logical}", region, f"function:{name}:{body['name']}"


def referenced(stacks: Stacks) -> Iterator[tuple[str, str, str, str]]:
    """``(stack, service, region, resource)`` of every specific ARN a stack names (ARN
    patterns, such as ``alarm:*`` in a condition, name no one resource)."""
    for name, doc in stacks.items():
        text = json.dumps(doc)
        for match in _ARN.finditer(text):
            service, region = match["service"], match["region"]
            resource = _named(service, match["resource"])
            if resource is not None:
                yield name, service, region, resource
        for region, alias in _aliases_by_name(doc):
            yield name, ALIAS, region, alias


def _aliases_by_name(doc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``(region, alias)`` named by each ``kms:ResourceAliases`` condition (its region is the
    statement's resource's, ``arn:...:kms:<region>:...:key/*``) and each parameter's key."""
    for body in doc.get("resource", {}).get("aws_iam_role_policy", {}).values():
        for statement in json.loads(body["policy"])["Statement"]:
            aliases = statement.get("Condition", {}).get("ForAnyValue:StringEquals", {})
            if "kms:ResourceAliases" in aliases:
                yield statement["Resource"].split(":")[3], aliases["kms:ResourceAliases"]
    regions = {f"aws.{p['alias']}": p["region"] for p in doc["provider"]["aws"]}
    for body in doc.get("resource", {}).get("aws_ssm_parameter", {}).values():
        if str(body.get("key_id", "")).startswith("alias/"):
            yield regions[body["provider"]], body["key_id"]


def every_named_resource_is_made_by_exactly_one_stack(spec: DeploymentSpec, stacks: Stacks) -> None:
    """Every ARN a stack names (and every alias a key condition names) is one resource that
    exactly one stack of the same synthesis makes: no dangling cross-stack reference."""
    index = made(spec, stacks)
    for stack, service, region, resource in referenced(stacks):
        key = (service, region, resource)
        assert len(index.get(key, [])) == 1, (stack, key, index.get(key))


ISOLATION: tuple[Callable[[DeploymentSpec, Stacks], None], ...] = (
    each_regional_stack_configures_only_its_region,
    each_regional_stack_reads_no_other_stack,
    no_regional_stack_holds_a_global_control_plane_resource,
    every_named_resource_is_made_by_exactly_one_stack,
)
