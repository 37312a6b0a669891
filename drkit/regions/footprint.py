"""A regional footprint: everything one region runs, identical across regions but for its spec.

Nothing here knows about other regions except their names (the canary and the
API read the spec's bucket map); what connects regions is the topology's job.
"""

from __future__ import annotations

import json

import attrs
from cdktf import TerraformAsset
from constructs import Construct

from drkit import iam
from drkit.naming import Kind
from drkit.regions.spec import DeploymentSpec, RegionSpec
from drkit.services.alerting import AlertTopic, AlertTopicProps
from drkit.services.api import HttpApi, HttpApiProps
from drkit.services.certificate import Certificate, CertificateProps
from drkit.services.compute import RegionalFunction, RegionalFunctionProps
from drkit.services.context import Placement
from drkit.services.dns import HostedZone
from drkit.services.events import FunctionTrigger, FunctionTriggerProps, replica_arrival_pattern
from drkit.services.kms import EncryptionKey, EncryptionKeyProps
from drkit.services.network import Network, NetworkProps
from drkit.services.parameters import DrainSwitch, DrainSwitchProps
from drkit.services.storage import (
    AccessLogBucket,
    AccessLogBucketProps,
    DataBucket,
    DataBucketProps,
)

METRIC_NAMESPACE = "DrKit/Replication"
API_HANDLER = "drkit_runtime.api.handler"
CANARY_HANDLER = "drkit_runtime.canary.handler"
CANARY_MEMORY_MB = 512
CANARY_RESERVED_CONCURRENCY = 5
# Route 53 wants the answer within 2 s of connecting; leave room for the network.
HEALTH_DEADLINE_MS = 1500
TABLE_PURPOSES = ("patient_records", "audit_logs")


@attrs.frozen(kw_only=True)
class SharedResources:
    """What every footprint uses but none owns.

    Attributes:
        deployment: The whole deployment's spec (for names of the other regions' resources).
        zone: The hosted zone of the API name.
        code: The packaged Lambda code (``assets/runtime``).
    """

    deployment: DeploymentSpec
    zone: HostedZone
    code: TerraformAsset


