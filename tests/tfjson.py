"""Helpers to query a synthesized cdk.tf.json."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

REF = re.compile(r"\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)(?:\[\d+\]\.[a-z_]+)?\}")


def resources(stack: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    """All resources of one type, by logical name."""
    return stack.get("resource", {}).get(rtype, {})


def all_resources(stack: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for rtype, items in stack.get("resource", {}).items():
        for name, body in items.items():
            yield rtype, name, body


def ref(value: str) -> tuple[str, str, str] | None:
    """``"${aws_kms_key.x.arn}"`` -> ``("aws_kms_key", "x", "arn")``."""
    match = REF.fullmatch(value) if isinstance(value, str) else None
    return match.groups() if match else None


def provider_regions(stack: dict[str, Any]) -> dict[str, str]:
    """``"aws.use1" -> "us-east-1"``."""
    return {f"aws.{p['alias']}": p["region"] for p in stack["provider"]["aws"]}


def region_of(stack: dict[str, Any], body: dict[str, Any]) -> str:
    return provider_regions(stack)[body["provider"]]


def policy(body: dict[str, Any], attribute: str = "policy") -> dict[str, Any]:
    return json.loads(body[attribute])
