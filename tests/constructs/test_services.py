"""Unit tests of each service construct on its synthesized JSON, and its prop validation."""

from __future__ import annotations

import json
from typing import Any

import cdktf
import pytest
from cdktf import AssetType, TerraformAsset, TerraformStack

from drkit import iam
from drkit.aws import AwsProvider
from drkit.errors import SpecError
from drkit.regions import DeploymentSpec
from drkit.regions.naming import Namer
from drkit.services.acm import Certificate, CertificateProps
from drkit.services.apigateway import HttpApi, HttpApiProps
from drkit.services.cloudwatch import Alarm, AlarmProps, Dashboard, DashboardProps
from drkit.services.dynamodb import GlobalTable, GlobalTableProps
from drkit.services.events import FunctionTrigger, FunctionTriggerProps
from drkit.services.iam import Role, RoleProps
from drkit.services.kms import EncryptionKey, EncryptionKeyProps
from drkit.services.lambda_ import RegionalFunction, RegionalFunctionProps
from drkit.services.logs import LogGroup, LogGroupProps
from drkit.services.placement import Account, Placement
from drkit.services.route53 import (
    HealthCheck,
    HealthCheckProps,
    HostedZone,
    HostedZoneProps,
    WeightedAlias,
    WeightedAliasProps,
)
from drkit.services.s3 import (
    AccessLogBucket,
    AccessLogBucketProps,
    DataBucket,
    DataBucketProps,
)
from drkit.services.s3_replication import BucketReplication, BucketReplicationProps
from drkit.services.sns import AlertTopic, AlertTopicProps
from drkit.services.ssm import DrainSwitch, DrainSwitchProps
from drkit.services.vpc import Network, NetworkProps
from drkit.stack import RUNTIME_DIR
from tests.helpers import ref, resources

pytestmark = pytest.mark.synth
ACCOUNT = Account(account_id="123456789012", partition="aws")


class Harness:
    """A bare stack with one provider per region and placements for them."""

    def __init__(self, regions=("us-east-1", "us-west-2")) -> None:
        self.app = cdktf.Testing.app()
        self._keys = 0
        self.stack = TerraformStack(self.app, "unit")
        self.placements = {
            r: Placement(
                provider=AwsProvider(self.stack, f"aws-{r}", region=r, alias=r.replace("-", "")),
                region=r,
                namer=Namer("unit"),
                account=ACCOUNT,
            )
            for r in regions
        }
        self.spec = DeploymentSpec.default(environment_suffix="unit")

    def __getitem__(self, region: str) -> Placement:
        return self.placements[region]

    def key(self, region: str = "us-east-1") -> EncryptionKey:
        self._keys += 1
        return EncryptionKey(
            self.stack, f"key-{self._keys}", props=EncryptionKeyProps(placement=self[region])
        )

    def synth(self) -> dict[str, Any]:
        return json.loads(cdktf.Testing.synth(self.stack))


@pytest.fixture
def h() -> Harness:
    return Harness()


def _only(stack: dict, rtype: str) -> dict:
    items = resources(stack, rtype)
    assert len(items) == 1, list(items)
    return next(iter(items.values()))


# ----- kms ---------------------------------------------------------------------------------------


def test_key_rotates_yearly_with_explicit_policy(h):
    key = h.key()
    key.grant_role("Reader", "arn:aws:iam::123456789012:role/r", ("kms:Decrypt",), ("s3",))
    out = _only(h.synth(), "aws_kms_key")
    assert out["enable_key_rotation"] is True and out["rotation_period_in_days"] == 365
    assert out["deletion_window_in_days"] == 7
    sids = {s["Sid"]: s for s in json.loads(out["policy"])["Statement"]}
    assert {
        "KeyAdministration",
        "AccountUseThroughRegionalServices",
        "CloudWatchLogsEncryption",
        "Reader",
    } <= set(sids)
    assert sids["Reader"]["Condition"]["StringEquals"]["kms:ViaService"] == (
        "s3.us-east-1.amazonaws.com"
    )
    assert "kms:*" not in json.dumps(sids)


