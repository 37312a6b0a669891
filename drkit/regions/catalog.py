"""The AWS commercial regions drkit can place a footprint in, with their short codes.

Short codes go into physical names (``s3-data-use1-prod``), so they must be
short, unique and stable: changing one renames (replaces) real resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_DIRECTIONS = {
    "east": "e",
    "west": "w",
    "north": "n",
    "south": "s",
    "central": "c",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
}

# Commercial regions known to hashicorp/aws 5.100.0. GovCloud and China use
# other partitions and other compliance programmes; they are out of scope.
_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
)


def _short(region: str) -> str:
    area, direction, number = region.split("-")
    return f"{area}{_DIRECTIONS[direction]}{number}"


#: region name -> short code, e.g. ``us-east-1 -> use1``, ``ap-southeast-2 -> apse2``.
SHORT_CODES: Mapping[str, str] = MappingProxyType({r: _short(r) for r in _REGIONS})

#: Route 53's HealthCheckStatus metric is published only in us-east-1, whatever
#: regions a deployment uses; health-check alarms must live there.
ROUTE53_METRICS_REGION = "us-east-1"

assert len(set(SHORT_CODES.values())) == len(SHORT_CODES), "short codes must be unique"


def short_code(region: str) -> str:
    """The short code of a known region (``KeyError`` for an unknown one)."""
    return SHORT_CODES[region]
