"""A drill's world in an in-process moto: two regions' drain switches and health checks.

moto answers every health check with one always-healthy checker and serves no
DNS, so ``SimulatedRoute53`` derives the checkers' verdict from the switch's
value; how fast real checkers and real DNS react can only be measured in AWS.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import boto3
import pytest
from moto import mock_aws

from drkit.operations.drill.plan import DrillPlan, DrillSettings
from drkit.operations.drill.probe import Probe
from drkit.operations.drill.runner import Drill
from drkit.regions.naming import Namer, ResourceType
from drkit.regions.spec import DeploymentSpec

SUFFIX = "test"
PRIMARY, SECONDARY = "us-east-1", "us-west-2"
NAMER = Namer(SUFFIX)
CHECKERS = 16  # about as many as Route 53 reports for one health check
#: One session for every test client: its clients cost milliseconds, a new session's ~0.2 s.
SESSION = boto3.session.Session()


def param(region: str) -> str:
    """The region's drain switch."""
    return NAMER(ResourceType.SSM_PARAMETER, "drain", region)


def check_name(region: str) -> str:
    """The Name tag of the region's health check."""
    return NAMER(ResourceType.HEALTH_CHECK, "api", region)


@attrs.define
class Deployment:
    """The few resources a drill touches, created in moto as Terraform would."""

    key_ids: dict[str, str] = attrs.field(factory=dict)
    health_check_ids: dict[str, str] = attrs.field(factory=dict)
    _clients: dict[tuple[str, str], Any] = attrs.field(factory=dict)

    def client(self, service: str, region: str) -> Any:
        """A ClientFactory over the shared session."""
        if (service, region) not in self._clients:
            self._clients[service, region] = SESSION.client(service, region_name=region)
        return self._clients[service, region]

    def ssm(self, region: str) -> Any:
        return self.client("ssm", region)

    @property
    def route53(self) -> Any:
        return self.client("route53", "us-east-1")

    def switch(self, region: str) -> str:
        got = self.ssm(region).get_parameter(Name=param(region), WithDecryption=True)
        return got["Parameter"]["Value"]

    def history(self, region: str) -> list[str]:
        versions = self.ssm(region).get_parameter_history(Name=param(region), WithDecryption=True)
        return [v["Value"] for v in versions["Parameters"]]

    def add_health_check(self, reference: str, name: str) -> str:
        """A health check tagged ``Name=name``; its id."""
        config = {"Type": "HTTPS", "FullyQualifiedDomainName": f"{reference}.example.com"}
        check = self.route53.create_health_check(
            CallerReference=reference, HealthCheckConfig={**config, "Port": 443}
        )["HealthCheck"]["Id"]
        self.route53.change_tags_for_resource(
            ResourceType="healthcheck",
            ResourceId=check,
            AddTags=[{"Key": "Name", "Value": name}],
        )
        return check


@pytest.fixture
def deployment(monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    """Both regions' switches (SecureString, active) and tagged health checks, plus a stray one."""
    monkeypatch.setenv("ENVIRONMENT_SUFFIX", SUFFIX)
    for name in ("DRKIT_CONFIG", "DRKIT_TARGET", "DRKIT_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        world = Deployment()
        for region in (PRIMARY, SECONDARY):
            # moto's SSM keeps the key id without asking KMS, so no key is created.
            key = world.key_ids[region] = f"alias/drill-test-{region}"
            world.ssm(region).put_parameter(
                Name=param(region), Value="active", Type="SecureString", KeyId=key
            )
            world.health_check_ids[region] = world.add_health_check(region, check_name(region))
        # A check of another deployment, with the same name but its own suffix.
        world.add_health_check("stray", Namer("other")(ResourceType.HEALTH_CHECK, "api", SECONDARY))
        yield world


class SimulatedRoute53:
    """moto's Route 53, except that health-check status follows the drain switch.

    Every call is a new report from each of ``CHECKERS`` checkers; a drained
    region's checkers report failures, like the runtime's 503, and ``fail``
    makes any region fail. ``seen`` records the switch value behind every
    status the drill read.
    """

    def __init__(
        self,
        deployment: Deployment,
        *,
        fail: Callable[[str], bool] | None = None,
        follow_switch: bool = True,
    ) -> None:
        self._deployment = deployment
        self._by_id = {v: k for k, v in deployment.health_check_ids.items()}
        self._fail = fail
        self._follow_switch = follow_switch
        self._calls = 0
        self.seen: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._deployment.route53, name)

    def get_health_check_status(self, HealthCheckId: str) -> dict[str, Any]:
        region = self._by_id[HealthCheckId]
        value = self._deployment.switch(region)
        self.seen.append((region, value))
        failing = (self._follow_switch and value == "drained") or bool(
            self._fail and self._fail(region)
        )
        self._calls += 1
        checked = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
            seconds=self._calls
        )
        status = "Failure: HTTP Status Code 503." if failing else "Success: HTTP Status Code 200."
        return {
            "HealthCheckObservations": [
                {
                    "Region": f"r{n}",
                    "IPAddress": f"192.0.2.{n}",
                    "StatusReport": {"Status": status, "CheckedTime": checked},
                }
                for n in range(CHECKERS)
            ]
        }


@attrs.define
class FakeClock:
    """Monotonic seconds that move only when the drill sleeps."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def make_drill(
    deployment: Deployment,
    *,
    route53: Any = None,
    ssm: Any = None,
    probe: Probe | None = None,
    clock: FakeClock | None = None,
    timeout: float = 600,
    lines: list[str] | None = None,
) -> Drill:
    """A drill of SECONDARY with a fake clock; ``lines`` collects what it prints."""

    def clients(service: str, region: str) -> Any:
        if service == "route53":
            return route53 or simulated
        if service == "ssm" and ssm is not None:
            return ssm
        return deployment.client(service, region)

    simulated = SimulatedRoute53(deployment)
    clock = clock or FakeClock()
    spec = DeploymentSpec.default(environment_suffix=SUFFIX)
    return Drill(
        plan=DrillPlan.from_spec(spec, SECONDARY),
        clients=clients,
        settings=DrillSettings(timeout_seconds=timeout, poll_seconds=5, samples_per_poll=5),
        probe=probe,
        clock=clock,
        sleep=clock.sleep,
        out=(lines if lines is not None else []).append,
    )