def test_grant_writes_both_halves_with_derived_ids(h):
    """key.grant puts the role's statement in its policy and names the role in the key policy."""
    key = h.key("us-west-2")
    role = Role(
        h.stack,
        "reader",
        props=RoleProps(
            placement=h["us-east-1"],
            purpose="api",
            trusted_services=("lambda.amazonaws.com",),
            statements=(iam.Statement(sid="Own", actions=("s3:GetObject",), resources=("arn:x",)),),
        ),
    )
    key.grant(role.policy, ("kms:Decrypt",), via=("dynamodb", "s3"), label="DecryptFrom")
    out = h.synth()
    identity = json.loads(_only(out, "aws_iam_role_policy")["policy"])["Statement"]
    assert [s["Sid"] for s in identity] == ["Own", "DecryptFromUsWest2"]
    assert identity[1]["Condition"]["StringEquals"]["kms:ViaService"] == [
        "dynamodb.us-west-2.amazonaws.com",
        "s3.us-west-2.amazonaws.com",
    ]
    assert ref(identity[1]["Resource"])[0] == "aws_kms_key"
    policy = json.loads(_only(out, "aws_kms_key")["policy"])["Statement"]
    named = [s for s in policy if s["Sid"] == "DecryptFromRoleApiUse1Unit"]
    assert len(named) == 1 and ref(named[0]["Principal"]["AWS"])[0] == "aws_iam_role"
    assert named[0]["Action"] == "kms:Decrypt"


def test_key_props_are_validated(h):
    with pytest.raises(SpecError, match="rotation_period_days"):
        EncryptionKeyProps(placement=h["us-east-1"], rotation_period_days=30)
    with pytest.raises(SpecError, match="deletion_window_days"):
        EncryptionKeyProps(placement=h["us-east-1"], deletion_window_days=3)
    key = h.key()
    key.grant_role("Twice", "arn:aws:iam::1:role/r", ("kms:Decrypt",), ("s3",))
    with pytest.raises(ValueError, match="Twice"):
        key.grant_role("Twice", "arn:aws:iam::1:role/r", ("kms:Decrypt",), ("s3",))


# ----- logs --------------------------------------------------------------------------------------


def test_log_group_is_encrypted_with_retention(h):
    key = h.key()
    LogGroup(
        h.stack,
        "lg",
        props=LogGroupProps(
            placement=h["us-east-1"], log_group_name="/x/y", key=key, retention_days=731
        ),
    )
    out = _only(h.synth(), "aws_cloudwatch_log_group")
    assert out["retention_in_days"] == 731 and ref(out["kms_key_id"])[0] == "aws_kms_key"


def test_log_group_refuses_short_retention_and_foreign_keys(h):
    key = h.key()
    with pytest.raises(SpecError, match="retention_days"):
        LogGroupProps(placement=h["us-east-1"], log_group_name="/x", key=key, retention_days=30)
    with pytest.raises(SpecError, match="key"):
        LogGroupProps(placement=h["us-west-2"], log_group_name="/x", key=key)


# ----- network -----------------------------------------------------------------------------------


def test_network_is_private_with_closed_defaults(h):
    key = h.key()
    Network(
        h.stack,
        "net",
        props=NetworkProps(
            placement=h["us-east-1"],
            region_spec=h.spec.primary,
            key=key,
            own_services=("dynamodb", "monitoring", "s3", "ssm"),
            peer_services=("dynamodb",),
        ),
    )
    out = h.synth()
    assert len(resources(out, "aws_subnet")) == 2
    assert all(s["map_public_ip_on_launch"] is False for s in resources(out, "aws_subnet").values())
    default = _only(out, "aws_default_security_group")
    assert "ingress" not in default and "egress" not in default
    assert not resources(out, "aws_internet_gateway") and not resources(out, "aws_nat_gateway")
    for rule in resources(out, "aws_vpc_security_group_ingress_rule").values():
        assert rule.get("cidr_ipv4") != "0.0.0.0/0" and rule["from_port"] == rule["to_port"] == 443
    flow = _only(out, "aws_flow_log")
    assert flow["traffic_type"] == "ALL" and flow["log_destination_type"] == "cloud-watch-logs"
    endpoints = sorted(
        (e["service_name"].rsplit(".", 1)[1], e["vpc_endpoint_type"], e.get("private_dns_enabled"))
        for e in resources(out, "aws_vpc_endpoint").values()
    )
    # The own region's services by gateway or private DNS; the peers' DynamoDB by its own name.
    assert endpoints == [
        ("dynamodb", "Gateway", None),
        ("dynamodb", "Interface", False),
        ("monitoring", "Interface", True),
        ("s3", "Gateway", None),
        ("ssm", "Interface", True),
    ]


