"""A bare stack for the construct tests: one provider per region, placements, keys, shared parts.

Each test builds only the constructs it asserts on and synthesizes that small stack; the
provider bindings are loaded once per process, like every synthesizing test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import cdktf
import pytest
from cdktf import AssetType, TerraformAsset, TerraformStack

from drkit.aws import AwsProvider
from drkit.footprint.release import Release, build_release
from drkit.regions import DeploymentSpec
from drkit.regions.naming import Namer
from drkit.services.kms import EncryptionKey, EncryptionKeyProps
from drkit.services.lambda_ import RegionalFunction, RegionalFunctionProps
from drkit.services.placement import Account, Placement
from drkit.services.s3 import AccessLogBucket, AccessLogBucketProps, DataBucket, DataBucketProps
from drkit.services.vpc import Network, NetworkProps
from drkit.stacks.regional import RUNTIME_DIR

ACCOUNT = Account(account_id="123456789012", partition="aws")
#: A role the IAM stack would have made (constructs here only name roles by ARN).
ROLE_ARN = "arn:aws:iam::123456789012:role/role-unit-use1-unit"


class Harness:
    """A bare stack with one provider per region and placements for them."""

    def __init__(self, regions: tuple[str, ...] = ("us-east-1", "us-west-2")) -> None:
        self.app = cdktf.Testing.app()
        self._keys = 0
        self._network: tuple[Network, Release] | None = None
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
        """A new key in ``region``."""
        self._keys += 1
        return EncryptionKey(
            self.stack, f"key-{self._keys}", props=EncryptionKeyProps(placement=self[region])
        )

    def buckets(self, region: str) -> DataBucket:
        """A data bucket in ``region`` with its access-log bucket and its own key."""
        logs = AccessLogBucket(
            self.stack, f"logs-{region}", props=AccessLogBucketProps(placement=self[region])
        )
        return DataBucket(
            self.stack,
            f"data-{region}",
            props=DataBucketProps(placement=self[region], key=self.key(region), access_logs=logs),
        )

    def function(self, **overrides: Any) -> RegionalFunction:
        """A function in us-east-1, in the one network and code of this stack: the API
        function (id ``fn``), or another ``purpose`` (id ``fn-<purpose>``), with ``overrides``
        on its props."""
        key = self.key()
        if self._network is None:
            net = Network(
                self.stack,
                "net",
                props=NetworkProps(
                    placement=self["us-east-1"],
                    region_spec=self.spec.primary,
                    key=key,
                    flow_logs_role_arn=ROLE_ARN,
                ),
            )
            code = TerraformAsset(self.stack, "code", path=str(RUNTIME_DIR), type=AssetType.ARCHIVE)
            logs = AccessLogBucket(
                self.stack, "release-logs", props=AccessLogBucketProps(placement=self["us-east-1"])
            )
            release = build_release(
                self.stack,
                placement=self["us-east-1"],
                code=code,
                key=key,
                access_logs=logs,
                protect_data=False,
            )
            self._network = (net, release)
        net, release = self._network
        props: dict[str, Any] = {
            "placement": self["us-east-1"],
            "purpose": "api",
            "role_arn": ROLE_ARN,
            "code": release.archive,
            "code_signing": release.code_signing,
            "handler": "m.h",
            "network": net,
            "key": key,
        }
        props.update(overrides)
        construct_id = "fn" if props["purpose"] == "api" else f"fn-{props['purpose']}"
        return RegionalFunction(self.stack, construct_id, props=RegionalFunctionProps(**props))

    def synth(self) -> dict[str, Any]:
        return json.loads(cdktf.Testing.synth(self.stack))


@pytest.fixture
def h() -> Harness:
    """A fresh harness (us-east-1 and us-west-2)."""
    return Harness()


@pytest.fixture
def new_harness() -> Callable[[], Harness]:
    """Makes further harnesses, for a test that needs a second, untouched stack."""
    return Harness
