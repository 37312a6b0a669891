"""A region's functions, from one table: what each runs, its size, and what it is handed.

Every function gets its execution role by ARN (the IAM stack makes it, from
``drkit.access``), its key, and the environment its runtime reads (``drkit_runtime.contract``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

import attrs
from constructs import Construct

from drkit.footprint.release import Release
from drkit.regions import names
from drkit.regions.quotas import (
    AUDITOR_MEMORY_MB,
    AUDITOR_RESERVED_CONCURRENCY,
    CANARY_MEMORY_MB,
    CANARY_RESERVED_CONCURRENCY,
    HEALTH_MEMORY_MB,
    HEALTH_RESERVED_CONCURRENCY,
    WATCHER_MEMORY_MB,
    WATCHER_RESERVED_CONCURRENCY,
)
from drkit.regions.spec import DeploymentSpec
from drkit.services.kms import EncryptionKey
from drkit.services.lambda_ import RegionalFunction, RegionalFunctionProps
from drkit.services.placement import Placement
from drkit.services.vpc import Network
from drkit_runtime import contract

#: The watcher probes a handful of peers at once, each within a few seconds.
WATCHER_TIMEOUT_SECONDS = 20
#: /health answers within its 1 s deadline; Route 53 stops waiting after 2 s. A few seconds
#: more give back an execution that somehow hangs, instead of holding it for 30 s.
HEALTH_TIMEOUT_SECONDS = 5
#: The auditor walks its region's whole audit chain each run: a BatchGetItem of 100 entries
#: takes some tens of milliseconds, so 15 minutes covers millions of entries.
AUDITOR_TIMEOUT_SECONDS = 900
#: How often each region verifies its audit chain (the alarm on breaks judges two runs).
AUDITOR_SCHEDULE_MINUTES = 60


@attrs.frozen(kw_only=True)
class FunctionAlarms:
    """How many failures of a function are worth a page (the region's alarms read these).

    Attributes:
        errors: Errors in one minute that count as a failing minute.
        error_minutes: Failing minutes in a row before the alarm fires (a scheduled
            function that fails once retries; one that keeps failing is broken).
    """

    errors: int = 1
    error_minutes: int = 3


@attrs.frozen(kw_only=True)
class FunctionPlan:
    """One function of every region.

    Attributes:
        purpose: Its purpose (``drkit.regions.names.FUNCTIONS``).
        handler: Its handler in the runtime package.
        memory_mb: Its memory, from the spec.
        timeout_seconds: Its timeout, from the spec.
        reserved_concurrency: Its reservation in a region, from the spec.
        in_vpc: It runs in the region's private subnets (False: the watcher, which probes
            the peers' public names and holds no data permission).
        environment: What its runtime reads, for one region.
        alarms: Its alarm thresholds; left out, a scheduled function's (an error a
            minute for three minutes).
    """

    purpose: str
    handler: str
    memory_mb: Callable[[DeploymentSpec], int]
    timeout_seconds: Callable[[DeploymentSpec], int]
    reserved_concurrency: Callable[[DeploymentSpec, str], int]
    in_vpc: bool
    environment: Callable[[DeploymentSpec, Placement], dict[str, str]]
    alarms: FunctionAlarms = FunctionAlarms()


def data_environment(deployment: DeploymentSpec, p: Placement) -> dict[str, str]:
    """The API's, the canary's and the health function's: the region, the tables, the
    buckets, the switches (one Config for every function that touches data)."""
    region = p.region
    return {
        contract.ENV_REGION: region,
        contract.ENV_ROLE: deployment.region(region).role.value,
        contract.ENV_REGIONS: ",".join(r.region for r in deployment.regions),
        contract.ENV_PATIENT_TABLE: names.TABLES[contract.PATIENT_RECORDS](p.namer),
        contract.ENV_AUDIT_TABLE: names.TABLES[contract.AUDIT_LOGS](p.namer),
        contract.ENV_BUCKET: p.named(names.DATA_BUCKET),
        contract.ENV_BUCKETS: json.dumps(
            {r.region: names.DATA_BUCKET(p.namer, r.region) for r in deployment.regions},
            separators=(",", ":"),
        ),
        contract.ENV_DRAIN_PARAMETER: p.named(names.DRAIN_SWITCH),
        contract.ENV_METRIC_NAMESPACE: contract.METRIC_NAMESPACE,
        contract.ENV_HEALTH_DEADLINE_MS: str(contract.HEALTH_DEADLINE_MS),
        contract.ENV_PEER_ENDPOINTS_PARAMETER: p.named(names.PEER_ENDPOINTS),
    }


def watcher_environment(deployment: DeploymentSpec, p: Placement) -> dict[str, str]:
    """The watcher's: each peer's URL, exactly what that peer's Route 53 check requests."""
    targets = {r.region: deployment.health_url(r.region) for r in deployment.regions}
    targets.pop(p.region)
    return {
        contract.ENV_REGION: p.region,
        contract.ENV_WATCH_TARGETS: json.dumps(targets, separators=(",", ":"), sort_keys=True),
    }