def test_network_refuses_a_spec_of_another_region(h):
    with pytest.raises(ValueError):
        NetworkProps(placement=h["us-west-2"], region_spec=h.spec.primary, key=h.key())


# ----- storage -----------------------------------------------------------------------------------


def _buckets(h: Harness, region: str) -> DataBucket:
    logs = AccessLogBucket(
        h.stack, f"logs-{region}", props=AccessLogBucketProps(placement=h[region])
    )
    return DataBucket(
        h.stack,
        f"data-{region}",
        props=DataBucketProps(placement=h[region], key=h.key(region), access_logs=logs),
    )


def test_data_bucket_is_kms_encrypted_logged_and_tls_only(h):
    _buckets(h, "us-east-1")
    out = h.synth()
    sse = [s for s in resources(out, "aws_s3_bucket_server_side_encryption_configuration").values()]
    algorithms = sorted(
        s["rule"][0]["apply_server_side_encryption_by_default"]["sse_algorithm"] for s in sse
    )
    assert algorithms == ["AES256", "aws:kms"]  # the access-log target must be SSE-S3
    kms = next(
        s
        for s in sse
        if s["rule"][0]["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    )
    assert kms["rule"][0]["bucket_key_enabled"] is True
    assert len(resources(out, "aws_s3_bucket_logging")) == 1
    for policy in resources(out, "aws_s3_bucket_policy").values():
        sids = {s["Sid"] for s in json.loads(policy["policy"])["Statement"]}
        assert {"DenyInsecureTransport", "DenyOutdatedTls"} <= sids


def test_replication_has_rtc_metrics_delete_markers_and_replica_keys(h):
    src, dst = _buckets(h, "us-east-1"), _buckets(h, "us-west-2")
    BucketReplication(
        h.stack,
        "repl",
        props=BucketReplicationProps(placement=h["us-east-1"], source=src, destinations=(dst,)),
    )
    out = h.synth()
    rule = _only(out, "aws_s3_bucket_replication_configuration")["rule"][0]
    assert rule["delete_marker_replication"]["status"] == "Enabled"
    assert rule["source_selection_criteria"]["sse_kms_encrypted_objects"]["status"] == "Enabled"
    destination = rule["destination"]
    assert destination["replication_time"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert destination["metrics"]["status"] == "Enabled"
    keys = resources(out, "aws_kms_key")
    replica_key = keys[ref(destination["encryption_configuration"]["replica_kms_key_id"])[1]]
    assert replica_key["provider"] == "aws.uswest2"


def test_replication_refuses_same_region_destinations(h):
    src = _buckets(h, "us-east-1")
    with pytest.raises(SpecError, match="destinations"):
        BucketReplicationProps(placement=h["us-east-1"], source=src, destinations=(src,))


def test_bucket_refuses_a_key_from_another_region(h):
    logs = AccessLogBucket(h.stack, "logs", props=AccessLogBucketProps(placement=h["us-east-1"]))
    with pytest.raises(SpecError, match="key"):
        DataBucket(
            h.stack,
            "d",
            props=DataBucketProps(
                placement=h["us-east-1"], key=h.key("us-west-2"), access_logs=logs
            ),
        )


# ----- dynamodb ----------------------------------------------------------------------------------


def test_global_table_has_pitr_streams_and_regional_keys(h):
    GlobalTable(
        h.stack,
        "t",
        props=GlobalTableProps(
            placement=h["us-east-1"],
            purpose="patient_records",
            key=h.key(),
            replica_keys=(h.key("us-west-2"),),
            hash_key="record_id",
        ),
    )
    out = _only(h.synth(), "aws_dynamodb_table")
    assert out["name"] == "ddb-patient_records-unit"
    assert out["server_side_encryption"]["enabled"] is True
    assert out["replica"] == [
        {
            "kms_key_arn": out["replica"][0]["kms_key_arn"],
            "point_in_time_recovery": True,
            "propagate_tags": True,
            "region_name": "us-west-2",
        }
    ]


def test_global_table_refuses_bad_replica_keys(h):
    key = h.key()
    with pytest.raises(SpecError, match="replica_keys"):
        GlobalTableProps(
            placement=h["us-east-1"], purpose="x", key=key, replica_keys=(), hash_key="k"
        )
    with pytest.raises(SpecError, match="replica_keys"):
        GlobalTableProps(
            placement=h["us-east-1"], purpose="x", key=key, replica_keys=(key,), hash_key="k"
        )


# ----- compute, events, parameters ----------------------------------------------------------------


def _function(h: Harness, **overrides: Any) -> RegionalFunction:
    key = h.key()
    net = Network(
        h.stack,
        "net",
        props=NetworkProps(placement=h["us-east-1"], region_spec=h.spec.primary, key=key),
    )
    code = TerraformAsset(h.stack, "code", path=str(RUNTIME_DIR), type=AssetType.ARCHIVE)
    props = dict(
        placement=h["us-east-1"], purpose="api", code=code, handler="m.h", network=net, key=key
    )
    props.update(overrides)
    return RegionalFunction(h.stack, "fn", props=RegionalFunctionProps(**props))


def test_function_runs_in_vpc_traced_with_encrypted_dlq_and_logs(h):
    _function(h, environment={"A": "1"})
    out = h.synth()
    fn = _only(out, "aws_lambda_function")
    assert fn["memory_size"] == 3072 and fn["timeout"] == 30 and fn["runtime"] == "python3.12"
    assert fn["tracing_config"]["mode"] == "Active" and len(fn["vpc_config"]["subnet_ids"]) == 2
    assert ref(fn["kms_key_arn"])[0] == "aws_kms_key"
    assert any("aws_cloudwatch_log_group" in d for d in fn["depends_on"])
    queue = _only(out, "aws_sqs_queue")
    assert ref(queue["kms_master_key_id"])[0] == "aws_kms_key"


def test_function_props_are_validated(h):
    with pytest.raises(SpecError, match="memory_mb"):
        _function(h, memory_mb=64)
    with pytest.raises(SpecError, match="environment"):
        _function(Harness(), environment={"AWS_REGION": "x"})


def test_trigger_needs_exactly_one_source(h):
    fn = _function(h)
    with pytest.raises(ValueError):
        FunctionTriggerProps(placement=h["us-east-1"], purpose="x", function=fn)
    FunctionTrigger(
        h.stack,
        "t",
        props=FunctionTriggerProps(
            placement=h["us-east-1"],
            purpose="canary-schedule",
            function=fn,
            schedule_expression="rate(1 minute)",
        ),
    )
    out = h.synth()
    assert _only(out, "aws_cloudwatch_event_rule")["schedule_expression"] == "rate(1 minute)"
    assert _only(out, "aws_lambda_permission")["principal"] == "events.amazonaws.com"


def test_drain_switch_is_encrypted_and_left_to_operators(h):
    DrainSwitch(h.stack, "d", props=DrainSwitchProps(placement=h["us-east-1"], key=h.key()))
    out = _only(h.synth(), "aws_ssm_parameter")
    assert out["type"] == "SecureString" and out["value"] == "active"
    assert out["lifecycle"]["ignore_changes"] == ["value"]


# ----- alerting, monitoring ----------------------------------------------------------------------


def test_topic_is_encrypted_and_refuses_insecure_publishing(h):
    AlertTopic(
        h.stack,
        "t",
        props=AlertTopicProps(
            placement=h["us-east-1"], key=h.key(), emails=("a@example.com", "b@example.com")
        ),
    )
    out = h.synth()
    topic = _only(out, "aws_sns_topic")
    assert ref(topic["kms_master_key_id"])[0] == "aws_kms_key"
    statements = json.loads(_only(out, "aws_sns_topic_policy")["policy"])["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"]["Bool"]["aws:SecureTransport"] == "false"
        for s in statements
    )
    assert len(resources(out, "aws_sns_topic_subscription")) == 2


def test_alarm_notifies_only_a_topic_in_its_region(h):
    topic = AlertTopic(h.stack, "t", props=AlertTopicProps(placement=h["us-east-1"], key=h.key()))
    base = dict(
        purpose="x",
        description="d",
        topic=topic,
        namespace="N",
        metric_name="M",
        dimensions={},
        threshold=1,
    )
    with pytest.raises(SpecError, match="topic"):
        AlarmProps(placement=h["us-west-2"], **base)
    with pytest.raises(SpecError, match="comparison"):
        AlarmProps(placement=h["us-east-1"], comparison="Above", **base)
    Alarm(h.stack, "a", props=AlarmProps(placement=h["us-east-1"], **base))
    alarm = _only(h.synth(), "aws_cloudwatch_metric_alarm")
    assert alarm["alarm_actions"] == alarm["ok_actions"] and len(alarm["ok_actions"]) == 1


def test_dashboard_widgets_name_their_region(h):
    with pytest.raises(SpecError, match="region"):
        DashboardProps(
            placement=h["us-east-1"], purpose="d", widgets=[{"type": "metric", "properties": {}}]
        )
    Dashboard(
        h.stack,
        "d",
        props=DashboardProps(
            placement=h["us-east-1"],
            purpose="failover",
            widgets=[{"type": "metric", "properties": {"region": "us-west-2"}}],
        ),
    )
    body = json.loads(_only(h.synth(), "aws_cloudwatch_dashboard")["dashboard_body"])
    assert body["widgets"][0]["properties"]["region"] == "us-west-2"


# ----- dns, certificate, api ---------------------------------------------------------------------


def test_health_check_is_https_and_validated(h):
    with pytest.raises(SpecError, match="interval_seconds"):
        HealthCheckProps(placement=h["us-east-1"], fqdn="x", interval_seconds=20)
    with pytest.raises(SpecError, match="failure_threshold"):
        HealthCheckProps(placement=h["us-east-1"], fqdn="x", failure_threshold=0)
    HealthCheck(
        h.stack, "hc", props=HealthCheckProps(placement=h["us-east-1"], fqdn="a.example.com")
    )
    out = _only(h.synth(), "aws_route53_health_check")
    assert (out["type"], out["port"], out["request_interval"], out["failure_threshold"]) == (
        "HTTPS",
        443,
        10,
        3,
    )


def test_weighted_alias_needs_its_regions_check(h):
    zone = HostedZone(
        h.stack, "z", props=HostedZoneProps(placement=h["us-east-1"], zone_name="dr.example.com")
    )
    check = HealthCheck(
        h.stack, "hc", props=HealthCheckProps(placement=h["us-east-1"], fqdn="a.example.com")
    )
    base = dict(
        zone=zone,
        record_name="api.dr.example.com",
        health_check=check,
        target_domain_name="d",
        target_zone_id="Z1",
    )
    with pytest.raises(SpecError, match="health_check"):
        WeightedAliasProps(placement=h["us-west-2"], weight=30, **base)
    with pytest.raises(SpecError, match="weight"):
        WeightedAliasProps(placement=h["us-east-1"], weight=101, **base)
    WeightedAlias(
        h.stack, "r", props=WeightedAliasProps(placement=h["us-east-1"], weight=70, **base)
    )
    record = _only(h.synth(), "aws_route53_record")
    assert (
        record["weighted_routing_policy"] == {"weight": 70}
        and record["set_identifier"] == "us-east-1"
    )


def test_api_uses_tls12_custom_domain_and_signed_records_routes(h):
    zone = HostedZone(
        h.stack, "z", props=HostedZoneProps(placement=h["us-east-1"], zone_name="dr.example.com")
    )
    cert = Certificate(
        h.stack,
        "c",
        props=CertificateProps(
            placement=h["us-east-1"], domain_name="api.dr.example.com", zone=zone
        ),
    )
    fn = _function(h)
    HttpApi(
        h.stack,
        "api",
        props=HttpApiProps(
            placement=h["us-east-1"],
            function=fn,
            domain_name="api.dr.example.com",
            certificate=cert,
            key=h.key(),
        ),
    )
    out = h.synth()
    domain = _only(out, "aws_apigatewayv2_domain_name")
    assert domain["domain_name_configuration"]["security_policy"] == "TLS_1_2"
    routes = {
        r["route_key"]: r["authorization_type"]
        for r in resources(out, "aws_apigatewayv2_route").values()
    }
    assert routes == {
        "GET /health": "NONE",
        "GET /records/{id}": "AWS_IAM",
        "PUT /records/{id}": "AWS_IAM",
    }
    assert "access_log_settings" in _only(out, "aws_apigatewayv2_stage")
