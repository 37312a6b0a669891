"""The hosted zone and its delegation: will ACM be able to validate the API certificates?

ACM validates each region's certificate through a record in the API's zone,
and the deploy waits until it does; that only happens once the parent zone
delegates the name to the zone's name servers. An existing zone
(``existing_zone_id``) must exist, be public, hold ``dns_zone_name`` and be
delegated; a zone drkit creates must not shadow a zone of the same name that
the domain is already delegated to.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from drkit.operations.preflight.delegation import (
    DelegationUnknown,
    NameServerLookup,
    normalized,
)
from drkit.operations.preflight.findings import Finding, ok, refused, warning
from drkit.regions.spec import DeploymentSpec

ZONE, DELEGATION = "hosted zone", "delegation"


def check_zone(
    route53: Any, spec: DeploymentSpec, lookup: NameServerLookup | None
) -> list[Finding]:
    """The zone's findings; ``lookup`` None skips the public DNS check (an emulator)."""
    name = spec.dns_zone_name.rstrip(".")
    try:
        if spec.existing_zone_id:
            return _existing_zone(route53, spec.existing_zone_id, name, lookup)
        return _created_zone(route53, name, lookup)
    except (ClientError, BotoCoreError) as err:
        return [
            refused(
                name,
                ZONE,
                f"could not read Route 53 ({err}). The preflight needs route53:GetHostedZone "
                "and route53:ListHostedZonesByName.",
            )
        ]


def _existing_zone(
    route53: Any, zone_id: str, name: str, lookup: NameServerLookup | None
) -> list[Finding]:
    try:
        zone = route53.get_hosted_zone(Id=zone_id)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") != "NoSuchHostedZone":
            raise
        return [
            refused(
                name,
                ZONE,
                f"existing_zone_id {zone_id} is no hosted zone of this account. Change: set "
                f"existing_zone_id to the id of the public zone of {name} (aws route53 "
                f"list-hosted-zones-by-name --dns-name {name}), or leave it out and drkit "
                "creates the zone.",
            )
        ]
    actual = zone["HostedZone"]["Name"].rstrip(".")
    if actual != name:
        return [
            refused(
                name,
                ZONE,
                f"existing_zone_id {zone_id} is the zone of {actual}, not of dns_zone_name "
                f"{name}: the API name and its certificates would go to the wrong zone. Change "
                "existing_zone_id or dns_zone_name so that they agree.",
            )
        ]
    if zone["HostedZone"].get("Config", {}).get("PrivateZone"):
        return [
            refused(
                name,
                ZONE,
                f"existing_zone_id {zone_id} is a private zone; Route 53 health checks and ACM's "
                "DNS validation need a public one. Change: the id of the public zone of "
                f"{name}.",
            )
        ]
    servers = normalized(zone.get("DelegationSet", {}).get("NameServers", ()))
    found = ok(name, ZONE, f"existing_zone_id {zone_id} is the public zone of {name}.")
    return [found, _delegated_to_zone(name, zone_id, servers, lookup)]


def _delegated_to_zone(
    name: str, zone_id: str, servers: frozenset[str], lookup: NameServerLookup | None
) -> Finding:
    if lookup is None:
        return warning(name, DELEGATION, "not checked: an emulator serves no DNS.")
    try:
        public = lookup(name)
    except DelegationUnknown as err:
        return warning(
            name,
            DELEGATION,
            f"could not be read ({err}); check it yourself: dig NS {name} must list "
            f"{', '.join(sorted(servers))}.",
        )
    if public == servers:
        return ok(name, DELEGATION, f"{name} is delegated to zone {zone_id}'s name servers.")
    now = f"delegated to {', '.join(sorted(public))}" if public else "not delegated at all"
    return refused(
        name,
        DELEGATION,
        f"{name} is {now}, not to zone {zone_id}'s name servers "
        f"({', '.join(sorted(servers))}): ACM could not validate the API certificates and "
        f"the deploy would wait for it. Change: at the parent zone (or registrar), make {name}'s "
        "NS records exactly these name servers.",
    )


def _created_zone(route53: Any, name: str, lookup: NameServerLookup | None) -> list[Finding]:
    listed = route53.list_hosted_zones_by_name(DNSName=name)["HostedZones"]
    same = [
        z["Id"].removeprefix("/hostedzone/")
        for z in listed
        if z["Name"].rstrip(".") == name and not z.get("Config", {}).get("PrivateZone")
    ]
    servers = {
        zone_id: normalized(route53.get_hosted_zone(Id=zone_id)["DelegationSet"]["NameServers"])
        for zone_id in same
    }
    public: frozenset[str] | None = None
    if lookup is not None:
        try:
            public = lookup(name)
        except DelegationUnknown:
            public = None
    shadowed = [zone_id for zone_id, ns in servers.items() if public and ns == public]
    if shadowed:
        return [
            refused(
                name,
                ZONE,
                f"{name} is already served by hosted zone {shadowed[0]} of this account (the "
                "domain is delegated to its name servers), and no existing_zone_id is set: drkit "
                "would create a second zone that no resolver asks, and its certificates would "
                f'never validate. Change: set existing_zone_id = "{shadowed[0]}" (drkit then '
                "neither signs that zone with DNSSEC nor logs its queries; see docs/runbook.md).",
            )
        ]
    if public is None:
        now = "an emulator: no delegation to check" if lookup is None else "delegation unknown"
    elif public:
        now = f"it is now delegated to {', '.join(sorted(public))}"
    else:
        now = "it is not delegated yet"
    others = f"; zones of the same name here: {', '.join(same)}, none delegated to" if same else ""
    return [
        warning(
            name,
            DELEGATION,
            f"drkit creates a new hosted zone for {name} ({now}{others}). The deploy then waits "
            "on ACM's DNS validation of the API certificates until the parent zone delegates "
            f"{name} to the new zone's name servers: during the deploy, read them with aws "
            f"route53 list-hosted-zones-by-name --dns-name {name} and set them at the parent. "
            "Or create the zone first and set existing_zone_id.",
        )
    ]
