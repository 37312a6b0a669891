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

from drkit.errors import SpecError
from drkit.regions.naming import ResourceType
from drkit.regions.quotas import WATCHER_MEMORY_MB, WATCHER_RESERVED_CONCURRENCY
from drkit.regions.spec import DeploymentSpec, RegionSpec
from drkit.services.acm import Certificate, CertificateProps, DomainValidation
from drkit.services.apigateway import HttpApi, HttpApiProps
from drkit.services.events import FunctionTrigger, FunctionTriggerProps, replica_arrival_pattern
from drkit.services.kms import EncryptionKey, EncryptionKeyProps
from drkit.services.lambda_ import RegionalFunction, RegionalFunctionProps
from drkit.services.placement import Placement
from drkit.services.policy import lazy_string
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
from drkit_runtime.access import own_services, peer_services

CANARY_MEMORY_MB = 512
CANARY_RESERVED_CONCURRENCY = 5
#: The watcher probes a handful of peers at once, each within a few seconds.
WATCHER_TIMEOUT_SECONDS = 20


@attrs.frozen(kw_only=True)
class SharedResources:
    """What every footprint uses but none owns.

    Attributes:
        deployment: The whole deployment's spec (for names of the other regions' resources).
        zone: The hosted zone of the API name.
        code: The packaged Lambda code (``assets/runtime``).
        validation: The API names' certificate-validation records, made once for all regions.
    """

    deployment: DeploymentSpec
    zone: HostedZone
    code: TerraformAsset
    validation: DomainValidation


