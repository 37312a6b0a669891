"""Helpers shared by the tests: in-process synthesis, cdk.tf.json queries, processes, Terraform."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

# ----- synthesis (loads the provider bindings once per process) -----------------------------

#: Each example is a whole synth (1-3 s): 4 under the ci profile, 2 in the edit-and-run loop
#: (where the fixed layouts' tests check the same properties too). More does not fit
#: `make test`'s 12 minutes on 2 cores beside the end-to-end deployments.
SYNTH_EXAMPLES = 4 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 2
SYNTH_SETTINGS = settings(
    max_examples=int(os.environ.get("DRKIT_SYNTH_EXAMPLES", SYNTH_EXAMPLES)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def synth_stacks(spec: Any, outdir: Path | None = None) -> dict[str, dict[str, Any]]:
    """Synthesize every stack of ``spec`` in-process; ``stack name -> its Terraform JSON``."""
    import tempfile

    from cdktf import App

    from drkit.operations.synthesized import read_synthesized
    from drkit.stacks import DeploymentStacks

    with tempfile.TemporaryDirectory(prefix="drkit-synth-") as scratch:
        target = Path(scratch) if outdir is None else outdir
        app = App(outdir=str(target))
        DeploymentStacks(app, spec=spec)
        app.synth()
        return read_synthesized(target)


def merged(stacks: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The whole deployment as one document (``drkit.operations.synthesized.merge_stacks``)."""
    from drkit.operations.synthesized import merge_stacks

    return merge_stacks(stacks)


def synth_json(spec: Any) -> dict[str, Any]:
    """Synthesize ``spec`` in-process; the whole deployment as one document (``merged``)."""
    return merged(synth_stacks(spec))


# ----- querying a synthesized cdk.tf.json ------------------------------------------------------

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


def only(stack: dict[str, Any], rtype: str) -> dict[str, Any]:
    """The one resource of type ``rtype`` (fails naming what is there if not exactly one)."""
    items = resources(stack, rtype)
    assert len(items) == 1, list(items)
    return next(iter(items.values()))


def as_list(value: Any) -> list[Any]:
    """A policy field that may be one value or a list of them, as a list."""
    return value if isinstance(value, list) else [value]


def statements(body: dict[str, Any], attribute: str = "policy") -> list[dict[str, Any]]:
    """The statements of a policy document held in ``body[attribute]``."""
    return as_list(policy(body, attribute)["Statement"])


