"""The stacks one synthesis wrote, read back (never jsii): each on its own, or as one document.

A region's stack refers to other stacks' resources only by name; the global and
cross-region stacks read the regions' outputs through cdktf's cross-stack references
(``terraform_remote_state``). :func:`merge_stacks` replaces each such reference with what
the producing stack's output holds, so the deployment reads as the single document it
describes: what the graph draws and the whole-deployment checks inspect.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: ``data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<output>``, on its
#: own (``${...}``) or inside an expression (``${replace(..., "*.", "bucket.")}``).
_REMOTE = re.compile(
    r"(?P<open>\$\{)?data\.terraform_remote_state\.cross-stack-reference-input-"
    r"(?P<stack>[A-Za-z0-9-]+)\.outputs\.(?P<output>[A-Za-z0-9_-]+)(?P<close>\})?"
)
CROSS_STACK_OUTPUT = "cross-stack-output-"


def read_synthesized(outdir: Path) -> dict[str, dict[str, Any]]:
    """Every synthesized stack's Terraform JSON, by stack name (from cdktf's manifest)."""
    manifest = json.loads((Path(outdir) / "manifest.json").read_text(encoding="utf-8"))
    return {
        name: json.loads((Path(outdir) / entry["synthesizedStackPath"]).read_text("utf-8"))
        for name, entry in manifest["stacks"].items()
    }


def merge_stacks(stacks: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The whole deployment as one document: every stack's resources, data sources, outputs
    and providers, each cross-stack reference replaced by the producer's output's value.

    Logical names are unique across stacks, but for each stack's account and partition
    lookups (the same in every stack) and its providers (one per alias; an alias names the
    same region in every stack that has it). Each resource body gets ``//stack``, the stack
    it is in.
    """
    # A cross-stack output's value is the producer's reference, a string.
    outputs: dict[tuple[str, str], str] = {
        (name, key): body["value"]
        for name, doc in stacks.items()
        for key, body in doc.get("output", {}).items()
    }

    def value(match: re.Match[str]) -> str:
        produced = outputs[(match["stack"], match["output"])]
        if match["open"] and match["close"]:
            return produced
        inner = produced.removeprefix("${").removesuffix("}")  # an expression inside one
        return (match["open"] or "") + inner + (match["close"] or "")

    def local(text: str) -> str:
        return _REMOTE.sub(value, text)

    whole: dict[str, Any] = {"resource": {}, "data": {}, "provider": {"aws": []}, "output": {}}
    aliases: set[str] = set()
    for name, doc in stacks.items():
        body = json.loads(local(json.dumps(dict(doc))))  # json writes dicts, not any Mapping
        for kind in ("resource", "data"):
            for rtype, items in body.get(kind, {}).items():
                if rtype == "terraform_remote_state":
                    continue
                for logical, block in items.items():
                    whole[kind].setdefault(rtype, {})[logical] = {**block, "//stack": name}
        for provider in body.get("provider", {}).get("aws", []):
            if provider["alias"] not in aliases:
                aliases.add(provider["alias"])
                whole["provider"]["aws"].append(provider)
        whole["output"].update(
            {
                k: v
                for k, v in body.get("output", {}).items()
                if not k.startswith(CROSS_STACK_OUTPUT)
            }
        )
    return whole


#: Sizes past which a layout is said to be unwieldy as one deployment (the default layout
#: makes 437 resources, 1 peering, and no stack over 0.5 MB).
LARGE_RESOURCES = 2000
LARGE_PEERINGS = 10
LARGE_STACK_BYTES = 2_000_000


def size_warnings(sizes: dict[str, int], resources: int, peerings: int) -> list[str]:
    """What makes a layout unwieldy to deploy as one: not refused, said."""
    found = []
    if resources > LARGE_RESOURCES:
        found.append(
            f"{resources} resources: every release and drift check plans them all; "
            f"above {LARGE_RESOURCES} consider fewer regions per deployment"
        )
    if peerings > LARGE_PEERINGS:
        found.append(
            f"{peerings} VPC peerings (a full mesh grows with the square of the regions; "
            f"AWS allows 50 active peerings per VPC by default)"
        )
    largest, size = max(sizes.items(), key=lambda kv: kv[1])
    if size > LARGE_STACK_BYTES:
        found.append(
            f"{largest} is {size / 1e6:.1f} MB of Terraform JSON: one state that large plans "
            "slowly and locks every change behind it"
        )
    return found