@attrs.frozen(kw_only=True)
class FootprintProps:
    """Props of :class:`RegionalFootprint`.

    Attributes:
        spec: The region's spec.
        placement: The region's placement (its provider, made once by the stack).
        shared: What every footprint uses.
    """

    spec: RegionSpec
    placement: Placement
    shared: SharedResources

    def __attrs_post_init__(self) -> None:
        if self.placement.region != self.spec.region:
            raise SpecError("placement", self.placement.region, f"the spec's {self.spec.region}")


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
        watcher_function: Probes every other region's /health from outside the VPC.
        watch_targets: ``peer region -> URL`` the watcher probes (filled by the topology
            from each peer's health check).
        certificate: Certificate for the shared API name, in this region.
        api: The region's HTTP API on the shared name.
    """

    def __init__(self, scope: Construct, id: str, *, props: FootprintProps) -> None:
        super().__init__(scope, id)
        self.spec = props.spec
        self.placement = props.placement
        self._deployment = props.shared.deployment
        self.peer_endpoints: dict[str, dict[str, str]] = {}
        self.watch_targets: dict[str, str] = {}
        self._foundation()
        self._storage()
        self.alerts = AlertTopic(
            self,
            "alerts",
            props=AlertTopicProps(
                placement=self.placement, key=self.key, emails=self._deployment.alert_emails
            ),
        )
        self.drain = DrainSwitch(
            self, "drain", props=DrainSwitchProps(placement=self.placement, key=self.key)
        )
        environment = self._environment(self._deployment)
        self.api_function = self._api_function(props.shared.code, environment)
        self.canary_function = self._canary_function(props.shared.code, environment)
        self._canary_triggers()
        self.watcher_function = self._watcher(props.shared.code)
        self._api(props.shared.validation)

    @property
    def region(self) -> str:
        return self.spec.region

    @property
    def functions(self) -> dict[str, RegionalFunction]:
        """``purpose -> function``; the purposes are the access declaration's."""
        return {
            "api": self.api_function,
            "canary": self.canary_function,
            "watcher": self.watcher_function,
        }

    def _foundation(self) -> None:
        """The key everything here is encrypted with, and the network everything runs in."""
        d, p = self._deployment, self.placement
        self.key = EncryptionKey(
            self,
            "key",
            props=EncryptionKeyProps(placement=p, deletion_window_days=30 if d.protect_data else 7),
        )
        self.network = Network(
            self,
            "network",
            props=NetworkProps(
                placement=p,
                region_spec=self.spec,
                key=self.key,
                own_services=own_services(),
                peer_services=peer_services(),
                log_retention_days=d.log_retention_days,
            ),
        )

    def _storage(self) -> None:
        """The data bucket and the bucket its access logs go to."""
        d, p = self._deployment, self.placement
        self.access_logs = AccessLogBucket(
            self,
            "access-logs",
            props=AccessLogBucketProps(placement=p, protect_data=d.protect_data),
        )
        self.bucket = DataBucket(
            self,
            "bucket",
            props=DataBucketProps(
                placement=p,
                key=self.key,
                access_logs=self.access_logs,
                protect_data=d.protect_data,
            ),
        )

    def _api_function(self, code: TerraformAsset, environment: dict[str, str]) -> RegionalFunction:
        """Serves /health and the records API; reads its region's drain switch."""
        d = self._deployment
        return RegionalFunction(
            self,
            "api-function",
            props=RegionalFunctionProps(
                placement=self.placement,
                purpose="api",
                code=code,
                handler=contract.API_HANDLER,
                network=self.network,
                key=self.key,
                memory_mb=d.lambda_memory_mb,
                timeout_seconds=d.lambda_timeout_seconds,
                reserved_concurrency=d.lambda_reserved_concurrency,
                log_retention_days=d.log_retention_days,
                environment=environment,
            ),
        )

    def _canary_function(
        self, code: TerraformAsset, environment: dict[str, str]
    ) -> RegionalFunction:
        """Writes heartbeats and publishes the replication lag it measures."""
        d = self._deployment
        return RegionalFunction(
            self,
            "canary-function",
            props=RegionalFunctionProps(
                placement=self.placement,
                purpose="canary",
                code=code,
                handler=contract.CANARY_HANDLER,
                network=self.network,
                key=self.key,
                memory_mb=CANARY_MEMORY_MB,
                timeout_seconds=d.lambda_timeout_seconds,
                reserved_concurrency=CANARY_RESERVED_CONCURRENCY,
                log_retention_days=d.log_retention_days,
                environment=environment,
            ),
        )

    def _canary_triggers(self) -> None:
        """Every minute, and whenever another region's canary object arrives here."""
        p = self.placement
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

    def _watcher(self, code: TerraformAsset) -> RegionalFunction:
        """Every minute, this region's view of the others' /health, published here.

        Outside the VPC: the private subnets have no route to a peer's public name, and the
        watcher holds no data permission, so it needs no place inside.
        """
        p = self.placement
        function = RegionalFunction(
            self,
            "watcher-function",
            props=RegionalFunctionProps(
                placement=p,
                purpose="watcher",
                code=code,
                handler=contract.WATCHER_HANDLER,
                network=None,
                key=self.key,
                memory_mb=WATCHER_MEMORY_MB,
                timeout_seconds=WATCHER_TIMEOUT_SECONDS,
                reserved_concurrency=WATCHER_RESERVED_CONCURRENCY,
                log_retention_days=self._deployment.log_retention_days,
                environment={
                    contract.ENV_REGION: self.spec.region,
                    contract.ENV_WATCH_TARGETS: lazy_string(
                        lambda: json.dumps(
                            self.watch_targets, separators=(",", ":"), sort_keys=True
                        )
                    ),
                },
            ),
        )
        FunctionTrigger(
            self,
            "watch-schedule",
            props=FunctionTriggerProps(
                placement=p,
                purpose="watch-schedule",
                function=function,
                schedule_expression="rate(1 minute)",
            ),
        )
        return function

    def _api(self, validation: DomainValidation) -> None:
        """The region's HTTP API on the shared name and on its own, with one certificate for
        both (validated by records outside this footprint)."""
        d, p = self._deployment, self.placement
        regional_name = d.regional_api_domain_name(self.region)
        self.certificate = Certificate(
            self,
            "certificate",
            props=CertificateProps(
                placement=p,
                domain_name=d.api_domain_name,
                subject_alternative_names=(regional_name,),
                validation=validation,
            ),
        )
        self.api = HttpApi(
            self,
            "api",
            props=HttpApiProps(
                placement=p,
                function=self.api_function,
                domain_name=d.api_domain_name,
                regional_domain_name=regional_name,
                certificate=self.certificate,
                key=self.key,
                log_retention_days=d.log_retention_days,
            ),
        )

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
            # Filled by the topology once every region's endpoints exist.
            contract.ENV_PEER_ENDPOINTS: lazy_string(
                lambda: json.dumps(self.peer_endpoints, separators=(",", ":"), sort_keys=True)
            ),
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
            props=FootprintProps(
                spec=spec, placement=self._placements[spec.region], shared=self._shared
            ),
        )
