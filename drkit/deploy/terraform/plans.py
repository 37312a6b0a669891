"""Reading Terraform's JSON plans (``terraform show -json``): whether and what they change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def plan_has_changes(plan_json: Mapping[str, Any]) -> bool:
    """Whether a ``terraform show -json`` plan changes any resource or output."""
    for change in plan_json.get("resource_changes", []) or []:
        if any(a not in ("no-op", "read") for a in change.get("change", {}).get("actions", [])):
            return True
    for change in (plan_json.get("output_changes", {}) or {}).values():
        if any(a != "no-op" for a in change.get("actions", [])):
            return True
    return False


def describe_changes(plan: Mapping[str, Any]) -> list[str]:
    """``address: actions (attribute before -> after, ...)`` for every change a plan holds."""
    lines = []
    for change in plan.get("resource_changes", []):
        actions = change["change"]["actions"]
        if actions in (["no-op"], ["read"]):
            continue
        before, after = change["change"].get("before") or {}, change["change"].get("after") or {}
        diffs = [
            f"{key}: {before.get(key)!r} -> {after.get(key)!r}"
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
            and key not in (change["change"].get("after_unknown") or {})
        ]
        lines.append(f"{change['address']}: {'/'.join(actions)} ({'; '.join(diffs)[:600]})")
    return lines