#: Every function each region runs, in the order they are made (a construct-id contract).
FUNCTION_PLANS: tuple[FunctionPlan, ...] = (
    FunctionPlan(
        purpose="api",
        handler=contract.API_HANDLER,
        memory_mb=lambda d: d.lambda_memory_mb,
        timeout_seconds=lambda d: d.lambda_timeout_seconds,
        reserved_concurrency=lambda d, region: d.reserved_concurrency(region),
        in_vpc=True,
        environment=data_environment,
        # Clients are failing: five errors in a minute is a page at once.
        alarms=FunctionAlarms(errors=5, error_minutes=1),
    ),
    FunctionPlan(
        purpose="canary",
        handler=contract.CANARY_HANDLER,
        memory_mb=lambda _: CANARY_MEMORY_MB,
        timeout_seconds=lambda d: d.lambda_timeout_seconds,
        reserved_concurrency=lambda *_: CANARY_RESERVED_CONCURRENCY,
        in_vpc=True,
        environment=data_environment,
    ),
    FunctionPlan(
        purpose="watcher",
        handler=contract.WATCHER_HANDLER,
        memory_mb=lambda _: WATCHER_MEMORY_MB,
        timeout_seconds=lambda _: WATCHER_TIMEOUT_SECONDS,
        reserved_concurrency=lambda *_: WATCHER_RESERVED_CONCURRENCY,
        in_vpc=False,
        environment=watcher_environment,
    ),
    FunctionPlan(
        purpose="health",
        handler=contract.HEALTH_HANDLER,
        memory_mb=lambda _: HEALTH_MEMORY_MB,
        timeout_seconds=lambda _: HEALTH_TIMEOUT_SECONDS,
        reserved_concurrency=lambda *_: HEALTH_RESERVED_CONCURRENCY,
        in_vpc=True,
        environment=data_environment,
        # A /health that crashes or times out fails its region out as a failed dependency
        # would; a burst of errors in a minute tells the two apart at once.
        alarms=FunctionAlarms(errors=5, error_minutes=1),
    ),
    FunctionPlan(
        purpose="auditor",
        handler=contract.AUDITOR_HANDLER,
        memory_mb=lambda _: AUDITOR_MEMORY_MB,
        timeout_seconds=lambda _: AUDITOR_TIMEOUT_SECONDS,
        reserved_concurrency=lambda *_: AUDITOR_RESERVED_CONCURRENCY,
        in_vpc=True,
        environment=data_environment,
        # An hourly run that fails leaves the trail unverified: the first error pages.
        alarms=FunctionAlarms(errors=1, error_minutes=1),
    ),
)


def build_functions(
    scope: Construct,
    *,
    deployment: DeploymentSpec,
    placement: Placement,
    release: Release,
    network: Network,
    key: EncryptionKey,
    role_arns: Mapping[str, str],
) -> dict[str, RegionalFunction]:
    """``purpose -> function``, each under the construct id ``<purpose>-function``, each
    deploying the region's signed release under its code-signing configuration."""
    region = placement.region
    return {
        plan.purpose: RegionalFunction(
            scope,
            f"{plan.purpose}-function",
            props=RegionalFunctionProps(
                placement=placement,
                purpose=plan.purpose,
                role_arn=role_arns[plan.purpose],
                code=release.archive,
                code_signing=release.code_signing,
                handler=plan.handler,
                network=network if plan.in_vpc else None,
                key=key,
                memory_mb=plan.memory_mb(deployment),
                timeout_seconds=plan.timeout_seconds(deployment),
                reserved_concurrency=plan.reserved_concurrency(deployment, region),
                log_retention_days=deployment.log_retention_days,
                environment=plan.environment(deployment, placement),
            ),
        )
        for plan in FUNCTION_PLANS
    }
