"""Controls that hold across stacks, which checkov, scanning one stack at a time, cannot see.

A regional stack must apply with only its own region up, so what joins two regions lives in
``drkit-links`` and names the other stack's resources by their computed names: a bucket's
replication is configured there, not beside the bucket (docs/architecture.md, "The stack
cut"). checkov's CKV_AWS_144 looks for a replication configuration connected to the bucket
in the same file and so fails every bucket; the zone's signing and query logging, likewise,
live in ``drkit-zone`` beside a zone made in ``drkit-dns`` (CKV2_AWS_38, CKV2_AWS_39); and
``drkit-routing``'s records alias API domain names made in the regions' stacks, which a plan
shows checkov only as strings (CKV2_AWS_23). These checks read all the stacks together.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from drkit.operations.synthesized import merge_stacks

#: The control checkov's CKV_AWS_144 stands for: data survives the loss of its region.
REPLICATION = "S3 cross-region replication (HIPAA 164.308(a)(7)(ii)(A), data backup plan)"
#: The controls checkov's CKV2_AWS_38 and CKV2_AWS_39 stand for on a public zone drkit makes.
ZONE_PROTECTION = {
    "aws_route53_hosted_zone_dnssec": "DNSSEC signing (HIPAA 164.312(c)(1), integrity)",
    "aws_route53_query_log": "DNS query logging (HIPAA 164.312(b), audit controls)",
}
#: Buckets kept unreplicated by a reviewed choice: glob pattern over addresses -> reason.
UNREPLICATED: Mapping[str, str] = {
    "*_access-logs_resource_*": (
        "one region's S3 server access logs, which S3 delivers on a best-effort basis (not "
        "every request is guaranteed a record): diagnostics, not the record that must survive "
        "a region. That record is CloudTrail's data events on the tables and buckets, in the "
        "trail bucket, replicated to every other region. Losing a region loses its own access "
        "logs; accepted."
    ),
    "*_releases_resource_*": (
        "one region's release archives and their signed copies: Signer signs only objects in "
        "its own region, so each region uploads and signs its own copy from the same build, "
        "and a lost region's copy is rebuilt by the next apply. The functions' code lives in "
        "their published versions, not in the bucket."
    ),
}
_BUCKET_ARN = re.compile(r"^arn:[^:]*:s3:::(?P<name>[^/]+)$")
_PARTITION = re.compile(r"\$\{[^}]*partition[^}]*\}")


@attrs.frozen(kw_only=True)
class Bucket:
    """One bucket of a deployment: its name, region and where it is declared."""

    name: str
    region: str
    address: str


def _regions(stack: Mapping[str, Any]) -> dict[str, str]:
    """``"aws.<alias>" -> region`` of a stack's providers (and ``"aws"`` for the default)."""
    regions = {}
    for provider in stack.get("provider", {}).get("aws", []):
        regions["aws." + provider["alias"] if "alias" in provider else "aws"] = provider["region"]
    return regions


def buckets(stacks: Mapping[str, Mapping[str, Any]]) -> dict[str, Bucket]:
    """Every bucket of the deployment, by name, with the region its provider puts it in."""
    found = {}
    for stack_name, stack in stacks.items():
        regions = _regions(stack)
        for logical, body in stack.get("resource", {}).get("aws_s3_bucket", {}).items():
            found[body["bucket"]] = Bucket(
                name=body["bucket"],
                region=regions[body.get("provider", "aws")],
                address=f"{stack_name}/aws_s3_bucket.{logical}",
            )
    return found


def replication_routes(stacks: Mapping[str, Mapping[str, Any]]) -> dict[str, set[str]]:
    """``source bucket -> destination buckets`` of every enabled replication rule."""
    routes: dict[str, set[str]] = {}
    for stack in stacks.values():
        configs = stack.get("resource", {}).get("aws_s3_bucket_replication_configuration", {})
        for body in configs.values():
            for rule in body.get("rule", []):
                if rule.get("status") != "Enabled":
                    continue
                arn = _PARTITION.sub("aws", rule["destination"]["bucket"])
                match = _BUCKET_ARN.match(arn)
                routes.setdefault(body["bucket"], set()).add(match["name"] if match else arn)
    return routes


