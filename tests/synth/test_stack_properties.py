"""Invariants of synthesized stacks: the default, the three-region example and random layouts."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from drkit.regions.naming import ResourceType
from drkit.regions.spec import REQUIRED_TAGS
from tests.helpers import (
    all_resources,
    logical_of,
    ref,
    region_of,
    resources,
)
from tests.synth.dependency_alarms import DEPENDENCY_PROPERTIES
from tests.synth.metric_placement import PLACEMENT_PROPERTIES
from tests.synth.release import RELEASE_PROPERTIES

pytestmark = pytest.mark.synth


# ----- the properties, each a plain function so examples and hypothesis share them ---------------


def peering_is_a_full_mesh_with_routes_both_ways(spec, stack):
    connections = resources(stack, "aws_vpc_peering_connection")
    accepters = resources(stack, "aws_vpc_peering_connection_accepter")
    n = len(spec.regions)
    assert len(connections) == len(accepters) == n * (n - 1) // 2
    vpcs = {
        name: (region_of(stack, body), body["cidr_block"])
        for name, body in resources(stack, "aws_vpc").items()
    }
    pairs = set()
    for name, body in connections.items():
        a = vpcs[ref(body["vpc_id"])[1]]
        b = vpcs[ref(body["peer_vpc_id"])[1]]
        assert body["peer_region"] == b[0] and body["auto_accept"] is False
        pairs.add(frozenset((a[0], b[0])))
        accepted = [x for x in accepters.values() if ref(x["vpc_peering_connection_id"])[1] == name]
        assert (
            len(accepted) == 1
            and accepted[0]["auto_accept"] is True
            and region_of(stack, accepted[0]) == b[0]
        )
    assert pairs == {
        frozenset(p) for p in itertools.combinations([r.region for r in spec.regions], 2)
    }
    tables_by_region: dict[str, set[str]] = {}
    for name, body in resources(stack, "aws_route_table").items():
        tables_by_region.setdefault(region_of(stack, body), set()).add(name)
    routes: dict[tuple[str, str], set[str]] = {}
    for body in resources(stack, "aws_route").values():
        routes.setdefault((region_of(stack, body), body["destination_cidr_block"]), set()).add(
            ref(body["route_table_id"])[1]
        )
    for a, b in itertools.permutations(spec.regions, 2):
        assert routes[(a.region, b.cidr)] == tables_by_region[a.region], (
            f"{a.region} cannot route to {b.region}"
        )


def every_weighted_record_has_a_health_check_and_the_spec_weight(spec, stack):
    records = [
        r for r in resources(stack, "aws_route53_record").values() if "weighted_routing_policy" in r
    ]
    checks = resources(stack, "aws_route53_health_check")
    weights = {r.region: r.weight for r in spec.regions}
    assert {r["set_identifier"]: r["weighted_routing_policy"]["weight"] for r in records} == weights
    for record in records:
        check = checks[ref(record["health_check_id"])[1]]
        assert check["type"] == "HTTPS" and check["resource_path"] == "/health"
        assert check["request_interval"] == spec.health_check_interval_seconds
        assert check["failure_threshold"] == spec.health_check_failure_threshold
        assert record["name"] == spec.api_domain_name and "alias" in record
    assert len(checks) == len(records) == len(spec.regions)


def every_table_has_a_replica_in_every_secondary(spec, stack):
    tables = resources(stack, "aws_dynamodb_table")
    assert {t["name"] for t in tables.values()} == {
        spec.namer(ResourceType.DYNAMODB_TABLE, "patient_records"),
        spec.namer(ResourceType.DYNAMODB_TABLE, "audit_logs"),
    }
    keys = resources(stack, "aws_kms_key")
    for table in tables.values():
        assert region_of(stack, table) == spec.primary.region
        assert table["point_in_time_recovery"]["enabled"] is True
        assert (
            table["stream_view_type"] == "NEW_AND_OLD_IMAGES"
            and table["billing_mode"] == "PAY_PER_REQUEST"
        )
        assert table.get("deletion_protection_enabled") is spec.protect_data
        replicas = {r["region_name"]: r for r in table["replica"]}
        assert set(replicas) == {r.region for r in spec.secondaries}
        for region, replica in replicas.items():
            assert replica["point_in_time_recovery"] is True
            assert region_of(stack, keys[ref(replica["kms_key_arn"])[1]]) == region


KMS_ATTRIBUTES = ("kms_key_id", "kms_master_key_id", "kms_key_arn", "replica_kms_key_id")


def every_key_is_in_its_resources_region(spec, stack):
    keys = resources(stack, "aws_kms_key")
    checked = 0

    def walk(value, region):
        nonlocal checked
        if isinstance(value, dict):
            if "region_name" in value and "kms_key_arn" in value:  # a table replica
                region = value["region_name"]
            for k, v in value.items():
                if (
                    k in KMS_ATTRIBUTES
                    and isinstance(v, str)
                    and ref(v)
                    and ref(v)[0] == "aws_kms_key"
                ):
                    assert region_of(stack, keys[ref(v)[1]]) == region, (k, v, region)
                    checked += 1
                elif k == "destination" and isinstance(v, dict) and "bucket" in v:
                    # Replication: the replica key belongs to the destination bucket's region.
                    dest = resources(stack, "aws_s3_bucket")[
                        logical_of(stack, "aws_s3_bucket", v["bucket"])
                    ]
                    walk(v, region_of(stack, dest))
                else:
                    walk(v, region)
        elif isinstance(value, list):
            for item in value:
                walk(item, region)

    for _, _, body in all_resources(stack):
        walk(body, region_of(stack, body))
    assert checked >= 6 * len(spec.regions)


#: Every name drkit chooses: ``(resource type, attribute) -> its naming rule`` (None: a log
#: group's path, checked for length only). The completeness test below fails on any
#: name-like attribute of any synthesized resource that is neither here nor in NOT_NAMES.
NAME_ATTRIBUTES = {
    ("aws_s3_bucket", "bucket"): ResourceType.S3_BUCKET,
    ("aws_dynamodb_table", "name"): ResourceType.DYNAMODB_TABLE,
    ("aws_iam_role", "name"): ResourceType.IAM_ROLE,
    ("aws_iam_role_policy", "name"): ResourceType.IAM_POLICY,
    ("aws_cloudwatch_log_resource_policy", "policy_name"): ResourceType.IAM_POLICY,
    ("aws_lambda_function", "function_name"): ResourceType.LAMBDA_FUNCTION,
    ("aws_sqs_queue", "name"): ResourceType.SQS_QUEUE,
    ("aws_sns_topic", "name"): ResourceType.SNS_TOPIC,
    ("aws_kms_alias", "name"): ResourceType.KMS_ALIAS,
    ("aws_apigatewayv2_api", "name"): ResourceType.API,
    ("aws_security_group", "name"): ResourceType.SECURITY_GROUP,
    ("aws_ssm_parameter", "name"): ResourceType.SSM_PARAMETER,
    ("aws_cloudwatch_event_rule", "name"): ResourceType.EVENT_RULE,
    ("aws_cloudwatch_metric_alarm", "alarm_name"): ResourceType.ALARM,
    ("aws_cloudwatch_dashboard", "dashboard_name"): ResourceType.DASHBOARD,
    ("aws_cloudwatch_log_group", "name"): None,
    ("aws_cloudtrail", "name"): ResourceType.CLOUDTRAIL,
    ("aws_backup_vault", "name"): ResourceType.BACKUP_VAULT,
    ("aws_backup_plan", "name"): ResourceType.BACKUP_PLAN,
    ("aws_backup_selection", "name"): ResourceType.BACKUP_SELECTION,
    ("aws_route53_key_signing_key", "name"): ResourceType.KEY_SIGNING_KEY,
    ("aws_signer_signing_profile", "name_prefix"): ResourceType.SIGNING_PROFILE,
}
#: Name-like attributes that are not a name drkit chooses, each with why.
REFERS = "names another resource of the deployment: a reference, or its suffixed name"
NOT_NAMES = {
    ("aws_cloudtrail", "s3_bucket_name"): REFERS,
    ("aws_cloudtrail", "sns_topic_name"): REFERS,
    ("aws_lambda_permission", "function_name"): REFERS,
    ("aws_lambda_event_source_mapping", "function_name"): REFERS,
    ("aws_lambda_alias", "function_name"): REFERS,
    ("aws_signer_signing_job", "profile_name"): REFERS,
    ("aws_s3_object", "bucket"): REFERS,
    ("aws_apigatewayv2_api_mapping", "domain_name"): REFERS,
    ("aws_s3_bucket_replication_configuration", "bucket"): REFERS,
    **{
        (f"aws_s3_bucket_{part}", "bucket"): REFERS
        for part in (
            "lifecycle_configuration",
            "logging",
            "notification",
            "ownership_controls",
            "policy",
            "public_access_block",
            "server_side_encryption_configuration",
            "versioning",
        )
    },
    ("aws_route53_zone", "name"): "the owner's DNS domain (dns_zone_name), not drkit's to suffix",
    ("aws_route53_record", "name"): "a DNS name under the owner's zone (api, api-<short>, ...)",
    ("aws_acm_certificate", "domain_name"): "the API's DNS name under the owner's zone",
    ("aws_apigatewayv2_domain_name", "domain_name"): "the API's DNS name under the owner's zone",
    ("aws_apigatewayv2_stage", "name"): "$default, API Gateway's auto-deployed stage",
    ("aws_sns_topic", "display_name"): "the sender name in e-mail alerts, not an identifier",
    ("aws_cloudwatch_metric_alarm", "metric_name"): "AWS's or drkit's metric, not a resource",
    ("aws_vpc_endpoint", "service_name"): "AWS's endpoint service name",
    ("aws_lambda_alias", "name"): "a qualifier of its suffixed function's name (live)",
}
#: What makes an attribute name-like.
NAME_LIKE = re.compile(r"^(name|name_prefix|.*_name|bucket|identifier)$")


def every_name_carries_the_suffix_and_fits(spec, stack):
    suffix = spec.environment_suffix
    for rtype, name_of, body in all_resources(stack):
        for attribute, value in body.items():
            if not (isinstance(value, str) and NAME_LIKE.match(attribute)):
                continue
            key = (rtype, attribute)
            assert (key in NAME_ATTRIBUTES) != (key in NOT_NAMES), f"classify {key}"
            if key in NAME_ATTRIBUTES:
                _check_name(value, NAME_ATTRIBUTES[key], suffix)
            elif NOT_NAMES[key] == REFERS and not value.startswith(("${", "arn:")):
                assert _carries(value, None, suffix), (rtype, name_of, value)


def _carries(name, kind, suffix):
    return (
        (kind is not None and kind.value.alphanumeric and name.endswith(suffix.replace("-", "")))
        or (
            kind is not None
            and kind.value.underscores
            and name.endswith(f"_{suffix}_".replace("-", "_"))
        )
        or suffix in name.split("/")[-1].split("-")
        or name.endswith(f"-{suffix}")
        or f"/{suffix}/" in name
    )


def _check_name(name, kind, suffix):
    assert _carries(name, kind, suffix), name
    if kind is None:
        assert len(name) <= 512
        return
    assert kind is not ResourceType.KEY_SIGNING_KEY or name.isalnum(), name
    assert len(name) <= kind.value.max_length and re.fullmatch(kind.value.pattern, name), name


def every_taggable_resource_has_the_required_tags(spec, stack):
    for provider in stack["provider"]["aws"]:
        tags = provider["default_tags"][0]["tags"]
        assert {k: tags.get(k) for k in REQUIRED_TAGS} == dict(REQUIRED_TAGS)
        assert {k: tags.get(k) for k in spec.tags} == dict(spec.tags)
    for rtype, name, body in all_resources(stack):
        # Explicit provider on every resource: no resource escapes the default tags.
        assert body.get("provider", "").startswith("aws."), (rtype, name)
        for key in REQUIRED_TAGS:
            assert key not in body.get("tags", {}), "required tags come from default_tags only"


def every_alarm_notifies_a_topic_in_its_own_region(spec, stack):
    topics = resources(stack, "aws_sns_topic")
    alarms = resources(stack, "aws_cloudwatch_metric_alarm")
    for alarm in alarms.values():
        for action in (*alarm["alarm_actions"], *alarm["ok_actions"]):
            assert region_of(
                stack, topics[logical_of(stack, "aws_sns_topic", action)]
            ) == region_of(stack, alarm)
    health = [a for a in alarms.values() if a["metric_name"] == "HealthCheckStatus"]
    assert len(health) == len(spec.regions)
    assert all(region_of(stack, a) == "us-east-1" for a in health)


def replication_lag_is_alarmed_for_every_pair(spec, stack):
    alarms = list(resources(stack, "aws_cloudwatch_metric_alarm").values())
    regions = [r.region for r in spec.regions]
    for table in ("patient_records", "audit_logs"):
        name = spec.namer(ResourceType.DYNAMODB_TABLE, table)
        got = {
            (region_of(stack, a), a["dimensions"]["ReceivingRegion"])
            for a in alarms
            if a["metric_name"] == "ReplicationLatency" and a["dimensions"].get("TableName") == name
        }
        assert got == set(itertools.permutations(regions, 2))
        assert all(
            a["threshold"] == spec.replication_lag_threshold_seconds * 1000
            for a in alarms
            if a["metric_name"] == "ReplicationLatency" and a["dimensions"].get("TableName") == name
        )
    buckets = {spec.namer(ResourceType.S3_BUCKET, "data", r) for r in regions}
    for metric in ("ReplicationLatency", "OperationsFailedReplication"):
        pairs = [
            (a["dimensions"]["SourceBucket"], a["dimensions"]["DestinationBucket"])
            for a in alarms
            if a["namespace"] == "AWS/S3" and a["metric_name"] == metric
        ]
        assert sorted(pairs) == sorted(itertools.permutations(buckets, 2)), metric


def every_bucket_is_private_encrypted_versioned(spec, stack):
    buckets = resources(stack, "aws_s3_bucket")
    for kind in (
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_policy",
    ):
        covered = {ref(b["bucket"])[1] for b in resources(stack, kind).values()}
        assert covered == set(buckets), kind
    for body in resources(stack, "aws_s3_bucket_policy").values():
        statements = json.loads(body["policy"])["Statement"]
        assert any(
            st["Effect"] == "Deny"
            and st["Condition"].get("Bool", {}).get("aws:SecureTransport") == "false"
            for st in statements
        )
    for body in buckets.values():
        assert body["force_destroy"] is (not spec.protect_data)


def lambdas_match_the_spec(spec, stack):
    functions = [
        f for f in resources(stack, "aws_lambda_function").values() if "-api-" in f["function_name"]
    ]
    assert len(functions) == len(spec.regions)
    for f in functions:
        assert (
            f["memory_size"] == spec.lambda_memory_mb
            and f["timeout"] == spec.lambda_timeout_seconds
        )
        assert f["runtime"] == "python3.12" and f["tracing_config"]["mode"] == "Active"
        assert f["vpc_config"]["subnet_ids"] and f["dead_letter_config"]["target_arn"]
        assert f["reserved_concurrent_executions"] == spec.lambda_reserved_concurrency
        assert ref(f["kms_key_arn"])[0] == "aws_kms_key"


def every_canary_reads_its_own_regions_replica_stream(spec, stack):
    """Each region's canary reads both of its replicas' streams, and its records function the
    patient replica's (replicated writes), each chosen by region."""
    regions = {r.region for r in spec.regions}
    mappings = list(resources(stack, "aws_lambda_event_source_mapping").values())
    assert len(mappings) == 3 * len(regions)
    seen = set()
    for mapping in mappings:
        region, source = region_of(stack, mapping), mapping["event_source_arn"]
        if region == spec.primary.region:
            assert ref(source) and ref(source)[2] == "stream_arn", source
        else:
            # Replicas are a set in Terraform: the stream must be chosen by region, not position.
            assert f'r.region_name == "{region}"' in source and ".get(" not in source, source
        seen.add(region)
    assert seen == regions


