"""What a deployment is: its regions and everything they share, validated on construction.

A spec is plain data (attrs, frozen). It never touches jsii, so the whole model
(and its property tests) runs without loading the AWS provider bindings.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from typing import Any

import attrs

from drkit import iam
from drkit.errors import SpecError, index_path
from drkit.regions import budget, layout_errors, names, parameter_store, release_order, residency
from drkit.regions import region_rules as rules
from drkit.regions import validators as v
from drkit.regions.backend import S3Backend
from drkit.regions.catalog import ROUTE53_METRICS_REGION
from drkit.regions.naming import Namer, check_suffix, regional_domain_name
from drkit.regions.region import RegionSpec, Role
from drkit.regions.stacks import StackPlan, plan_stacks
from drkit.regions.validators import (
    REQUIRED_TAGS,
    fail,
)
from drkit_runtime.contract import HEALTH_PATH

HEALTH_CHECK_INTERVALS = (10, 30)  # the only values Route 53 accepts
# CloudWatch Logs accepts these retention periods; HIPAA audit practice wants a year or more.
LOG_RETENTION_DAYS = (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)


class Target(enum.Enum):
    """Where the stack deploys: real AWS, or the embedded local emulator."""

    AWS = "aws"
    LOCAL = "local"


def _regions(value: Any) -> tuple[RegionSpec, ...]:
    return v.expect_array("regions", value, "an array of regions ([[regions]] tables)")


@attrs.frozen(kw_only=True)
class DeploymentSpec:
    """A whole deployment: its regions plus everything they share.

    Validated on construction: a spec that exists is one drkit can synthesize.
    Every field checks its type before its value; a wrong one raises SpecError.

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
        availability_target: Availability target in percent (99.99 by default); ``drkit
            budget`` reports whether the layout meets it (availability.py), the spec does
            not refuse it, since the figure rests on a modelled incident rate.
        lambda_memory_mb: Memory of the regional API function.
        lambda_timeout_seconds: Timeout of the API function (API Gateway caps it at 30).
        lambda_reserved_concurrency: Reserved concurrency of the API function. Above 199 only
            with ``parameter_store_high_throughput`` (a limit kept from when this function
            served /health, parameter_store.py).
        peak_concurrency: The deployment's peak of concurrent API executions, all regions
            together (CloudWatch ``ConcurrentExecutions``, Maximum, summed). The default, 80,
            is a stated figure, not a measurement: four fifths of the default reservation,
            so a lone survivor keeps a fifth for bursts (/health has a function of its own).
            Set yours; ``drkit budget`` warns when a region cannot carry it alone.
        peak_read_units_per_second: The peak of ``patient_records`` read request units a
            second, all regions together (``ConsumedReadCapacityUnits``). The default, 1600,
            is the stated peak at about 20 one-unit reads a second per execution; ``drkit
            budget`` warns when a replica would get more at once than on-demand serves.
        parameter_store_high_throughput: Parameter Store's higher throughput is on in every
            region of the account (a paid service setting; ``drkit preflight`` reads it).
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
        break_glass_principals: IAM users or roles (of people) that may assume the
            break-glass role, with MFA: read-only access to patient records, audit entries and
            objects, each assumption alerted in the region it happens in. Left out: no such role.
        extra_api_statements: More permissions for the API functions (IAM JSON
            statements, ``[[extra_api_statements]]`` in TOML). Checked for least
            privilege when the spec is built: a wildcard raises ComplianceError.
        retiring_regions: Regions being removed (``DRKIT_RETIRING_REGIONS``, layout_change).
        release_order: The order ``drkit release`` takes the regions in, every region once;
            left out: the secondaries by weight, lowest first, then the primary.
        data_residency: Where patient data may be kept ("EU", country codes); every region
            must be within it, since each holds a copy (``drkit.regions.residency``).
    """

    regions: tuple[RegionSpec, ...] = attrs.field(
        converter=_regions, validator=v.items_of(RegionSpec, "a RegionSpec ([[regions]] table)")
    )
    environment_suffix: str = attrs.field(default="dev", validator=lambda _, __, x: check_suffix(x))
    tags: Mapping[str, str] = attrs.field(factory=dict, converter=v.to_tags, validator=v.check_tags)
    dns_zone_name: str = attrs.field(default="dr.example.com", validator=v.check_zone)
    dns_record_name: str = attrs.field(default="api", validator=v.check_label)
    existing_zone_id: str | None = attrs.field(default=None, validator=v.check_zone_id)
    alert_emails: tuple[str, ...] = attrs.field(
        default=("dr-oncall@example.com",), converter=v.to_emails, validator=v.check_emails
    )
    health_check_interval_seconds: int = attrs.field(
        default=10, validator=v.one_of(HEALTH_CHECK_INTERVALS, " s")
    )
    health_check_failure_threshold: int = attrs.field(default=3, validator=v.int_range(1, 10))
    client_dns_cache_seconds: int = attrs.field(default=30, validator=v.int_range(0, 300))
    replication_lag_threshold_seconds: int = attrs.field(default=30, validator=v.int_range(1, 3600))
    replication_alarm_evaluation_periods: int = attrs.field(default=1, validator=v.int_range(1, 3))
    rto_target_seconds: int = attrs.field(
        default=300, validator=v.int_range(1, budget.RTO_LIMIT_SECONDS)
    )
    rpo_target_seconds: int = attrs.field(
        default=60, validator=v.int_range(1, budget.RPO_LIMIT_SECONDS)
    )
    availability_target: float = attrs.field(
        default=99.99, converter=v.to_number, validator=v.percent_below(90, 100)
    )
    lambda_memory_mb: int = attrs.field(default=3072, validator=v.int_range(128, 10240))
    lambda_timeout_seconds: int = attrs.field(default=30, validator=v.int_range(1, 30))
    lambda_reserved_concurrency: int = attrs.field(default=100, validator=v.int_range(1, 900))
    peak_concurrency: int = attrs.field(default=80, validator=v.int_range(1, 100_000))
    peak_read_units_per_second: int = attrs.field(default=1600, validator=v.int_range(1, 1_000_000))
    parameter_store_high_throughput: bool = attrs.field(
        default=False, validator=v.instance_of(bool, "true or false")
    )
    log_retention_days: int = attrs.field(
        default=365, validator=v.one_of(LOG_RETENTION_DAYS, " days")
    )
    protect_data: bool = attrs.field(default=False, validator=v.instance_of(bool, "true or false"))
    target: Target = attrs.field(
        default=Target.AWS,
        validator=v.instance_of(Target, "Target.AWS or Target.LOCAL ('aws'/'local' in TOML)"),
    )
    local_endpoint: str | None = attrs.field(default=None, validator=v.check_endpoint)
    backend: S3Backend | None = attrs.field(
        default=None,
        validator=v.instance_of(S3Backend, "None or an S3Backend ([backend] table)", optional=True),
    )
    operator_principals: tuple[str, ...] = attrs.field(
        default=(), converter=v.to_principals, validator=v.check_principals
    )
    break_glass_principals: tuple[str, ...] = attrs.field(
        default=(), converter=v.to_break_glass, validator=v.check_principals
    )
    extra_api_statements: tuple[iam.Statement, ...] = attrs.field(
        default=(), converter=v.to_statements
    )
    retiring_regions: tuple[str, ...] = attrs.field(default=(), converter=rules.to_retiring)
    release_order: tuple[str, ...] = attrs.field(default=(), converter=release_order.to_order)
    data_residency: tuple[str, ...] = attrs.field(default=(), converter=residency.to_residency)

    def __attrs_post_init__(self) -> None:
        rules.check_region_set(self.regions)
        rules.check_retiring(self.retiring_regions, [r.region for r in self.regions])
        release_order.check_order(self.release_order, [r.region for r in self.regions])
        residency.check_residency(self.data_residency, [r.region for r in self.regions])
        # The global stacks' names are in us-east-1 whatever the layout.
        names.check_all(self.namer, {*(r.region for r in self.regions), ROUTE53_METRICS_REGION})
        for r in self.regions:
            self.regional_api_domain_name(r.region)
        self._check_budget()
        self._check_parameter_store()
        if self.target is Target.LOCAL and self.local_endpoint is None:
            fail(
                "local_endpoint", None, "the emulator URL when target is local (DRKIT_ENDPOINT_URL)"
            )

    def _check_budget(self) -> None:
        inputs = self.budget_inputs
        rto = budget.rto_budget(inputs)
        if not rto.meets_target:
            best = budget.max_failure_threshold(inputs)
            fail(
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
            fail(
                "replication_lag_threshold_seconds",
                self.replication_lag_threshold_seconds,
                f"less than rpo_target_seconds={self.rpo_target_seconds}: the alarm must fire "
                "before replication lag reaches the RPO",
            )

    def _check_parameter_store(self) -> None:
        top = parameter_store.LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT
        if self.parameter_store_high_throughput:
            return
        for field, reserved in self._reservations():
            if reserved <= top:
                continue
            fail(
                field,
                reserved,
                f"at most {top} on Parameter Store's standard throughput "
                f"({parameter_store.GET_PARAMETER_DEFAULT_TPS} reads a second per account and "
                "region; a limit kept from when the API function served /health and read the "
                "drain switch, docs/architecture.md); above it, turn on higher throughput in "
                "every region and set parameter_store_high_throughput = true",
            )

    def _reservations(self) -> list[tuple[str, int]]:
        """Every reservation of the API function the spec sets, with the field that sets it."""
        found = [("lambda_reserved_concurrency", self.lambda_reserved_concurrency)]
        for i, r in enumerate(self.regions):
            if r.lambda_reserved_concurrency is not None:
                field = f"{index_path('regions', i)}.lambda_reserved_concurrency"
                found.append((field, r.lambda_reserved_concurrency))
        return found

    def region(self, name: str) -> RegionSpec:
        """The spec of the region called ``name`` (``KeyError`` if the layout has none)."""
        for r in self.regions:
            if r.region == name:
                return r
        raise KeyError(f"{name} is not a region of this layout")

    def reserved_concurrency(self, region: str) -> int:
        """The API function's reservation in ``region`` (its own, or the deployment's)."""
        spec = self.region(region)
        if spec.lambda_reserved_concurrency is not None:
            return spec.lambda_reserved_concurrency
        return self.lambda_reserved_concurrency

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
            availability_target=self.availability_target,
        )

    # ----- views -----------------------------------------------------------
    @property
    def primary(self) -> RegionSpec:
        return next(r for r in self.regions if r.is_primary)

    @property
    def secondaries(self) -> tuple[RegionSpec, ...]:
        return tuple(r for r in self.regions if not r.is_primary)

    @property
    def release_regions(self) -> tuple[str, ...]:
        """The regions in the order a release reaches them (``drkit.regions.release_order``)."""
        return self.release_order or release_order.default_order(self.regions)

    @property
    def stacks(self) -> tuple[StackPlan, ...]:
        """Every Terraform stack of the deployment, in an order that applies."""
        return plan_stacks(
            [r.region for r in self.regions], self.primary.region, self.retiring_regions
        )

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

    def regional_api_domain_name(self, region: str) -> str:
        """The name only ``region``'s API answers to, which its health check probes."""
        return regional_domain_name(self.dns_record_name, self.dns_zone_name, region)

    def health_url(self, region: str) -> str:
        """What ``region``'s Route 53 health check requests (and the watchers probe)."""
        return f"https://{self.regional_api_domain_name(region)}{HEALTH_PATH}"

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
        """Read a layout file (see ``examples/three-region.toml``); every error at once."""
        build = lambda raw: cls.from_mapping(raw, **overrides)  # noqa: E731
        return layout_errors.from_file(path, build, overridden=overrides)

    @classmethod
    def from_mapping(cls, raw: Any, **overrides: Any) -> DeploymentSpec:
        """Build from parsed TOML/JSON data; unknown keys are errors, not silently ignored.

        Raises:
            SpecError: Naming the field's path (``regions[1].weight``, ``backend.bucket``).
            ComplianceError: An extra statement breaks least privilege.
        """
        table = v.expect_table("layout", raw, "a table of DeploymentSpec fields (a TOML document)")
        fields = [f.name for f in attrs.fields(cls)]
        v.check_keys("", table, required=("regions",), optional=fields)
        data = dict(table)
        tables = v.expect_array("regions", data["regions"], "an array of [[regions]] tables")
        data["regions"] = tuple(
            RegionSpec.from_mapping(t, field=index_path("regions", i)) for i, t in enumerate(tables)
        )
        if "target" in data:
            data["target"] = v.parse_enum(Target, "target", data["target"])
        if "backend" in data:
            data["backend"] = S3Backend.from_mapping(data["backend"], field="backend")
        return cls(**{**data, **overrides})

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> DeploymentSpec:
        """The spec ``app.py`` deploys.

        ``DRKIT_CONFIG`` names a TOML layout (default: the built-in two regions),
        ``ENVIRONMENT_SUFFIX`` overrides the suffix, ``DRKIT_TARGET`` picks
        ``aws`` (default) or ``local``, with ``DRKIT_ENDPOINT_URL`` the emulator;
        ``DRKIT_RETIRING_REGIONS`` (comma-separated) names regions being removed.
        An error in a value that came from a variable names the variable.
        """
        env = os.environ if environ is None else environ
        given = {name: _variable(env, name) for name in ENVIRONMENT_VARIABLES}
        overrides: dict[str, Any] = {}
        sources: dict[str, str] = {}  # spec field -> the variable that set it
        if given["ENVIRONMENT_SUFFIX"]:
            overrides["environment_suffix"] = given["ENVIRONMENT_SUFFIX"]
            sources["environment_suffix"] = "ENVIRONMENT_SUFFIX"
        if given["DRKIT_TARGET"]:
            overrides["target"] = v.parse_enum(Target, "DRKIT_TARGET", given["DRKIT_TARGET"])
        if retiring := given[RETIRING_REGIONS_VARIABLE]:
            overrides["retiring_regions"] = retiring.split(",")
            sources["retiring_regions"] = RETIRING_REGIONS_VARIABLE
        if overrides.get("target") is Target.LOCAL:
            overrides["local_endpoint"] = given["DRKIT_ENDPOINT_URL"]
            sources["local_endpoint"] = "DRKIT_ENDPOINT_URL"
        try:
            if given["DRKIT_CONFIG"]:
                return cls.from_toml(given["DRKIT_CONFIG"], **overrides)
            return cls.default(**overrides)
        except SpecError as err:
            field, _, index = err.field.partition("[")
            if field in sources:  # named after the variable, with the item's index
                raise err.renamed(sources[field] + (f"[{index}" if index else "")) from None
            raise


#: Regions being removed, comma-separated (``retiring_regions``; layout_change.Step).
RETIRING_REGIONS_VARIABLE = "DRKIT_RETIRING_REGIONS"
#: What ``DeploymentSpec.from_environment`` reads.
ENVIRONMENT_VARIABLES = (
    "DRKIT_CONFIG",
    "ENVIRONMENT_SUFFIX",
    "DRKIT_TARGET",
    "DRKIT_ENDPOINT_URL",
    RETIRING_REGIONS_VARIABLE,
)


def _variable(env: Mapping[str, Any], name: str) -> str | None:
    """A variable's value; unset and empty are both None."""
    value = env.get(name)
    if value is not None and not isinstance(value, str):
        fail(name, value, "a string (an environment variable's value)")
    return value or None