def replication_findings(
    stacks: Mapping[str, Mapping[str, Any]], exempt: Iterable[str] = tuple(UNREPLICATED)
) -> list[tuple[str, str]]:
    """``(bucket address, problem)`` for every bucket the deployment could lose with a region.

    A bucket passes when it replicates to a bucket of the deployment in every other region,
    or when it is a replica itself (the destination of such a rule). ``exempt`` holds glob
    patterns over addresses of buckets kept unreplicated by a reviewed choice
    (:data:`UNREPLICATED`).
    """
    every = buckets(stacks)
    routes = replication_routes(stacks)
    regions = {b.region for b in every.values()}
    replicas = {name for targets in routes.values() for name in targets}
    findings = [
        (source, f"replicates to {target}, no bucket of this deployment")
        for source, targets in sorted(routes.items())
        for target in sorted(targets - set(every))
    ]
    for bucket in sorted(every.values(), key=lambda b: b.address):
        if any(fnmatch.fnmatchcase(bucket.address, p) for p in exempt):
            continue
        reached = {every[t].region for t in routes.get(bucket.name, ()) if t in every}
        if bucket.name in replicas and bucket.name not in routes:
            continue
        missing = regions - {bucket.region} - reached
        if missing:
            findings.append(
                (bucket.address, f"{bucket.name} has no replica in {', '.join(sorted(missing))}")
            )
    return findings


def zone_findings(stacks: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str]]:
    """``(zone address, problem)`` for every zone a stack makes without DNSSEC signing or
    query logging in some stack. A zone drkit is given (``existing_zone_id``) is its owner's to
    protect and is not made here, so it is not checked."""
    merged = merge_stacks(stacks)
    resources = merged["resource"]
    findings = []
    for logical, body in sorted(resources.get("aws_route53_zone", {}).items()):
        zone_ref = f"${{aws_route53_zone.{logical}.zone_id}}"
        # DNSSEC names the zone through its key-signing key, which names the zone.
        refs = {zone_ref} | {
            f"${{aws_route53_key_signing_key.{k}.hosted_zone_id}}"
            for k, ksk in resources.get("aws_route53_key_signing_key", {}).items()
            if ksk.get("hosted_zone_id") == zone_ref
        }
        for rtype, control in ZONE_PROTECTION.items():
            attribute = "hosted_zone_id" if rtype.endswith("dnssec") else "zone_id"
            if not any(r.get(attribute) in refs for r in resources.get(rtype, {}).values()):
                findings.append((f"{body['//stack']}/aws_route53_zone.{logical}", f"no {control}"))
    return findings


_ALIAS_TARGET = re.compile(r"^\$\{aws_apigatewayv2_domain_name\.([^.]+)\.domain_name_configuration")


def alias_findings(stacks: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str]]:
    """``(record address, problem)`` for every alias record whose target is not an API domain
    name some stack of the deployment makes (a dangling record answers for nothing, or for
    whoever claims the target next)."""
    resources = merge_stacks(stacks)["resource"]
    domains = resources.get("aws_apigatewayv2_domain_name", {})
    findings = []
    for logical, body in sorted(resources.get("aws_route53_record", {}).items()):
        aliases = body.get("alias") or []
        for alias in [aliases] if isinstance(aliases, Mapping) else aliases:
            match = _ALIAS_TARGET.match(str(alias.get("name", "")))
            if match is None or match[1] not in domains:
                findings.append(
                    (
                        f"{body['//stack']}/aws_route53_record.{logical}",
                        f"aliases {alias.get('name')!r}, no API domain of this deployment",
                    )
                )
    return findings
