"""The drkit stack: providers, shared resources, one footprint per region, and the topology."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cdktf import (
    App,
    AssetType,
    LocalBackend,
    S3Backend,
    TerraformAsset,
    TerraformOutput,
    TerraformStack,
)
from constructs import Construct

import drkit_runtime
from drkit.assets import stage_sources
from drkit.aws import (
    AwsProvider,
    AwsProviderDefaultTags,
    AwsProviderEndpoints,
    DataAwsCallerIdentity,
    DataAwsPartition,
)
from drkit.footprint import RegionalFootprint, RegionFactory, SharedResources
from drkit.regions.catalog import ROUTE53_METRICS_REGION, short_code
from drkit.regions.spec import DeploymentSpec, Target
from drkit.services.acm import DomainValidation, DomainValidationProps
from drkit.services.kms import EncryptionKey, EncryptionKeyProps
from drkit.services.placement import Account, Placement
from drkit.services.route53 import HostedZone, HostedZoneProps, ZoneProtection, ZoneProtectionProps
from drkit.services.sns import AlertTopic, AlertTopicProps
from drkit.topology import MetricsRegion, Topology, TopologyProps
from drkit_runtime.contract import STACK_NAME

RUNTIME_DIR = Path(drkit_runtime.__file__).resolve().parent.parent
#: Services the stack calls; for the local target each is pointed at the emulator.
LOCAL_ENDPOINT_SERVICES = (
    "acm",
    "apigatewayv2",
    "backup",
    "cloudtrail",
    "cloudwatch",
    "dynamodb",
    "ec2",
    "events",
    "iam",
    "kms",
    "lambda_",
    "logs",
    "route53",
    "s3",
    "sns",
    "sqs",
    "ssm",
    "sts",
)


class DisasterRecoveryStack(TerraformStack):
    """The whole multi-region platform for one ``DeploymentSpec``.

    Attributes:
        spec: The deployment spec.
        footprints: One per region, in spec order.
        topology: What connects them.
        zone: The API's hosted zone.
    """

    def __init__(self, scope: Construct, id: str = STACK_NAME, *, spec: DeploymentSpec) -> None:
        super().__init__(scope, id)
        self.spec = spec
        if spec.backend is not None:
            self._remote_state(spec)
        elif spec.target is Target.LOCAL:
            self._local_state(id)
        placements = self._placements(spec)
        self.zone = HostedZone(
            self,
            "zone",
            props=HostedZoneProps(
                placement=placements[spec.primary.region],
                zone_name=spec.dns_zone_name,
                existing_zone_id=spec.existing_zone_id,
                protect_data=spec.protect_data,
            ),
        )
        # The names' validation records, outside every footprint: one per name for all regions.
        self.validation = DomainValidation(
            self,
            "certificate-validation",
            props=DomainValidationProps(placement=placements[spec.primary.region], zone=self.zone),
        )
        code = TerraformAsset(
            self, "runtime-code", path=str(stage_sources(RUNTIME_DIR)), type=AssetType.ARCHIVE
        )
        factory = RegionFactory(
            self,
            placements=placements,
            shared=SharedResources(
                deployment=spec, zone=self.zone, code=code, validation=self.validation
            ),
        )
        self.footprints: list[RegionalFootprint] = [factory.build(r) for r in spec.regions]
        metrics_region = self._metrics_region(placements[ROUTE53_METRICS_REGION])
        if spec.existing_zone_id is None:
            ZoneProtection(
                self,
                "zone-protection",
                props=ZoneProtectionProps(
                    placement=metrics_region.placement,
                    zone=self.zone,
                    log_key=metrics_region.key,
                    log_retention_days=spec.log_retention_days,
                    protect_data=spec.protect_data,
                ),
            )
        self.topology = Topology(
            self,
            "topology",
            props=TopologyProps(
                deployment=spec,
                footprints=self.footprints,
                zone=self.zone,
                metrics_region=metrics_region,
                signed=spec.existing_zone_id is None,
            ),
        )
        self._outputs()

    def to_terraform(self) -> Any:
        """The stack's Terraform JSON, without each block's ``//`` construct metadata.

        The cdktf CLI matches every line Terraform prints against every block that
        carries a construct path (a new RegExp per pair) to append that path, which
        a logical ID here already spells. In a three-region ``cdktf deploy`` that
        was most of the CLI's CPU time (docs/emulator.md, "Known limits").
        """
        document = super().to_terraform()
        for kind in ("resource", "data"):
            for blocks in document.get(kind, {}).values():
                for block in blocks.values():
                    block.pop("//", None)
        return document

    def _remote_state(self, spec: DeploymentSpec) -> None:
        backend = spec.backend
        S3Backend(self, bucket=backend.bucket, key=backend.key, region=backend.region, encrypt=True)
        # cdktf 0.21's S3Backend predates S3-native locking (Terraform 1.10+).
        self.add_override("terraform.backend.s3.use_lockfile", backend.use_lockfile)

    def _local_state(self, stack_id: str) -> None:
        """An emulator deployment keeps its state in its synth output directory.

        cdktf's default is ``terraform.<stack>.tfstate`` in the directory the app
        runs in, which for ``cdktf deploy`` is the project: the file a real
        deployment's state is in. Beside the output instead, ``cdktf deploy
        --output .drkit/demo/cdktf.out`` finds the state ``drkit demo`` made there,
        and nothing deployed to an emulator can ever land in the real state.
        """
        outdir = Path(App.of(self).outdir).resolve()
        LocalBackend(self, path=str(outdir / f"terraform.{stack_id}.tfstate"))

    def _placements(self, spec: DeploymentSpec) -> dict[str, Placement]:
        """One provider per region, plus us-east-1 for Route 53's metrics if no region is there."""
        providers = {r.region: self._provider(r.region) for r in spec.regions}
        if ROUTE53_METRICS_REGION not in providers:
            providers[ROUTE53_METRICS_REGION] = self._provider(ROUTE53_METRICS_REGION)
        primary_provider = providers[spec.primary.region]
        identity = DataAwsCallerIdentity(self, "account", provider=primary_provider)
        partition = DataAwsPartition(self, "partition", provider=primary_provider)
        account = Account(account_id=identity.account_id, partition=partition.partition)
        return {
            region: Placement(provider=provider, region=region, namer=spec.namer, account=account)
            for region, provider in providers.items()
        }

    def _provider(self, region: str) -> AwsProvider:
        spec = self.spec
        local = spec.target is Target.LOCAL
        endpoint = spec.local_endpoint
        return AwsProvider(
            self,
            f"aws-{short_code(region)}",
            alias=short_code(region),
            region=region,
            default_tags=[AwsProviderDefaultTags(tags=spec.all_tags)],
            # The local target must never leak into a real deployment: these
            # settings exist only when the spec says Target.LOCAL.
            endpoints=[AwsProviderEndpoints(**dict.fromkeys(LOCAL_ENDPOINT_SERVICES, endpoint))]
            if local
            else None,
            # Credentials come from the environment: the emulator's deployer once it
            # enforces IAM (drkit.deploy.local), never a key written into the stack.
            skip_credentials_validation=True if local else None,
            skip_requesting_account_id=True if local else None,
            skip_metadata_api_check="true" if local else None,
            s3_use_path_style=True if local else None,
            # A dead emulator should fail an apply in seconds, not after the
            # SDK's 25 retries meant for AWS throttling.
            max_retries=3 if local else None,
        )

    def _metrics_region(self, placement: Placement) -> MetricsRegion:
        """us-east-1's topic: a footprint's if the deployment has one there, else one of its own."""
        for f in self.footprints:
            if f.region == placement.region:
                return MetricsRegion(placement=placement, key=f.key, topic=f.alerts)
        key = EncryptionKey(
            self, "metrics-region-key", props=EncryptionKeyProps(placement=placement)
        )
        topic = AlertTopic(
            self,
            "metrics-region-alerts",
            props=AlertTopicProps(placement=placement, key=key, emails=self.spec.alert_emails),
        )
        return MetricsRegion(placement=placement, key=key, topic=topic)

    def _outputs(self) -> None:
        TerraformOutput(self, "api_domain_name", value=self.spec.api_domain_name)
        TerraformOutput(self, "zone_id", value=self.zone.zone_id)
        for f in self.footprints:
            short = f.spec.short
            TerraformOutput(self, f"api_endpoint_{short}", value=f"https://{f.api.endpoint_host}")
            TerraformOutput(
                self, f"api_regional_domain_name_{short}", value=f.api.regional_domain_name
            )
            TerraformOutput(self, f"bucket_{short}", value=f.bucket.bucket_name)
        for purpose, table in self.topology.data.tables.items():
            TerraformOutput(self, f"table_{purpose}", value=table.table_name)
