"""A region's stack: its footprint and the alarms on the metrics published there.

Its only provider is its own region's. Everything it needs from another stack is a name
or an ARN computed from the spec: no data source of another stack's resource, no remote
state, no token of another stack (``tests/synth/test_isolation.py`` holds it to that).
"""

from __future__ import annotations

from pathlib import Path

from cdktf import AssetType, TerraformAsset, TerraformOutput
from constructs import Construct

import drkit_runtime
from drkit.access import Access
from drkit.assets import stage_sources
from drkit.footprint import RegionalFootprint, RegionFactory, SharedResources
from drkit.regions.runtime_source import runtime_source
from drkit.regions.spec import DeploymentSpec
from drkit.regions.stacks import StackPlan
from drkit.stacks.base import DrkitStack
from drkit.topology import RegionalObservability, RegionalObservabilityProps

RUNTIME_DIR = Path(drkit_runtime.__file__).resolve().parent.parent


class RegionalStack(DrkitStack):
    """Everything one region runs alone.

    Attributes:
        footprint: The region's footprint.
        observability: Its alarms (and, in the primary, the replication dashboard).
    """

    def __init__(
        self, scope: Construct, plan: StackPlan, *, spec: DeploymentSpec, code_dir: Path
    ) -> None:
        super().__init__(scope, plan, spec=spec)
        if plan.region is None:
            raise ValueError(f"{plan.name} is not a region's stack")
        code = TerraformAsset(self, "runtime-code", path=str(code_dir), type=AssetType.ARCHIVE)
        factory = RegionFactory(
            self,
            placements=self.placements,
            shared=SharedResources(
                deployment=spec, code=code, access=Access(spec=spec, account=self.account)
            ),
        )
        self.footprint: RegionalFootprint = factory.build(spec.region(plan.region))
        self.observability = RegionalObservability(
            self,
            "observability",
            props=RegionalObservabilityProps(deployment=spec, footprint=self.footprint),
        )
        f = self.footprint
        TerraformOutput(self, "api_endpoint", value=f"https://{f.api.endpoint_host}")
        TerraformOutput(self, "api_regional_domain_name", value=f.api.regional_domain_name)
        TerraformOutput(self, "bucket", value=f.bucket.bucket_name)


def runtime_code() -> Path:
    """The Lambda code as it ships (staged once per synthesis, shared by every region):
    ``assets/runtime``, or the folder ``DRKIT_RUNTIME`` names (a release's)."""
    return stage_sources(runtime_source())
