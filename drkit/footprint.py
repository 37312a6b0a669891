"""A regional footprint: everything one region runs, identical across regions but for its spec.

Nothing here knows about other regions except their names (the canary and the
API read the spec's bucket map); what connects regions is the topology's job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import attrs
from cdktf import TerraformAsset
from constructs import Construct

from drkit import iam
from drkit.regions.naming import ResourceType
from drkit.regions.spec import DeploymentSpec, RegionSpec
from drkit.services.acm import Certificate, CertificateProps
from drkit.services.apigateway import HttpApi, HttpApiProps
from drkit.services.events import FunctionTrigger, FunctionTriggerProps, replica_arrival_pattern
from drkit.services.kms import EncryptionKey, EncryptionKeyProps
from drkit.services.lambda_ import RegionalFunction, RegionalFunctionProps
from drkit.services.placement import Placement
from drkit.services.route53 import HostedZone
from drkit.services.s3 import (
    AccessLogBucket,
    AccessLogBucketProps,
    DataBucket,
    DataBucketProps,
)
from drkit.services.sns import AlertTopic, AlertTopicProps
from drkit.services.ssm import DrainSwitch, DrainSwitchProps
from drkit.services.vpc import Network, NetworkProps
from drkit_runtime import contract

CANARY_MEMORY_MB = 512
CANARY_RESERVED_CONCURRENCY = 5


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
                handler=contract.API_HANDLER,
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
                handler=contract.CANARY_HANDLER,
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
                        conditions={
                            "StringEquals": {"cloudwatch:namespace": contract.METRIC_NAMESPACE}
                        },
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
            contract.ENV_REGION: self.spec.region,
            contract.ENV_ROLE: self.spec.role.value,
            contract.ENV_REGIONS: ",".join(r.region for r in deployment.regions),
            contract.ENV_PATIENT_TABLE: namer(
                ResourceType.DYNAMODB_TABLE, contract.PATIENT_RECORDS
            ),
            contract.ENV_AUDIT_TABLE: namer(ResourceType.DYNAMODB_TABLE, contract.AUDIT_LOGS),
            contract.ENV_BUCKET: self.bucket.bucket_name,
            contract.ENV_BUCKETS: json.dumps(
                {
                    r.region: namer(ResourceType.S3_BUCKET, "data", r.region)
                    for r in deployment.regions
                },
                separators=(",", ":"),
            ),
            contract.ENV_DRAIN_PARAMETER: self.drain.parameter_name,
            contract.ENV_METRIC_NAMESPACE: contract.METRIC_NAMESPACE,
            contract.ENV_HEALTH_DEADLINE_MS: str(contract.HEALTH_DEADLINE_MS),
        }


class RegionFactory:
    """Builds footprints that differ only by their spec.

    Args:
        scope: Where footprints are added (the stack).
        placements: One placement (provider) per region, made once by the stack.
        shared: Zone, code and the deployment spec every footprint uses.
    """

    def __init__(
        self, scope: Construct, *, placements: Mapping[str, Placement], shared: SharedResources
    ) -> None:
        self._scope = scope
        self._placements = placements
        self._shared = shared

    def build(self, spec: RegionSpec) -> RegionalFootprint:
        """The footprint of ``spec``; its construct id is the region name (a contract)."""
        return RegionalFootprint(
            self._scope,
            spec.region,
            spec=spec,
            placement=self._placements[spec.region],
            shared=self._shared,
        )
