"""Where patient data may be kept: the spec's ``data_residency``, and the country of every
region drkit can place a footprint in.

drkit copies patient data to every region of a layout: the global tables have a replica in
each, every data bucket replicates to every other region, and AWS Backup copies each
region's recovery points to every other. So a layout is within a residency when each of its
regions is, and a layout that is not is refused before anything is synthesized, naming the
region. What stays in us-east-1 whatever the layout (IAM, Route 53 and its health-check
alarms, the DNS query logs) holds no patient data: docs/compliance.md.

The countries are AWS's own region names (the city or country in "Europe (Frankfurt)",
https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from drkit.regions.catalog import SHORT_CODES
from drkit.regions.validators import expect_array, fail

#: Region -> the ISO 3166-1 alpha-2 code of the country it is in.
COUNTRIES: Mapping[str, str] = MappingProxyType(
    {
        "us-east-1": "US",  # N. Virginia
        "us-east-2": "US",  # Ohio
        "us-west-1": "US",  # N. California
        "us-west-2": "US",  # Oregon
        "af-south-1": "ZA",  # Cape Town
        "ap-east-1": "HK",  # Hong Kong
        "ap-south-1": "IN",  # Mumbai
        "ap-south-2": "IN",  # Hyderabad
        "ap-southeast-1": "SG",  # Singapore
        "ap-southeast-2": "AU",  # Sydney
        "ap-southeast-3": "ID",  # Jakarta
        "ap-southeast-4": "AU",  # Melbourne
        "ap-southeast-5": "MY",  # Malaysia
        "ap-southeast-7": "TH",  # Thailand
        "ap-northeast-1": "JP",  # Tokyo
        "ap-northeast-2": "KR",  # Seoul
        "ap-northeast-3": "JP",  # Osaka
        "ca-central-1": "CA",  # Central (Montreal)
        "ca-west-1": "CA",  # Calgary
        "eu-central-1": "DE",  # Frankfurt
        "eu-central-2": "CH",  # Zurich: in Europe, not in the European Union
        "eu-west-1": "IE",  # Ireland
        "eu-west-2": "GB",  # London: in Europe, not in the European Union
        "eu-west-3": "FR",  # Paris
        "eu-south-1": "IT",  # Milan
        "eu-south-2": "ES",  # Spain
        "eu-north-1": "SE",  # Stockholm
        "il-central-1": "IL",  # Tel Aviv
        "me-south-1": "BH",  # Bahrain
        "me-central-1": "AE",  # UAE
        "mx-central-1": "MX",  # Central (Queretaro)
        "sa-east-1": "BR",  # Sao Paulo
    }
)
assert set(COUNTRIES) == set(SHORT_CODES), "every region drkit knows needs its country"

#: The member states of the European Union that have an AWS region (an ``eu-`` region name
#: is not enough: London and Zurich are in Europe, not in the Union).
EUROPEAN_UNION = frozenset({"DE", "IE", "FR", "IT", "ES", "SE"})
#: Names a residency may use besides a country code.
UNIONS: Mapping[str, frozenset[str]] = MappingProxyType({"EU": EUROPEAN_UNION})


def to_residency(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    return expect_array(
        "data_residency",
        value,
        'jurisdictions patient data may stay in: "EU", or countries such as "US", "DE"',
    )


def allowed_regions(residency: Sequence[str]) -> tuple[str, ...]:
    """Every region within ``residency`` (empty: no residency, every region)."""
    countries = {c for name in residency for c in UNIONS.get(name, {name})}
    return tuple(r for r, country in COUNTRIES.items() if not residency or country in countries)


def check_residency(residency: tuple[str, ...], regions: Iterable[str]) -> None:
    """Every jurisdiction is known, and every region of the layout is within them.

    Raises:
        SpecError: ``data_residency[i]`` for an unknown name; ``regions[i].region`` for a
            region outside, saying where the layout copies patient data and what is allowed.
    """
    known = sorted({*UNIONS, *COUNTRIES.values()})
    for i, name in enumerate(residency):
        if name not in known:
            fail(
                f"data_residency[{i}]",
                name,
                "EU or a country with an AWS region: " + ", ".join(known),
            )
    if not residency:
        return
    allowed = allowed_regions(residency)
    for i, region in enumerate(regions):
        if region not in allowed:
            fail(
                f"regions[{i}].region",
                region,
                f"a region within data_residency {list(residency)} ({', '.join(allowed)}): "
                f"every region holds a replica of the patient tables, the other regions' "
                f"bucket replicas and backup copies, and {region} is in {COUNTRIES[region]}",
            )
