"""One region of a deployment: its part, its share of traffic, its network, its overrides."""

from __future__ import annotations

import enum
import ipaddress
import itertools
from typing import Any

import attrs

from drkit.errors import SpecError
from drkit.regions import region_rules as rules
from drkit.regions import validators as v
from drkit.regions.catalog import SHORT_CODES
from drkit.regions.region_rules import SUBNET_PREFIX_DELTA, SUBNETS_PER_VPC


class Role(enum.Enum):
    """A region's part in the deployment."""

    PRIMARY = "primary"
    SECONDARY = "secondary"


@attrs.frozen(kw_only=True)
class RegionSpec:
    """One region of a deployment: everything that makes its footprint differ from another.

    Attributes:
        region: AWS region name, e.g. ``us-east-1``.
        role: ``Role.PRIMARY`` (creates the global tables) or ``Role.SECONDARY``.
        weight: Share of DNS traffic in percent (0-100); all weights sum to 100.
        cidr: The region's VPC range; private, non-overlapping, /16 to /22.
        lambda_reserved_concurrency: This region's reservation for the API function, e.g.
            a survivor raised to absorb its peer's share during an outage. Left out: the
            deployment's ``lambda_reserved_concurrency``.
    """

    region: str = attrs.field(validator=rules.check_region)
    role: Role = attrs.field(
        validator=v.instance_of(Role, "Role.PRIMARY or Role.SECONDARY ('primary'/'secondary')")
    )
    weight: int = attrs.field(validator=rules.check_weight)
    cidr: str = attrs.field(validator=rules.check_cidr)
    lambda_reserved_concurrency: int | None = attrs.field(
        default=None, validator=v.optional_int_range(1, 900)
    )

    @classmethod
    def from_mapping(cls, raw: Any, *, field: str = "regions[]") -> RegionSpec:
        """Build from a TOML table (``role`` as a string); errors name ``field.key``."""
        table = v.expect_table(field, raw, "a [[regions]] table: region, role, weight, cidr")
        v.check_keys(
            field,
            table,
            required=("region", "role", "weight", "cidr"),
            optional=("lambda_reserved_concurrency",),
        )
        role = v.parse_enum(Role, f"{field}.role", table["role"])
        try:
            return cls(**{**{str(k): x for k, x in table.items()}, "role": role})
        except SpecError as err:
            raise err.within(field) from None

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
