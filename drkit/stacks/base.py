"""What every drkit stack has: its providers (one per region it calls), its state, its account.

A stack configures a provider only for the regions its plan names
(``drkit.regions.stacks``); a region's stack has exactly one. The account and partition
come from the stack's own first provider (STS of that region), never from another stack.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cdktf import App, LocalBackend, S3Backend, TerraformStack
from constructs import Construct

from drkit.aws import (
    AwsProvider,
    AwsProviderDefaultTags,
    AwsProviderEndpoints,
    DataAwsCallerIdentity,
    DataAwsPartition,
)
from drkit.regions.catalog import short_code
from drkit.regions.names import Account
from drkit.regions.spec import DeploymentSpec, Target
from drkit.regions.stacks import StackPlan
from drkit.services.placement import Placement

#: Services the stacks call; for the local target each is pointed at the emulator.
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
    "signer",
    "sns",
    "sqs",
    "ssm",
    "sts",
)


class DrkitStack(TerraformStack):
    """One stack of a deployment.

    Attributes:
        spec: The deployment spec.
        plan: What the stack is and needs (``drkit.regions.stacks``).
        account: The account and partition, read through this stack's first provider.
        placements: ``region -> Placement`` for every region the stack calls.
    """

    def __init__(self, scope: Construct, plan: StackPlan, *, spec: DeploymentSpec) -> None:
        super().__init__(scope, plan.name)
        self.spec = spec
        self.plan = plan
        self._state()
        providers = {region: self._provider(region) for region in plan.regions}
        first = providers[plan.regions[0]]
        identity = DataAwsCallerIdentity(self, "account", provider=first)
        partition = DataAwsPartition(self, "partition", provider=first)
        self.account = Account(account_id=identity.account_id, partition=partition.partition)
        self.placements = {
            region: Placement(
                provider=provider, region=region, namer=spec.namer, account=self.account
            )
            for region, provider in providers.items()
        }

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

    def _state(self) -> None:
        """Remote state in the stack's own region's bucket; else a local file per stack.

        An emulator deployment keeps its state beside its synth output, so ``cdktf deploy
        --output .drkit/demo/cdktf.out`` finds the state ``drkit demo`` made there, and
        nothing deployed to an emulator can ever land in the real state.
        """
        backend, name = self.spec.backend, self.plan.name
        if backend is not None:
            S3Backend(
                self,
                bucket=backend.bucket_in(self.plan.region),
                key=backend.state_key(name),
                region=self.plan.region or backend.region,
                encrypt=True,
            )
            # cdktf 0.21's S3Backend predates S3-native locking (Terraform 1.10+).
            self.add_override("terraform.backend.s3.use_lockfile", backend.use_lockfile)
        elif self.spec.target is Target.LOCAL:
            outdir = Path(App.of(self).outdir).resolve()
            LocalBackend(self, path=str(outdir / f"terraform.{name}.tfstate"))

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