class RegionalFootprint(Construct):
    """One region's share of the platform.

    Attributes:
        spec: The region's spec.
        placement: Region, provider and naming for constructs added later.
        key: The region's customer-managed key.
        network: VPC, subnets, endpoints and the workload security group.
        access_logs: S3 server-access-log bucket.
        bucket: The region's data bucket.
        alerts: The region's alert topic.
        drain: The drain switch read by ``/health``.
        api_function: Serves ``/health`` and the records API.
        canary_function: Measures replication lag.
        certificate: Certificate for the shared API name, in this region.
        api: The region's HTTP API on the shared name.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: RegionSpec,
        placement: Placement,
        shared: SharedResources,
    ) -> None:
        super().__init__(scope, id)
        if placement.region != spec.region:
            raise ValueError("placement and spec name different regions")
        deployment = shared.deployment
        self.spec = spec
        self.placement = p = placement
        self.key = EncryptionKey(
            self,
            "key",
            props=EncryptionKeyProps(
                placement=p, deletion_window_days=30 if deployment.protect_data else 7
            ),
        )
        self.network = Network(
            self,
            "network",
            props=NetworkProps(
                placement=p,
                region_spec=spec,
                key=self.key,
                log_retention_days=deployment.log_retention_days,
            ),
        )
        self.access_logs = AccessLogBucket(
            self,
            "access-logs",
            props=AccessLogBucketProps(placement=p, protect_data=deployment.protect_data),
        )
        self.bucket = DataBucket(
            self,
            "bucket",
            props=DataBucketProps(
                placement=p,
                key=self.key,
                access_logs=self.access_logs,
                protect_data=deployment.protect_data,
            ),
        )
        self.alerts = AlertTopic(
            self,
            "alerts",
            props=AlertTopicProps(placement=p, key=self.key, emails=deployment.alert_emails),
        )
        self.drain = DrainSwitch(self, "drain", props=DrainSwitchProps(placement=p, key=self.key))

        environment = self._environment(deployment)
        self.api_function = RegionalFunction(
            self,
            "api-function",
            props=RegionalFunctionProps(
                placement=p,
                purpose="api",
                code=shared.code,
                handler=API_HANDLER,
                network=self.network,
                key=self.key,
                memory_mb=deployment.lambda_memory_mb,
                timeout_seconds=deployment.lambda_timeout_seconds,
                reserved_concurrency=deployment.lambda_reserved_concurrency,
                log_retention_days=deployment.log_retention_days,
                environment=environment,
                statements=(
                    iam.Statement(
                        sid="ReadDrainSwitch",
                        actions=("ssm:GetParameter",),
                        resources=(self.drain.parameter_arn,),
                    ),
                    iam.Statement(
                        sid="DecryptDrainSwitch",
                        actions=("kms:Decrypt",),
                        resources=(self.key.key_arn,),
                        conditions={
                            "StringEquals": {"kms:ViaService": f"ssm.{spec.region}.amazonaws.com"}
                        },
                    ),
                    *deployment.extra_api_statements,
                ),
            ),
        )
        self.canary_function = RegionalFunction(
            self,
            "canary-function",
            props=RegionalFunctionProps(
                placement=p,
                purpose="canary",
                code=shared.code,
                handler=CANARY_HANDLER,
                network=self.network,
                key=self.key,
                memory_mb=CANARY_MEMORY_MB,
                timeout_seconds=deployment.lambda_timeout_seconds,
                reserved_concurrency=CANARY_RESERVED_CONCURRENCY,
                log_retention_days=deployment.log_retention_days,
                environment=environment,
                statements=(
                    iam.Statement(
                        sid="PublishReplicationMetrics",
                        actions=("cloudwatch:PutMetricData",),
                        resources=("*",),
                        conditions={"StringEquals": {"cloudwatch:namespace": METRIC_NAMESPACE}},
                    ),
                ),
            ),
        )
        FunctionTrigger(
            self,
            "canary-schedule",
            props=FunctionTriggerProps(
                placement=p,
                purpose="canary-schedule",
                function=self.canary_function,
                schedule_expression="rate(1 minute)",
            ),
        )
        FunctionTrigger(
            self,
            "canary-objects",
            props=FunctionTriggerProps(
                placement=p,
                purpose="canary-objects",
                function=self.canary_function,
                event_pattern=replica_arrival_pattern(self.bucket),
            ),
        )
        self.certificate = Certificate(
            self,
            "certificate",
            props=CertificateProps(
                placement=p, domain_name=deployment.api_domain_name, zone=shared.zone
            ),
        )
        self.api = HttpApi(
            self,
            "api",
            props=HttpApiProps(
                placement=p,
                function=self.api_function,
                domain_name=deployment.api_domain_name,
                certificate=self.certificate,
                key=self.key,
                log_retention_days=deployment.log_retention_days,
            ),
        )

    @property
    def region(self) -> str:
        return self.spec.region

    def _environment(self, deployment: DeploymentSpec) -> dict[str, str]:
        namer = deployment.namer
        return {
            "DRKIT_REGION": self.spec.region,
            "DRKIT_ROLE": self.spec.role.value,
            "DRKIT_REGIONS": ",".join(r.region for r in deployment.regions),
            "DRKIT_PATIENT_TABLE": namer(Kind.DYNAMODB_TABLE, "patient_records"),
            "DRKIT_AUDIT_TABLE": namer(Kind.DYNAMODB_TABLE, "audit_logs"),
            "DRKIT_BUCKET": self.bucket.bucket_name,
            "DRKIT_BUCKETS": json.dumps(
                {r.region: namer(Kind.S3_BUCKET, "data", r.region) for r in deployment.regions},
                separators=(",", ":"),
            ),
            "DRKIT_DRAIN_PARAMETER": self.drain.parameter_name,
            "DRKIT_METRIC_NAMESPACE": METRIC_NAMESPACE,
            "DRKIT_HEALTH_DEADLINE_MS": str(HEALTH_DEADLINE_MS),
        }