def role_statements(stack: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """Every statement of the inline policies of the role with logical name ``role``."""
    return [
        statement
        for body in resources(stack, "aws_iam_role_policy").values()
        if ref(body["role"]) is not None and ref(body["role"])[1] == role
        for statement in statements(body)
    ]


def role_logical(stack: dict[str, Any], value: str) -> str:
    """Logical name of the role ``value`` names: a reference to it, or its ARN (a stack that
    is not the IAM stack names its roles by ARN)."""
    found = ref(value)
    if found is not None and found[0] == "aws_iam_role":
        return found[1]
    match = re.search(r":role/([\w+=,.@-]+)$", value)
    assert match, f"not a role: {value}"
    named = [k for k, r in resources(stack, "aws_iam_role").items() if r["name"] == match[1]]
    assert len(named) == 1, f"{len(named)} roles named {match[1]}"
    return named[0]


#: Resource type -> the attribute holding its physical name (what another stack names it by).
NAME_ATTRIBUTE = {
    "aws_lambda_function": "function_name",
    "aws_s3_bucket": "bucket",
    "aws_iam_role": "name",
    "aws_dynamodb_table": "name",
    "aws_cloudwatch_event_rule": "name",
    "aws_sns_topic": "name",
    "aws_cloudwatch_log_group": "name",
}


def logical_of(stack: dict[str, Any], kind: str, value: str) -> str:
    """Logical name of the ``kind`` resource ``value`` names: a reference to it, or (a stack
    names another stack's resource this way) its ARN or physical name."""
    found = ref(value)
    if found is not None and found[0] == kind:
        return found[1]
    name = re.split(r"[:/]", value)[-1]
    attribute = NAME_ATTRIBUTE[kind]
    named = [k for k, body in resources(stack, kind).items() if body[attribute] == name]
    assert len(named) == 1, f"{value} names {len(named)} {kind}"
    return named[0]


def checked_regions(stack: dict[str, Any]) -> dict[str, str]:
    """``region -> logical name`` of its health check: the check its weighted record names
    (every check is in us-east-1, Route 53's control plane; the record says whose it is)."""
    found = {}
    for record in resources(stack, "aws_route53_record").values():
        check = ref(record.get("health_check_id", "")) if "health_check_id" in record else None
        if check is not None:
            assert check[0] == "aws_route53_health_check", record
            found[record["set_identifier"]] = check[1]
    assert len(found) == len(resources(stack, "aws_route53_health_check")), found
    return found


def bucket_of(stack: dict[str, Any], value: str) -> str:
    """Logical name of the bucket ``value`` names: a reference, its ARN or its name."""
    found = ref(value)
    if found is not None and found[0] == "aws_s3_bucket":
        return found[1]
    return bucket_named(stack, value.rsplit(":", 1)[-1])


def key_of(stack: dict[str, Any], value: str) -> str:
    """Logical name of the KMS key ``value`` names: a reference, or its alias (name or ARN;
    a stack names another stack's key by its alias)."""
    found = ref(value)
    if found is not None and found[0] == "aws_kms_key":
        return found[1]
    alias = value[value.index("alias/") :]
    targets = [
        ref(a["target_key_id"])[1]
        for a in resources(stack, "aws_kms_alias").values()
        if a["name"] == alias
    ]
    assert len(targets) == 1, f"{len(targets)} keys with the alias {alias}"
    return targets[0]


def account_token(stack: dict[str, Any]) -> str:
    """The reference to the deploying account's id (the one ``aws_caller_identity``)."""
    (name,) = stack["data"]["aws_caller_identity"]
    return f"${{data.aws_caller_identity.{name}.account_id}}"


# ----- drkit's stack: things tests look up by what they are, not by construct id ---------------

DYNAMODB_TABLE_ARN = re.compile(
    r"arn:(?P<partition>[^:]+):dynamodb:(?P<region>[a-z0-9-]+):(?P<account>[^:]+)"
    r":table/(?P<name>[^/]+)"
)


def table_arn_parts(arn: str) -> tuple[str, str]:
    """``(region, table name)`` of a DynamoDB table ARN (fails if ``arn`` is not one)."""
    match = DYNAMODB_TABLE_ARN.fullmatch(arn)
    assert match, f"not a table ARN: {arn}"
    return match["region"], match["name"]


def table_replicas(stack: dict[str, Any]) -> set[tuple[str, str]]:
    """``(region, table name)`` of every replica of every synthesized global table."""
    return {
        (region, table["name"])
        for table in resources(stack, "aws_dynamodb_table").values()
        for region in (region_of(stack, table), *(r["region_name"] for r in table["replica"]))
    }


def bucket_named(stack: dict[str, Any], name: str) -> str:
    """Logical name of the bucket whose physical name is ``name``."""
    found = [k for k, b in resources(stack, "aws_s3_bucket").items() if b["bucket"] == name]
    assert len(found) == 1, f"{len(found)} buckets named {name}"
    return found[0]


def bucket_key(stack: dict[str, Any], bucket: str) -> str:
    """Logical name of the KMS key that encrypts the bucket with logical name ``bucket``."""
    (config,) = (
        c
        for c in resources(stack, "aws_s3_bucket_server_side_encryption_configuration").values()
        if ref(c["bucket"])[1] == bucket
    )
    default = config["rule"][0]["apply_server_side_encryption_by_default"]
    return ref(default["kms_master_key_id"])[1]


# ----- processes ------------------------------------------------------------------------------


def process_gone(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie waiting for its reaper counts as exited)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return True
    return fields[0] in ("Z", "X")


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    """Wait up to ``timeout`` seconds for ``pid`` to exit; return whether it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process_gone(pid):
            return True
        time.sleep(0.05)
    return process_gone(pid)


# ----- Terraform ------------------------------------------------------------------------------

PROVIDER_VERSION = "5.100.0"
PROVIDER_PLATFORM = "linux_amd64"


def make_mirror(
    root: Path,
    *,
    version: str = PROVIDER_VERSION,
    platform: str = PROVIDER_PLATFORM,
    packed: bool = False,
) -> Path:
    """Create a filesystem mirror layout holding a dummy hashicorp/aws binary."""
    source = root / "registry.terraform.io" / "hashicorp" / "aws"
    if packed:
        source.mkdir(parents=True)
        (source / f"terraform-provider-aws_{version}_{platform}.zip").write_bytes(b"PK")
    else:
        target = source / version / platform
        target.mkdir(parents=True)
        (target / f"terraform-provider-aws_v{version}_x5").write_bytes(b"\x7fELF")
    return root


# ----- TOML (tomllib only reads) ---------------------------------------------------------------


def toml_text(doc: Mapping[str, Any]) -> str:
    """A TOML document holding exactly ``doc``: every key quoted, tables and arrays inline."""
    return "".join(f"{_toml_string(key)} = {_toml_value(value)}\n" for key, value in doc.items())


def _toml_string(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif (ord(char) < 0x20 and char != "\t") or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")  # TOML wants control characters escaped
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        body = ", ".join(f"{_toml_string(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{" + body + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"TOML has no value like {value!r}")
