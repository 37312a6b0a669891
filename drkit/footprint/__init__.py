"""A regional footprint: everything one region runs, identical across regions but for its spec.

A footprint is the whole of its region's stack: it knows the other regions and the global
stacks only by the names and ARNs of ``drkit.regions.names`` (its roles by the ARNs of
``drkit.access``), never through a token of another stack, so its stack plans and applies
with every other region down. What connects regions is the topology's job, in stacks of
its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs
from cdktf import TerraformAsset
from constructs import Construct

from drkit import iam
from drkit.access import Access
from drkit.errors import SpecError
from drkit.footprint.functions import AUDITOR_SCHEDULE_MINUTES, build_functions
from drkit.footprint.release import Release, build_release
from drkit.regions import names
from drkit.regions.region import RegionSpec
from drkit.regions.spec import DeploymentSpec, Target
from drkit.services.acm import Certificate, CertificateProps
from drkit.services.apigateway import HttpApi, HttpApiProps
from drkit.services.backup import TableBackup, TableBackupProps
from drkit.services.cloudtrail import AuditTrail, AuditTrailProps, TrailBucket
from drkit.services.events import FunctionTrigger, FunctionTriggerProps, replica_arrival_pattern
from drkit.services.kms import EncryptionKey, EncryptionKeyProps
from drkit.services.lambda_ import RegionalFunction
from drkit.services.placement import Placement
from drkit.services.policy import PolicyDocument
from drkit.services.s3 import AccessLogBucket, AccessLogBucketProps, DataBucket, DataBucketProps
from drkit.services.sns import AlertTopic, AlertTopicProps
from drkit.services.ssm import DrainSwitch, DrainSwitchProps
from drkit.services.vpc import Network, NetworkProps
from drkit_runtime.access import own_services, peer_services


@attrs.frozen(kw_only=True)
class SharedResources:
    """What every footprint of a stack uses but none owns.

    Attributes:
        deployment: The whole deployment's spec (for names of the other regions' resources).
        code: The packaged Lambda code (``assets/runtime``).
        access: Every role of the deployment, as the stack's account sees it.
    """

    deployment: DeploymentSpec
    code: TerraformAsset
    access: Access


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
        trail_bucket: The audit trail's bucket (the primary's) or a replica of it.
        alerts: The region's alert topic.
        drain: The drain switch read by ``/health``.
        release: The region's release bucket, signing profile, code-signing configuration
            and signed archive.
        functions: ``purpose -> function``: ``api`` (the records API), ``health``
            (``/health``, alone), ``canary`` (replication lag), ``watcher`` (the peers'
            ``/health``).
        certificate: Certificate for the shared API name and the region's own, here.
        api: The region's HTTP API on both names.
        backup: The daily backups of this region's replicas.
        trail: The deployment's audit trail, in the primary's footprint only.
    """

    def __init__(self, scope: Construct, id: str, *, props: FootprintProps) -> None:
        super().__init__(scope, id)
        self.spec = props.spec
        self.placement = props.placement
        self._deployment = props.shared.deployment
        self._access = props.shared.access
        self._foundation()
        self._storage()
        p, d = self.placement, self._deployment
        self.alerts = AlertTopic(
            self, "alerts", props=AlertTopicProps(placement=p, key=self.key, emails=d.alert_emails)
        )
        self.drain = DrainSwitch(self, "drain", props=DrainSwitchProps(placement=p, key=self.key))
        self.release: Release = build_release(
            self,
            placement=p,
            code=props.shared.code,
            key=self.key,
            access_logs=self.access_logs,
            protect_data=d.protect_data,
        )
        self.functions = build_functions(
            self,
            deployment=d,
            placement=p,
            release=self.release,
            network=self.network,
            key=self.key,
            role_arns={purpose: self.role_arn(purpose) for purpose in names.FUNCTION_PURPOSES},
        )
        self._triggers()
        self._api()
        self._backup_and_audit()

    @property
    def region(self) -> str:
        return self.spec.region

    @property
    def api_function(self) -> RegionalFunction:
        return self.functions["api"]

    @property
    def health_function(self) -> RegionalFunction:
        return self.functions["health"]

    @property
    def canary_function(self) -> RegionalFunction:
        return self.functions["canary"]

    @property
    def watcher_function(self) -> RegionalFunction:
        return self.functions["watcher"]

    @property
    def auditor_function(self) -> RegionalFunction:
        return self.functions["auditor"]

    @property
    def peers(self) -> tuple[RegionSpec, ...]:
        return tuple(r for r in self._deployment.regions if r.region != self.region)

    def role_arn(self, purpose: str) -> str:
        """The ARN of the role ``purpose`` runs as here (made by the IAM stack)."""
        return self._access.role_arn(purpose, self.region)

    def _foundation(self) -> None:
        """The key everything here is encrypted with, and the network everything runs in."""
        d, p = self._deployment, self.placement
        self.key = EncryptionKey(
            self,
            "key",
            props=EncryptionKeyProps(placement=p, deletion_window_days=30 if d.protect_data else 7),
        )
        self.key.allow(self._access.key_statements(self.region))
        self.network = Network(
            self,
            "network",
            props=NetworkProps(
                placement=p,
                region_spec=self.spec,
                key=self.key,
                flow_logs_role_arn=self.role_arn(names.FLOW_LOGS.purpose),
                own_services=own_services(),
                peer_services=peer_services(),
                log_retention_days=d.log_retention_days,
            ),
        )
        own, peer = self._access.functions.endpoint_statements(self.region)
        _fill(self.network.endpoint_policies, own)
        _fill(self.network.peer_endpoint_policies, peer)
        for other in self.peers:
            # Peers reach only the endpoints meant for them; nothing reaches the functions.
            self.network.allow_peer(
                f"peer-{other.short}",
                cidr=other.cidr,
                description=f"HTTPS from peer VPC {other.region} to its interface endpoints",
            )
            self.network.allow_https_out(
                f"peer-{other.short}",
                cidr=other.cidr,
                description=f"HTTPS to peer VPC {other.region}",
            )

    def _storage(self) -> None:
        """The data bucket, the trail's bucket (or its replica), and their access-log bucket."""
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
                placement=p, key=self.key, access_logs=self.access_logs, protect_data=d.protect_data
            ),
        )
        self.trail_bucket: TrailBucket | None = None
        if not self.spec.is_primary:
            self.trail_bucket = TrailBucket(
                self,
                "trail-archive",
                placement=p,
                key=self.key,
                access_logs=self.access_logs,
                protect_data=d.protect_data,
                trail_arn=None,
            )

    def _triggers(self) -> None:
        """The canary every minute and whenever another region's canary object arrives; the
        watcher every minute; the auditor every hour."""
        p, fns = self.placement, self.functions
        for id, name, function, schedule, pattern in (
            ("canary-schedule", names.CANARY_SCHEDULE, fns["canary"], "rate(1 minute)", None),
            (
                "canary-objects",
                names.CANARY_OBJECTS,
                fns["canary"],
                None,
                replica_arrival_pattern(self.bucket),
            ),
            ("watch-schedule", names.WATCH_SCHEDULE, fns["watcher"], "rate(1 minute)", None),
            (
                "audit-schedule",
                names.AUDIT_SCHEDULE,
                fns["auditor"],
                f"rate({AUDITOR_SCHEDULE_MINUTES} minutes)",
                None,
            ),
        ):
            FunctionTrigger(
                self,
                id,
                props=FunctionTriggerProps(
                    placement=p,
                    name=name,
                    function=function,
                    schedule_expression=schedule,
                    event_pattern=pattern,
                ),
            )

    def _api(self) -> None:
        """The region's HTTP API on the shared name and its own, with one certificate for
        both (validated by the records the DNS stack made)."""
        d, p = self._deployment, self.placement
        regional_name = d.regional_api_domain_name(self.region)
        self.certificate = Certificate(
            self,
            "certificate",
            props=CertificateProps(
                placement=p,
                domain_name=d.api_domain_name,
                subject_alternative_names=(regional_name,),
            ),
        )
        self.api = HttpApi(
            self,
            "api",
            props=HttpApiProps(
                placement=p,
                function=self.api_function,
                health_function=self.health_function,
                domain_name=d.api_domain_name,
                regional_domain_name=regional_name,
                certificate=self.certificate,
                key=self.key,
                log_retention_days=d.log_retention_days,
            ),
        )

    def _backup_and_audit(self) -> None:
        """This region's backups; in the primary, the deployment's trail."""
        d, p = self._deployment, self.placement
        self.backup = TableBackup(
            self,
            "backup",
            props=TableBackupProps(
                placement=p,
                key=self.key,
                role_arn=self.role_arn(names.BACKUP.purpose),
                copy_regions=tuple(r.region for r in self.peers),
                protect_data=d.protect_data,
            ),
        )
        self.trail: AuditTrail | None = None
        if self.spec.is_primary:
            regions = [r.region for r in d.regions]
            self.trail = AuditTrail(
                self,
                "audit",
                props=AuditTrailProps(
                    placement=p,
                    key=self.key,
                    access_logs=self.access_logs,
                    logs_role_arn=self.role_arn(names.TRAIL_LOGS.purpose),
                    table_arns=[
                        t.arn(p.namer, p.account, r) for t in names.TABLES.values() for r in regions
                    ],
                    bucket_arns=[names.DATA_BUCKET.arn(p.namer, p.account, r) for r in regions],
                    log_retention_days=d.log_retention_days,
                    protect_data=d.protect_data,
                    topic_read_back_as_arn=d.target is Target.LOCAL,
                ),
            )
            self.trail_bucket = self.trail.bucket


def to_footprints(value: Iterable[RegionalFootprint]) -> tuple[RegionalFootprint, ...]:
    """The footprints as a tuple (the converter of the topology props' ``footprints``)."""
    return tuple(value)


def _fill(
    policies: Mapping[str, PolicyDocument], statements: Mapping[str, list[iam.Statement]]
) -> None:
    """Write each service's statements into its endpoint's policy document."""
    for service, found in statements.items():
        for statement in found:
            policies[service].add(statement)


class RegionFactory:
    """Builds footprints that differ only by their spec.

    Args:
        scope: Where footprints are added (a region's stack).
        placements: One placement (provider) per region, made once by the stack.
        shared: Code, the access model and the deployment spec every footprint uses.
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