PROPERTIES = [
    every_canary_reads_its_own_regions_replica_stream,
    peering_is_a_full_mesh_with_routes_both_ways,
    every_weighted_record_has_a_health_check_and_the_spec_weight,
    every_table_has_a_replica_in_every_secondary,
    every_key_is_in_its_resources_region,
    every_name_carries_the_suffix_and_fits,
    every_taggable_resource_has_the_required_tags,
    every_alarm_notifies_a_topic_in_its_own_region,
    replication_lag_is_alarmed_for_every_pair,
    every_bucket_is_private_encrypted_versioned,
    lambdas_match_the_spec,
    *PLACEMENT_PROPERTIES,
    *DEPENDENCY_PROPERTIES,
    *RELEASE_PROPERTIES,
]


@pytest.mark.parametrize("prop", PROPERTIES, ids=lambda p: p.__name__)
def test_examples(prop, case):
    """Each invariant holds for the default stack and the three-region example."""
    prop(*case)


#: Layouts where a metric's region and the deployment's differ most: no region in
#: us-east-1 (Route 53's metrics get a region of their own), and us-east-1 present
#: but not the primary.
def test_the_name_tables_hold_only_what_is_synthesized(default_stack, three_region_stack):
    """Every entry of NAME_ATTRIBUTES and NOT_NAMES is an attribute some stack writes (an
    entry nothing writes would hide a renamed attribute from the suffix check)."""
    seen = {
        (rtype, attribute)
        for stack in (default_stack, three_region_stack)
        for rtype, _, body in all_resources(stack)
        for attribute in body
    }
    assert set(NAME_ATTRIBUTES) - seen == set()
    assert set(NOT_NAMES) - seen == set()


def test_a_name_without_the_suffix_is_found(default_spec, default_stack):
    """The trail's name (once missing from the table) without the suffix fails the check."""
    broken = json.loads(json.dumps(default_stack))
    (trail,) = resources(broken, "aws_cloudtrail").values()
    trail["name"] = trail["name"].rsplit("-", 1)[0]
    with pytest.raises(AssertionError, match=trail["name"]):
        every_name_carries_the_suffix_and_fits(default_spec, broken)
