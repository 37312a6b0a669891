"""Settings the stack hands to every function through environment variables.

Read once per container through `Config.from_environ`; a missing or malformed variable fails
the cold start with an error that names it, rather than a KeyError deep inside a request.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

from drkit_runtime import contract
from drkit_runtime.access import peer_services

ROLES = ("primary", "secondary")


class ConfigError(RuntimeError):
    """An environment variable the stack should have set is missing or malformed."""


@dataclass(frozen=True, kw_only=True)
class Config:
    """Everything a handler needs to know about where it runs.

    Attributes:
        region: This function's region (DRKIT_REGION), e.g. "us-east-1".
        role: "primary" or "secondary" (DRKIT_ROLE).
        regions: Every deployment region, in the order given (DRKIT_REGIONS).
        patient_table_name: Global table of patient records (DRKIT_PATIENT_TABLE).
        audit_table_name: Global table of audit entries (DRKIT_AUDIT_TABLE).
        bucket_name: This region's data bucket (DRKIT_BUCKET).
        bucket_names: Data bucket of every region (DRKIT_BUCKETS, a JSON object).
        drain_parameter_name: SSM String parameter whose value "drained" takes this region
            out of service on purpose (DRKIT_DRAIN_PARAMETER).
        peer_endpoints_parameter_name: SSM parameter of this region holding where each other
            region's services are reached (DRKIT_PEER_ENDPOINTS_PARAMETER; read on first use,
            see ``parse_peer_endpoints``).
        metric_namespace: CloudWatch namespace of the canary's metrics
            (DRKIT_METRIC_NAMESPACE); "DrKit/Replication" when left out.
        health_deadline_ms: Time budget of the whole health check (DRKIT_HEALTH_DEADLINE_MS);
            ``contract.HEALTH_DEADLINE_MS`` when left out, half of the 2 s Route 53 gives an
            HTTPS endpoint to answer.
    """

    region: str
    role: str
    regions: tuple[str, ...]
    patient_table_name: str
    audit_table_name: str
    bucket_name: str
    bucket_names: Mapping[str, str]
    drain_parameter_name: str
    peer_endpoints_parameter_name: str
    metric_namespace: str = contract.METRIC_NAMESPACE
    health_deadline_ms: int = contract.HEALTH_DEADLINE_MS

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ConfigError(f"DRKIT_ROLE is {self.role!r}; allowed: {', '.join(ROLES)}")
        if self.region not in self.regions:
            raise ConfigError(
                f"DRKIT_REGION {self.region!r} is not in DRKIT_REGIONS {list(self.regions)}"
            )
        missing = [r for r in self.regions if r not in self.bucket_names]
        if missing:
            raise ConfigError(f"DRKIT_BUCKETS has no bucket for region(s) {missing}")
        if self.bucket_names[self.region] != self.bucket_name:
            raise ConfigError(
                f"DRKIT_BUCKET {self.bucket_name!r} differs from DRKIT_BUCKETS[{self.region!r}]"
                f" {self.bucket_names[self.region]!r}"
            )
        if self.health_deadline_ms <= 0:
            raise ConfigError(
                f"DRKIT_HEALTH_DEADLINE_MS is {self.health_deadline_ms}; it must be a positive"
                " number of milliseconds"
            )

    @property
    def other_regions(self) -> tuple[str, ...]:
        """Every deployment region except this one."""
        return tuple(r for r in self.regions if r != self.region)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Build the config from environment variables (os.environ when left out)."""
        env = os.environ if environ is None else environ
        regions = tuple(
            r.strip() for r in _required(env, contract.ENV_REGIONS).split(",") if r.strip()
        )
        if not regions:
            raise ConfigError("DRKIT_REGIONS lists no region")
        return cls(
            region=_required(env, contract.ENV_REGION),
            role=_required(env, contract.ENV_ROLE),
            regions=regions,
            patient_table_name=_required(env, contract.ENV_PATIENT_TABLE),
            audit_table_name=_required(env, contract.ENV_AUDIT_TABLE),
            bucket_name=_required(env, contract.ENV_BUCKET),
            bucket_names=_bucket_names(_required(env, contract.ENV_BUCKETS)),
            drain_parameter_name=_required(env, contract.ENV_DRAIN_PARAMETER),
            peer_endpoints_parameter_name=_required(env, contract.ENV_PEER_ENDPOINTS_PARAMETER),
            metric_namespace=env.get(contract.ENV_METRIC_NAMESPACE) or contract.METRIC_NAMESPACE,
            health_deadline_ms=_deadline_ms(env.get(contract.ENV_HEALTH_DEADLINE_MS)),
        )


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"missing environment variable {name}")
    return value


def _bucket_names(raw: str) -> dict[str, str]:
    try:
        parsed = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"DRKIT_BUCKETS is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in parsed.items()
    ):
        raise ConfigError(
            "DRKIT_BUCKETS must be a JSON object of region to bucket name, e.g."
            ' {"us-east-1": "bucket-a"}'
        )
    return parsed


def parse_peer_endpoints(raw: str, regions: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The peer-endpoints parameter's value: every service peers are called on, per region.

    Raises:
        ConfigError: Not a JSON object of region to {service: URL}, or a region or
            service missing.
    """
    try:
        parsed = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"the peer endpoints are not valid JSON: {exc}") from None
    if not isinstance(parsed, dict) or not all(
        isinstance(region, str)
        and isinstance(urls, dict)
        and all(
            isinstance(s, str) and isinstance(u, str) and u.startswith("http")
            for s, u in urls.items()
        )
        for region, urls in parsed.items()
    ):
        raise ConfigError(
            "the peer endpoints must be a JSON object of region to {service: URL}, e.g."
            ' {"us-west-2": {"dynamodb": "https://vpce-0a1b.dynamodb.us-west-2.vpce.amazonaws.com"}}'
        )
    for region in regions:
        missing = [s for s in peer_services() if s not in parsed.get(region, {})]
        if missing:
            raise ConfigError(f"the peer endpoints have no endpoint of {missing} for {region}")
    return parsed


def _deadline_ms(raw: str | None) -> int:
    if raw is None or not raw.strip():
        return contract.HEALTH_DEADLINE_MS
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(
            f"DRKIT_HEALTH_DEADLINE_MS is {raw!r}; it must be an integer number of milliseconds"
        ) from None
