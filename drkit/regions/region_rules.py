"""The rules of a region in a layout: its name, weight and range, and the set of them.

Split from :mod:`drkit.regions.validators` (the generic field rules it builds on); every
failure a SpecError naming the field.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Sequence
from typing import Any

import attrs

from drkit.errors import did_you_mean
from drkit.regions.catalog import SHORT_CODES
from drkit.regions.validators import expect_array, fail, is_int

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


# ----- a region ----------------------------------------------------------------------------
def check_region(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or value not in SHORT_CODES:
        hint = did_you_mean(value, SHORT_CODES)
        fail(attribute.name, value, "an AWS commercial region: " + ", ".join(SHORT_CODES) + hint)


def to_retiring(value: Any) -> tuple[str, ...]:
    return expect_array(
        "retiring_regions",
        value,
        'an array of AWS region names being removed, e.g. ["eu-west-1"]',
    )


def check_retiring(retiring: tuple[str, ...], regions: list[str]) -> None:
    """Regions being removed: known, distinct, and no longer in the layout."""
    for i, region in enumerate(retiring):
        field = f"retiring_regions[{i}]"
        if not isinstance(region, str) or region not in SHORT_CODES:
            fail(field, region, "an AWS commercial region: " + ", ".join(SHORT_CODES))
        if region in regions:
            fail(field, region, "a region no longer in the layout's [[regions]]")
        if region in retiring[:i]:
            fail(field, region, "each region once")


def check_weight(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not is_int(value) or not 0 <= value <= 100:
        fail(attribute.name, value, "an integer percentage from 0 to 100")


def check_cidr(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    form = "an IPv4 network in CIDR form with no host bits, e.g. 10.0.0.0/16"
    if not isinstance(value, str):
        fail(attribute.name, value, form)
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError:
        fail(attribute.name, value, form)
    if str(network) != value:  # a netmask or a missing prefix would reach AWS as written
        fail(attribute.name, value, f"{form} (written {network})")
    if not any(network.subnet_of(r) for r in PRIVATE_RANGES):
        fail(
            attribute.name,
            value,
            "a private (RFC 1918) range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
        )
    largest_prefix = SMALLEST_SUBNET_PREFIX - SUBNET_PREFIX_DELTA
    prefix = network.prefixlen
    if prefix < LARGEST_VPC_PREFIX:
        why = f"AWS's largest VPC is a /{LARGEST_VPC_PREFIX}"
    else:
        why = (
            f"drkit's {SUBNETS_PER_VPC} private subnets are {SUBNET_PREFIX_DELTA} bits longer "
            f"than the VPC, and /{SMALLEST_SUBNET_PREFIX} is the smallest it uses: a /{prefix} "
            f"would leave them /{prefix + SUBNET_PREFIX_DELTA}"
        )
    if not LARGEST_VPC_PREFIX <= prefix <= largest_prefix:
        fail(
            attribute.name,
            value,
            f"a prefix from /{LARGEST_VPC_PREFIX} to /{largest_prefix} ({why})",
        )


# ----- rules across fields -------------------------------------------------------------------
def check_region_set(regions: Sequence[Any]) -> None:
    """At least two distinct regions, one primary, weights summing to 100, disjoint ranges
    (each item a RegionSpec, already valid on its own)."""
    if len(regions) < 2:
        fail(
            "regions",
            [r.region for r in regions],
            "at least two regions, one primary: DR needs a second one",
        )
    seen: dict[str, int] = {}
    for i, spec in enumerate(regions):
        if spec.region in seen:
            fail(
                f"regions[{i}].region",
                spec.region,
                f"a region not already used by regions[{seen[spec.region]}]",
            )
        seen[spec.region] = i
    primaries = [r.region for r in regions if r.is_primary]
    if len(primaries) != 1:
        fail("regions[].role", primaries, "exactly one region with role 'primary'")
    total = sum(r.weight for r in regions)
    if total != 100:
        fail(
            "regions[].weight",
            [r.weight for r in regions],
            f"weights summing to 100 (these sum to {total})",
        )
    for (i, a), (j, b) in itertools.combinations(enumerate(regions), 2):
        if a.network.overlaps(b.network):
            fail(
                f"regions[{j}].cidr",
                b.cidr,
                f"a range that does not overlap regions[{i}].cidr {a.cidr}",
            )
