"""What a deployment is: its regions and everything they share, validated on construction.

A spec is plain data (attrs, frozen). It never touches jsii, so the whole model
(and its property tests) runs without loading the AWS provider bindings.
"""

from __future__ import annotations

import enum
import ipaddress
import itertools
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import attrs

from drkit import iam
from drkit.errors import SpecError
from drkit.regions import budget
from drkit.regions.catalog import SHORT_CODES
from drkit.regions.naming import Namer, check_suffix

#: Tags every taggable resource carries, whatever the user adds.
REQUIRED_TAGS: Mapping[str, str] = MappingProxyType(
    {"Environment": "Production", "DisasterRecovery": "Enabled"}
)
#: drkit carves this many private subnets (one per AZ) out of each VPC.
SUBNETS_PER_VPC = 2
#: Subnets are 1/16 of the VPC; a /26 (59 usable addresses) is the smallest
#: that still holds the Lambda ENIs and interface endpoints of one AZ.
SUBNET_PREFIX_DELTA = 4
SMALLEST_SUBNET_PREFIX = 26
LARGEST_VPC_PREFIX = 16  # AWS's own limit
PRIVATE_RANGES = tuple(
    ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
HEALTH_CHECK_INTERVALS = (10, 30)  # the only values Route 53 accepts
# CloudWatch Logs accepts these retention periods; HIPAA audit practice wants a year or more.
LOG_RETENTION_DAYS = (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DNS_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class Role(enum.Enum):
    """A region's part in the deployment."""

    PRIMARY = "primary"
    SECONDARY = "secondary"


class Target(enum.Enum):
    """Where the stack deploys: real AWS, or the embedded local emulator."""

    AWS = "aws"
    LOCAL = "local"


#: What attrs calls a validator with: the instance, the field, the value.
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _fail(field: str, value: Any, allowed: str) -> NoReturn:
    raise SpecError(field, value, allowed)


def _check_region(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in SHORT_CODES:
        _fail(attribute.name, value, "an AWS commercial region: " + ", ".join(SHORT_CODES))


def _check_role(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Role):
        _fail(attribute.name, value, "Role.PRIMARY or Role.SECONDARY ('primary'/'secondary')")


def _check_weight(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        _fail(attribute.name, value, "an integer percentage from 0 to 100")


def _check_cidr(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except (ValueError, TypeError):
        _fail(
            attribute.name,
            value,
            "an IPv4 network in CIDR form with no host bits, e.g. 10.0.0.0/16",
        )
    if not any(network.subnet_of(r) for r in PRIVATE_RANGES):
        _fail(
            attribute.name,
            value,
            "a private (RFC 1918) range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
        )
    largest_prefix = SMALLEST_SUBNET_PREFIX - SUBNET_PREFIX_DELTA
    if not LARGEST_VPC_PREFIX <= network.prefixlen <= largest_prefix:
        _fail(
            attribute.name,
            value,
            f"a prefix from /{LARGEST_VPC_PREFIX} to /{largest_prefix}: drkit carves "
            f"{SUBNETS_PER_VPC} private subnets of /{network.prefixlen + SUBNET_PREFIX_DELTA} "
            f"and a subnet must be /{SMALLEST_SUBNET_PREFIX} or larger",
        )


@attrs.frozen(kw_only=True)
class RegionSpec:
    """One region of a deployment: everything that makes its footprint differ from another.

    Attributes:
        region: AWS region name, e.g. ``us-east-1``.
        role: ``Role.PRIMARY`` (creates the global tables) or ``Role.SECONDARY``.
        weight: Share of DNS traffic in percent (0-100); all weights sum to 100.
        cidr: The region's VPC range; private, non-overlapping, /16 to /22.
    """

    region: str = attrs.field(validator=_check_region)
    role: Role = attrs.field(validator=_check_role)
    weight: int = attrs.field(validator=_check_weight)
    cidr: str = attrs.field(validator=_check_cidr)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], *, field: str = "regions[]") -> RegionSpec:
        """Build from a TOML table (``role`` as a string)."""
        known = {"region", "role", "weight", "cidr"}
        for key in raw:
            if key not in known:
                _fail(f"{field}.{key}", raw[key], "only the keys " + ", ".join(sorted(known)))
        for key in sorted(known - raw.keys()):
            _fail(f"{field}.{key}", None, "a value (this key is required)")
        try:
            role = Role(raw["role"])
        except ValueError:
            _fail(f"{field}.role", raw["role"], "'primary' or 'secondary'")
        try:
            return cls(region=raw["region"], role=role, weight=raw["weight"], cidr=raw["cidr"])
        except SpecError as err:
            raise SpecError(f"{field}.{err.field}", err.value, err.allowed) from None

    @property
    def short(self) -> str:
        """Short code used in physical names, e.g. ``use1``."""
        return SHORT_CODES[self.region]

    @property
    def network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(self.cidr)

    @property
    def is_primary(self) -> bool:
        return self.role is Role.PRIMARY

    def subnet_cidrs(self) -> tuple[str, ...]:
        """The private subnets' ranges, one per AZ, carved from the VPC range."""
        subnets = self.network.subnets(prefixlen_diff=SUBNET_PREFIX_DELTA)
        return tuple(str(s) for s in itertools.islice(subnets, SUBNETS_PER_VPC))


@attrs.frozen(kw_only=True)
class S3Backend:
    """Remote Terraform state for teams (the default is local state).

    Attributes:
        bucket: Existing, versioned state bucket.
        key: Object key of the state file.
        region: Region of the state bucket.
        use_lockfile: Use S3-native state locking (Terraform 1.10+).
    """

    bucket: str
    key: str
    region: str = attrs.field(validator=_check_region)
    use_lockfile: bool = True


def _positive_int(low: int, high: int) -> Validator:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            _fail(attribute.name, value, f"an integer from {low} to {high}")

    return check


def _one_of(options: tuple[Any, ...], unit: str = "") -> Validator:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or value not in options:
            _fail(attribute.name, value, "one of " + ", ".join(f"{o}{unit}" for o in options))

    return check


def _check_tags(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    for key, val in value.items():
        if (
            not isinstance(key, str)
            or not isinstance(val, str)
            or not 1 <= len(key) <= 128
            or len(val) > 256
        ):
            _fail(
                f"{attribute.name}.{key}",
                val,
                "string keys of 1-128 characters and string values up to 256",
            )
        if key in REQUIRED_TAGS and val != REQUIRED_TAGS[key]:
            _fail(
                f"{attribute.name}.{key}",
                val,
                f"{REQUIRED_TAGS[key]!r} (a required tag cannot be changed)",
            )
        if key.lower().startswith("aws:"):
            _fail(f"{attribute.name}.{key}", val, "keys not starting with 'aws:' (reserved by AWS)")


def _check_emails(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not value:
        _fail(attribute.name, value, "at least one address: alarms must reach a person")
    for i, email in enumerate(value):
        if not isinstance(email, str) or not _EMAIL.match(email):
            _fail(f"{attribute.name}[{i}]", email, "an e-mail address like oncall@example.com")


def _check_zone(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    labels = value.rstrip(".").split(".") if isinstance(value, str) else []
    if len(labels) < 2 or not all(_DNS_LABEL.match(label) for label in labels) or len(value) > 253:
        _fail(
            attribute.name,
            value,
            "a lower-case DNS name with at least two labels, e.g. dr.example.com",
        )


def _check_label(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not _DNS_LABEL.match(value):
        _fail(attribute.name, value, "one lower-case DNS label, e.g. 'api'")


def _check_zone_id(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (
        isinstance(value, str) and re.fullmatch(r"Z[A-Z0-9]{1,31}", value)
    ):
        _fail(
            attribute.name,
            value,
            "None (create the zone) or a Route 53 zone id like Z0123456789ABC",
        )


def _check_endpoint(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (
        isinstance(value, str) and re.fullmatch(r"https?://[^\s/]+/?", value)
    ):
        _fail(attribute.name, value, "None or a URL like http://127.0.0.1:5000")


_PRINCIPAL = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:(user|role)/[\w+=,.@/-]{1,512}")


def _check_principals(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    for i, arn in enumerate(value):
        if not isinstance(arn, str) or not _PRINCIPAL.fullmatch(arn):
            _fail(
                f"{attribute.name}[{i}]",
                arn,
                "the ARN of an IAM user or role of people, e.g. "
                "arn:aws:iam::111122223333:role/dr-operators",
            )


def _regions(value: Iterable[RegionSpec]) -> tuple[RegionSpec, ...]:
    return tuple(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _frozen_tags(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


def _statements(raw: Any) -> tuple[iam.Statement, ...]:
    """User-supplied IAM statements, refused (ComplianceError) if they break least privilege."""
    out = []
    for i, item in enumerate(raw or ()):
        out.append(
            item
            if isinstance(item, iam.Statement)
            else iam.Statement.from_mapping(item, default_sid=f"Extra{i}")
        )
    return tuple(out)


@attrs.frozen(kw_only=True)
class DeploymentSpec:
    """A whole deployment: its regions plus everything they share.

    Validated on construction: a spec that exists is one drkit can synthesize.

    Attributes:
        regions: One ``RegionSpec`` per region; exactly one primary.
        environment_suffix: Ends every physical name; lower-case, short enough
            for every service's limit.
        tags: Extra tags on every taggable resource, applied after the required
            ``Environment=Production`` and ``DisasterRecovery=Enabled``.
        dns_zone_name: The public zone the API name lives in.
        dns_record_name: The API's label in the zone (``api`` -> ``api.<zone>``).
        existing_zone_id: Use this hosted zone instead of creating one.
        alert_emails: Subscribed to every region's alert topic.
        health_check_interval_seconds: Route 53 request interval, 10 or 30.
        health_check_failure_threshold: Consecutive failures that fail a region out.
        client_dns_cache_seconds: Extra client-side caching assumed by the RTO budget.
        replication_lag_threshold_seconds: DynamoDB ReplicationLatency alarm threshold.
        replication_alarm_evaluation_periods: One-minute periods a lag must breach.
        rto_target_seconds: Recovery-time target, at most 300.
        rpo_target_seconds: Recovery-point target, at most 60; the canary's lag alarms use it.
        lambda_memory_mb: Memory of the regional API function.
        lambda_timeout_seconds: Timeout of the API function (API Gateway caps it at 30).
        lambda_reserved_concurrency: Reserved concurrency of the API function.
        log_retention_days: Retention of every log group (a year or more).
        protect_data: Production switch: deletion protection on tables, no
            force-destroy on buckets, longer key deletion window. Off by default
            so that every test deployment is destroyable.
        target: ``Target.AWS`` or ``Target.LOCAL`` (the embedded emulator).
        local_endpoint: The emulator's URL; required when ``target`` is local.
        backend: Remote state; ``None`` keeps local state.
        operator_principals: IAM users or roles (of people) that may assume the failover
            operator role, with MFA. Left out: no operator role is made (people act with
            their own roles, docs/runbook.md). No function may ever assume it.
        extra_api_statements: More permissions for the API functions (IAM JSON
            statements, ``[[extra_api_statements]]`` in TOML). Checked for least
            privilege when the spec is built: a wildcard raises ComplianceError.
    """

    regions: tuple[RegionSpec, ...] = attrs.field(converter=_regions)
    environment_suffix: str = attrs.field(default="dev", validator=lambda _, __, v: check_suffix(v))
    tags: Mapping[str, str] = attrs.field(
        factory=dict, converter=_frozen_tags, validator=_check_tags
    )
    dns_zone_name: str = attrs.field(default="dr.example.com", validator=_check_zone)
    dns_record_name: str = attrs.field(default="api", validator=_check_label)
    existing_zone_id: str | None = attrs.field(default=None, validator=_check_zone_id)
    alert_emails: tuple[str, ...] = attrs.field(
        default=("dr-oncall@example.com",), converter=_strings, validator=_check_emails
    )
    health_check_interval_seconds: int = attrs.field(
        default=10, validator=_one_of(HEALTH_CHECK_INTERVALS, " s")
    )
    health_check_failure_threshold: int = attrs.field(default=3, validator=_positive_int(1, 10))
    client_dns_cache_seconds: int = attrs.field(default=30, validator=_positive_int(0, 300))
    replication_lag_threshold_seconds: int = attrs.field(
        default=30, validator=_positive_int(1, 3600)
    )
    replication_alarm_evaluation_periods: int = attrs.field(
        default=1, validator=_positive_int(1, 3)
    )
    rto_target_seconds: int = attrs.field(
        default=300, validator=_positive_int(1, budget.RTO_LIMIT_SECONDS)
    )
    rpo_target_seconds: int = attrs.field(
        default=60, validator=_positive_int(1, budget.RPO_LIMIT_SECONDS)
    )
    lambda_memory_mb: int = attrs.field(default=3072, validator=_positive_int(128, 10240))
    lambda_timeout_seconds: int = attrs.field(default=30, validator=_positive_int(1, 30))
    lambda_reserved_concurrency: int = attrs.field(default=100, validator=_positive_int(1, 900))
    log_retention_days: int = attrs.field(
        default=365, validator=_one_of(LOG_RETENTION_DAYS, " days")
    )
    protect_data: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    target: Target = attrs.field(default=Target.AWS, validator=attrs.validators.instance_of(Target))
    local_endpoint: str | None = attrs.field(default=None, validator=_check_endpoint)
    backend: S3Backend | None = None
    operator_principals: tuple[str, ...] = attrs.field(
        default=(), converter=_strings, validator=_check_principals
    )
    extra_api_statements: tuple[iam.Statement, ...] = attrs.field(default=(), converter=_statements)

    def __attrs_post_init__(self) -> None:
        self._check_regions()
        Namer(self.environment_suffix).check_all(r.region for r in self.regions)
        self._check_budget()
        if self.target is Target.LOCAL and self.local_endpoint is None:
            _fail(
                "local_endpoint", None, "the emulator URL when target is local (DRKIT_ENDPOINT_URL)"
            )

    def _check_regions(self) -> None:
        if not self.regions:
            _fail("regions", (), "at least two regions (one primary, one or more secondaries)")
        for i, spec in enumerate(self.regions):
            if not isinstance(spec, RegionSpec):
                _fail(f"regions[{i}]", spec, "a RegionSpec")
        if len(self.regions) < 2:
            _fail(
                "regions",
                [r.region for r in self.regions],
                "at least two regions: DR needs a second one",
            )
        seen: dict[str, int] = {}
        for i, spec in enumerate(self.regions):
            if spec.region in seen:
                _fail(
                    f"regions[{i}].region",
                    spec.region,
                    f"a region not already used by regions[{seen[spec.region]}]",
                )
            seen[spec.region] = i
        primaries = [r.region for r in self.regions if r.is_primary]
        if len(primaries) != 1:
            _fail("regions[].role", primaries, "exactly one region with role 'primary'")
        total = sum(r.weight for r in self.regions)
        if total != 100:
            _fail(
                "regions[].weight",
                [r.weight for r in self.regions],
                f"weights summing to 100 (these sum to {total})",
            )
        for (i, a), (j, b) in itertools.combinations(enumerate(self.regions), 2):
            if a.network.overlaps(b.network):
                _fail(
                    f"regions[{j}].cidr",
                    b.cidr,
                    f"a range that does not overlap regions[{i}].cidr {a.cidr}",
                )

    def _check_budget(self) -> None:
        inputs = self.budget_inputs
        rto = budget.rto_budget(inputs)
        if not rto.meets_target:
            best = budget.max_failure_threshold(inputs)
            _fail(
                "health_check_failure_threshold",
                self.health_check_failure_threshold,
                f"at most {best} with a {self.health_check_interval_seconds} s interval: "
                f"worst-case RTO would be {rto.total_seconds} s against "
                f"rto_target_seconds={self.rto_target_seconds}"
                if best
                else "none: even one failure exceeds the RTO target; "
                "lower the interval or the DNS caching",
            )
        if self.replication_lag_threshold_seconds >= self.rpo_target_seconds:
            _fail(
                "replication_lag_threshold_seconds",
                self.replication_lag_threshold_seconds,
                f"less than rpo_target_seconds={self.rpo_target_seconds}: the alarm must fire "
                "before replication lag reaches the RPO",
            )

    @property
    def budget_inputs(self) -> budget.BudgetInputs:
        return budget.BudgetInputs(
            health_check_interval_seconds=self.health_check_interval_seconds,
            health_check_failure_threshold=self.health_check_failure_threshold,
            client_dns_cache_seconds=self.client_dns_cache_seconds,
            replication_lag_threshold_seconds=self.replication_lag_threshold_seconds,
            replication_alarm_evaluation_periods=self.replication_alarm_evaluation_periods,
            rto_target_seconds=self.rto_target_seconds,
            rpo_target_seconds=self.rpo_target_seconds,
        )

    # ----- views -----------------------------------------------------------
    @property
    def primary(self) -> RegionSpec:
        return next(r for r in self.regions if r.is_primary)

    @property
    def secondaries(self) -> tuple[RegionSpec, ...]:
        return tuple(r for r in self.regions if not r.is_primary)

    @property
    def namer(self) -> Namer:
        return Namer(self.environment_suffix)

    @property
    def all_tags(self) -> dict[str, str]:
        """Required tags, then the user's (which cannot override the required ones)."""
        return {**REQUIRED_TAGS, **self.tags}

    @property
    def api_domain_name(self) -> str:
        return f"{self.dns_record_name}.{self.dns_zone_name.rstrip('.')}"

    # ----- other sources ---------------------------------------------------
    @classmethod
    def default(cls, **overrides: Any) -> DeploymentSpec:
        """The mission's layout: us-east-1 primary 70 %, us-west-2 secondary 30 %."""
        regions = (
            RegionSpec(region="us-east-1", role=Role.PRIMARY, weight=70, cidr="10.0.0.0/16"),
            RegionSpec(region="us-west-2", role=Role.SECONDARY, weight=30, cidr="10.1.0.0/16"),
        )
        return cls(regions=overrides.pop("regions", regions), **overrides)

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str], **overrides: Any) -> DeploymentSpec:
        """Read a layout file (see ``examples/three-region.toml``)."""
        return cls.from_mapping(read_layout(path), **overrides)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], **overrides: Any) -> DeploymentSpec:
        """Build from parsed TOML/JSON data; unknown keys are errors, not silently ignored."""
        data = dict(raw)
        tables = data.pop("regions", None)
        if not isinstance(tables, list) or not all(isinstance(t, Mapping) for t in tables):
            _fail("regions", tables, "a list of [[regions]] tables")
        regions = tuple(
            RegionSpec.from_mapping(t, field=f"regions[{i}]") for i, t in enumerate(tables)
        )
        fields = {f.name for f in attrs.fields(cls)} - {"regions"}
        for key in data:
            if key not in fields:
                _fail(key, data[key], "a DeploymentSpec field: " + ", ".join(sorted(fields)))
        if "target" in data:
            try:
                data["target"] = Target(data["target"])
            except ValueError:
                _fail("target", data["target"], "'aws' or 'local'")
        if "backend" in data and data["backend"] is not None:
            backend = data["backend"]
            if not isinstance(backend, Mapping) or set(backend) - {
                "bucket",
                "key",
                "region",
                "use_lockfile",
            }:
                _fail(
                    "backend", backend, "a table with bucket, key, region and optional use_lockfile"
                )
            data["backend"] = S3Backend(**backend)
        data.update(overrides)
        return cls(regions=regions, **data)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> DeploymentSpec:
        """The spec ``app.py`` deploys.

        ``DRKIT_CONFIG`` names a TOML layout (default: the built-in two regions),
        ``ENVIRONMENT_SUFFIX`` overrides the suffix, ``DRKIT_TARGET`` picks
        ``aws`` (default) or ``local``, with ``DRKIT_ENDPOINT_URL`` the emulator.
        """
        env = os.environ if environ is None else environ
        overrides: dict[str, Any] = {}
        if env.get("ENVIRONMENT_SUFFIX"):
            overrides["environment_suffix"] = env["ENVIRONMENT_SUFFIX"]
        target = env.get("DRKIT_TARGET")
        if target:
            try:
                overrides["target"] = Target(target)
            except ValueError:
                _fail("DRKIT_TARGET", target, "'aws' or 'local'")
        if overrides.get("target") is Target.LOCAL:
            overrides["local_endpoint"] = env.get("DRKIT_ENDPOINT_URL") or None
        config = env.get("DRKIT_CONFIG")
        if config:
            return cls.from_toml(config, **overrides)
        return cls.default(**overrides)


def read_layout(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A layout file's data, or a ``SpecError`` naming ``DRKIT_CONFIG``."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError("DRKIT_CONFIG", str(path), "the path of an existing TOML file") from None
    except tomllib.TOMLDecodeError as err:
        raise SpecError("DRKIT_CONFIG", str(path), f"valid TOML ({err})") from None
