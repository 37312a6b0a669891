"""Read a deployed stack back from the (emulated) AWS account, with boto3.

What the demo prints and what the end-to-end tests assert come from the
account itself, not from the JSON drkit wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from drkit.regions import names
from drkit.regions.catalog import ROUTE53_METRICS_REGION
from drkit.regions.spec import DeploymentSpec
from drkit_runtime.contract import AUDIT_LOGS, PATIENT_RECORDS

ClientFactory = Callable[[str, str], Any]  # (service, region) -> boto3 client


@attrs.frozen(kw_only=True)
class WeightedRecord:
    region: str
    weight: int
    health_check_id: str | None
    target: str


@attrs.frozen(kw_only=True)
class HealthCheckView:
    region: str
    type: str
    fqdn: str
    path: str
    interval_seconds: int
    failure_threshold: int


@attrs.frozen(kw_only=True)
class TableView:
    name: str
    region: str
    replica_regions: tuple[str, ...]
    pitr_by_region: dict[str, bool]
    kms_key_by_region: dict[str, str | None]


@attrs.frozen(kw_only=True)
class BucketView:
    name: str
    region: str
    versioning: str | None
    sse_algorithm: str | None
    kms_key: str | None
    replication_targets: tuple[str, ...]
    replica_keys: tuple[str, ...]


@attrs.frozen(kw_only=True)
class PeeringView:
    requester: str
    accepter: str
    status: str
    routes_requester: int
    routes_accepter: int


@attrs.frozen(kw_only=True)
class DeploymentView:
    """What is deployed, as the account reports it."""

    records: tuple[WeightedRecord, ...]
    health_checks: dict[str, HealthCheckView]
    api_endpoints: dict[str, str]
    tables: tuple[TableView, ...]
    buckets: tuple[BucketView, ...]
    alarms_by_region: dict[str, list[dict[str, Any]]]
    dashboards: tuple[str, ...]
    topics_by_region: dict[str, list[str]]
    subscriptions_by_region: dict[str, list[dict[str, Any]]]
    peerings: tuple[PeeringView, ...]


def describe(spec: DeploymentSpec, client: ClientFactory) -> DeploymentView:
    """Read everything the summary and the end-to-end checks need."""
    regions = [r.region for r in spec.regions]
    records = _weighted_records(spec, client)
    alarm_regions = sorted({*regions, ROUTE53_METRICS_REGION})
    primary_cloudwatch = client("cloudwatch", spec.primary.region)
    return DeploymentView(
        records=tuple(sorted(records, key=lambda r: -r.weight)),
        health_checks=_health_checks(records, client("route53", ROUTE53_METRICS_REGION)),
        api_endpoints={r: _api_endpoint(spec, client("apigatewayv2", r), r) for r in regions},
        tables=tuple(_table(spec, client, purpose) for purpose in (PATIENT_RECORDS, AUDIT_LOGS)),
        buckets=tuple(_bucket(spec, client("s3", r), r) for r in regions),
        alarms_by_region={
            r: client("cloudwatch", r).describe_alarms(MaxRecords=100)["MetricAlarms"]
            for r in alarm_regions
        },
        dashboards=tuple(
            d["DashboardName"] for d in primary_cloudwatch.list_dashboards()["DashboardEntries"]
        ),
        topics_by_region={
            r: [t["TopicArn"] for t in client("sns", r).list_topics()["Topics"]]
            for r in alarm_regions
        },
        subscriptions_by_region={
            r: client("sns", r).list_subscriptions()["Subscriptions"] for r in alarm_regions
        },
        peerings=tuple(p for r in regions for p in _peerings(client, r)),
    )


def _weighted_records(spec: DeploymentSpec, client: ClientFactory) -> list[WeightedRecord]:
    route53 = client("route53", ROUTE53_METRICS_REGION)
    zone = next(
        z
        for z in route53.list_hosted_zones()["HostedZones"]
        if z["Name"].rstrip(".") == spec.dns_zone_name
    )
    rrsets = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
    return [
        WeightedRecord(
            region=rrset["SetIdentifier"],
            weight=rrset["Weight"],
            health_check_id=rrset.get("HealthCheckId"),
            target=rrset.get("AliasTarget", {}).get("DNSName", ""),
        )
        for rrset in rrsets
        if rrset["Name"].rstrip(".") == spec.api_domain_name and "Weight" in rrset
    ]


def _health_checks(records: list[WeightedRecord], route53: Any) -> dict[str, HealthCheckView]:
    checks = {}
    for record in records:
        if record.health_check_id:
            answer = route53.get_health_check(HealthCheckId=record.health_check_id)
            config = answer["HealthCheck"]["HealthCheckConfig"]
            checks[record.region] = HealthCheckView(
                region=record.region,
                type=config["Type"],
                fqdn=config.get("FullyQualifiedDomainName", ""),
                path=config.get("ResourcePath", ""),
                interval_seconds=config["RequestInterval"],
                failure_threshold=config["FailureThreshold"],
            )
    return checks


def _api_endpoint(spec: DeploymentSpec, apigatewayv2: Any, region: str) -> str:
    name = names.API(spec.namer, region)
    return next(
        (a["ApiEndpoint"] for a in apigatewayv2.get_apis()["Items"] if a["Name"] == name), ""
    )


def _table(spec: DeploymentSpec, client: ClientFactory, purpose: str) -> TableView:
    name = names.TABLES[purpose](spec.namer)
    described = client("dynamodb", spec.primary.region).describe_table(TableName=name)["Table"]
    replicas = tuple(r["RegionName"] for r in described.get("Replicas", []))
    pitr, keys = {}, {}
    for region in (spec.primary.region, *replicas):
        ddb = client("dynamodb", region)
        status = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        pitr[region] = (
            status["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
        )
        keys[region] = (
            ddb.describe_table(TableName=name)["Table"]
            .get("SSEDescription", {})
            .get("KMSMasterKeyArn")
        )
    return TableView(
        name=name,
        region=spec.primary.region,
        replica_regions=replicas,
        pitr_by_region=pitr,
        kms_key_by_region=keys,
    )


def _bucket(spec: DeploymentSpec, s3: Any, region: str) -> BucketView:
    name = names.DATA_BUCKET(spec.namer, region)
    encryption = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]
    default = encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    try:
        rules = s3.get_bucket_replication(Bucket=name)["ReplicationConfiguration"]["Rules"]
    except s3.exceptions.ClientError:
        rules = []
    return BucketView(
        name=name,
        region=region,
        versioning=s3.get_bucket_versioning(Bucket=name).get("Status"),
        sse_algorithm=default.get("SSEAlgorithm"),
        kms_key=default.get("KMSMasterKeyID"),
        replication_targets=tuple(r["Destination"]["Bucket"].split(":::")[-1] for r in rules),
        replica_keys=tuple(
            r["Destination"].get("EncryptionConfiguration", {}).get("ReplicaKmsKeyID", "")
            for r in rules
        ),
    )


def _peerings(client: ClientFactory, region: str) -> list[PeeringView]:
    """The peering connections ``region`` requested."""
    ec2 = client("ec2", region)
    found = []
    for pcx in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]:
        if pcx["RequesterVpcInfo"].get("Region", region) != region:
            continue
        accepter_region = pcx["AccepterVpcInfo"].get("Region", region)
        found.append(
            PeeringView(
                requester=region,
                accepter=accepter_region,
                status=pcx["Status"]["Code"],
                routes_requester=_routes_via(ec2, pcx["VpcPeeringConnectionId"]),
                routes_accepter=_routes_via(
                    client("ec2", accepter_region), pcx["VpcPeeringConnectionId"]
                ),
            )
        )
    return found


def _routes_via(ec2: Any, peering_id: str) -> int:
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "route.vpc-peering-connection-id", "Values": [peering_id]}]
    )
    return sum(
        1
        for table in tables["RouteTables"]
        for route in table["Routes"]
        if route.get("VpcPeeringConnectionId") == peering_id
    )


def leftovers(spec: DeploymentSpec, client: ClientFactory) -> list[str]:
    """What of the stack is still in the account (empty after a clean destroy)."""
    suffix = spec.environment_suffix
    found: list[str] = []
    for region in sorted({*(r.region for r in spec.regions), ROUTE53_METRICS_REGION}):
        found += _regional_leftovers(client, region, suffix)
        found += _kms_leftovers(client("kms", region), region)
    s3 = client("s3", spec.primary.region)
    found += [
        f"bucket {b['Name']}" for b in s3.list_buckets()["Buckets"] if b["Name"].endswith(suffix)
    ]
    iam = client("iam", spec.primary.region)
    found += [
        f"role {r['RoleName']}" for r in iam.list_roles()["Roles"] if r["RoleName"].endswith(suffix)
    ]
    route53 = client("route53", ROUTE53_METRICS_REGION)
    found += [f"zone {z['Name']}" for z in route53.list_hosted_zones()["HostedZones"]]
    found += [f"health check {h['Id']}" for h in route53.list_health_checks()["HealthChecks"]]
    return found


def _regional_leftovers(client: ClientFactory, region: str, suffix: str) -> list[str]:
    """Tables, functions, alarms, topics, queues, VPCs and peerings left in ``region``."""
    ec2 = client("ec2", region)
    return [
        *(
            f"dynamodb table {t} ({region})"
            for t in client("dynamodb", region).list_tables()["TableNames"]
            if t.endswith(suffix)
        ),
        *(
            f"lambda {f['FunctionName']} ({region})"
            for f in client("lambda", region).list_functions()["Functions"]
            if f["FunctionName"].endswith(suffix)
        ),
        *(
            f"alarm {a['AlarmName']} ({region})"
            for a in client("cloudwatch", region).describe_alarms()["MetricAlarms"]
        ),
        *(
            f"topic {t['TopicArn']}"
            for t in client("sns", region).list_topics()["Topics"]
            if t["TopicArn"].endswith(suffix)
        ),
        *(
            f"queue {q}"
            for q in client("sqs", region).list_queues().get("QueueUrls", [])
            if q.endswith(suffix)
        ),
        *(
            f"vpc {v['VpcId']} ({region})"
            for v in ec2.describe_vpcs()["Vpcs"]
            if not v.get("IsDefault")
        ),
        *(
            f"peering {p['VpcPeeringConnectionId']} ({region})"
            for p in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
            if p["Status"]["Code"] not in ("deleted", "rejected", "failed")
        ),
    ]


def _kms_leftovers(kms: Any, region: str) -> list[str]:
    """Customer managed keys in ``region`` not scheduled for deletion."""
    # AWS creates its managed keys (alias/aws/...) on first use; they are
    # not the stack's and cannot be deleted (moto labels them CUSTOMER).
    aws_managed = {
        a["TargetKeyId"]
        for a in kms.list_aliases()["Aliases"]
        if a["AliasName"].startswith("alias/aws/") and "TargetKeyId" in a
    }
    found = []
    for key in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        if key["KeyId"] in aws_managed or meta["KeyManager"] != "CUSTOMER":
            continue
        if meta["KeyState"] not in ("PendingDeletion", "PendingReplicaDeletion"):
            found.append(f"kms key {meta['KeyId']} ({region}, {meta['KeyState']})")
    return found
