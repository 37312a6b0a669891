"""The compliance gate: checkov on the synthesized stack and plan, plus drkit's own IAM checks.

checkov is run from its own virtualenv (it pins boto3 and friends); every
failed check must be fixed or listed, with its resources and a specific reason,
in ``compliance/checkov-skips.toml``.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from drkit import iam
from drkit.errors import ComplianceError, DrkitError

ROOT = Path(__file__).resolve().parent.parent
SKIPS_FILE = ROOT / "compliance" / "checkov-skips.toml"
CHECKOV = Path(os.environ.get("DRKIT_CHECKOV", ROOT / ".tools" / "checkov" / "bin" / "checkov"))
MIN_REASON_LENGTH = 80
#: The scans a skip can apply to: the synthesized JSON and Terraform's plans.
SCANS = frozenset({"json", "plan"})


@attrs.frozen(kw_only=True)
class Skip:
    """One reviewed exception to a checkov check.

    Attributes:
        check: The check id, e.g. ``CKV_AWS_309``.
        resources: Glob patterns over checkov's resource names.
        reason: Why the check does not apply to these resources.
        scans: Where checkov fails the check, of ``json`` (the synthesized stacks) and
            ``plan`` (plans, where Terraform has resolved the values): a role policy built
            from the account and partition lookups is an expression in the JSON and a
            document in a plan; a zone's query log is a reference checkov follows in a plan
            but not across the JSON of two stacks. A skip must explain a failure in every
            scan it names, and is not expected in the others.
    """

    check: str
    resources: tuple[str, ...]
    reason: str
    scans: frozenset[str] = SCANS

    def matches(self, check_id: str, resource: str) -> bool:
        return check_id == self.check and any(
            fnmatch.fnmatchcase(resource, p) for p in self.resources
        )


@attrs.frozen(kw_only=True)
class Finding:
    """A failed control: checkov's or drkit's own."""

    check: str
    resource: str
    detail: str

    def __str__(self) -> str:
        return f"{self.check} on {self.resource}: {self.detail}"


def load_skips(path: Path = SKIPS_FILE) -> list[Skip]:
    """Read and review the skips file: every entry specific, nothing blanket."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    skips = []
    for i, entry in enumerate(raw.get("skip", [])):
        check, resources, reason = (
            entry.get("check"),
            entry.get("resources"),
            entry.get("reason", ""),
        )
        if not isinstance(check, str) or not check.startswith("CKV"):
            raise ComplianceError(
                "skips file", f"skip[{i}] needs a checkov check id, got {check!r}"
            )
        if not resources or any(p.strip("*?[]") == "" for p in resources):
            raise ComplianceError(
                "skips file",
                f"skip[{i}] ({check}) must name resources; blanket patterns are refused",
            )
        if len(" ".join(reason.split())) < MIN_REASON_LENGTH:
            raise ComplianceError("skips file", f"skip[{i}] ({check}) needs a specific reason")
        scans = entry.get("scans", sorted(SCANS))
        if not isinstance(scans, list) or not scans or not set(scans) <= SCANS:
            raise ComplianceError(
                "skips file", f"skip[{i}] ({check}) scans must be a list of json, plan"
            )
        skips.append(
            Skip(
                check=check,
                resources=tuple(resources),
                reason=" ".join(reason.split()),
                scans=frozenset(scans),
            )
        )
    return skips


def stale_skips(skips: Iterable[Skip], used: set[Skip], *, scan: str) -> set[Skip]:
    """The skips that should have explained a failure of this scan (``json`` or ``plan``)
    and explained none."""
    if scan not in SCANS:
        raise ValueError(scan)
    return {s for s in skips if scan in s.scans and s not in used}


@attrs.frozen(kw_only=True)
class CheckovReport:
    """What checkov found in one file.

    Attributes:
        passed: Ids of the checks that passed on at least one resource.
        failed: The failed checks (checkov's JSON records).
    """

    passed: frozenset[str]
    failed: tuple[dict[str, Any], ...]


def run_checkov(target: Path, framework: str) -> CheckovReport:
    """Run checkov on one file; see :func:`scan`."""
    return scan((target,), framework)[target]


def scan(targets: Sequence[Path], framework: str) -> dict[Path, CheckovReport]:
    """Run checkov once over several files of one framework, and report on each.

    Most of a checkov run is its start-up, so one process for several stacks costs little
    more than one for one stack.

    Args:
        targets: ``cdk.tf.json`` files (framework ``terraform_json``) or plan JSON files
            from ``terraform show -json`` (framework ``terraform_plan``).
        framework: ``terraform_json`` or ``terraform_plan``.

    Returns:
        One report per target, keyed by the target as given.
    """
    if framework not in ("terraform_json", "terraform_plan"):
        raise ValueError(framework)
    if not targets:
        raise ValueError("no file to scan")
    if not CHECKOV.exists():
        raise DrkitError(f"checkov not found at {CHECKOV}; run `make tools` (or set DRKIT_CHECKOV)")
    # --skip-download: no network here, and no policy is fetched from a vendor.
    args = [str(CHECKOV), "--framework", framework, "-o", "json", "--skip-download"]
    for target in targets:
        args += ["-f", str(target)]
    done = subprocess.run(
        args, capture_output=True, text=True, env={**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    )
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise DrkitError(f"checkov failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    report = json.loads(done.stdout)
    by_path = {Path(t).resolve(): t for t in targets}
    failed: dict[Path, list[dict[str, Any]]] = {t: [] for t in targets}
    passed: dict[Path, set[str]] = {t: set() for t in targets}

    def owner(record: Mapping[str, Any]) -> Path:
        if len(targets) == 1:
            return targets[0]
        return by_path[Path(record["file_abs_path"]).resolve()]

    for r in report if isinstance(report, list) else [report]:
        if r.get("summary", {}).get("parsing_errors"):
            raise DrkitError(f"checkov could not parse {r['results'].get('parsing_errors')}")
        for record in r.get("results", {}).get("failed_checks", []):
            failed[owner(record)].append(record)
        for record in r.get("results", {}).get("passed_checks", []):
            passed[owner(record)].add(record["check_id"])
    for target in targets:
        if not passed[target]:
            raise DrkitError(f"checkov ran no check on {target}")
    return {t: CheckovReport(passed=frozenset(passed[t]), failed=tuple(failed[t])) for t in targets}


def evaluate(
    failed: Iterable[Mapping[str, Any]], skips: Iterable[Skip]
) -> tuple[list[Finding], set[Skip]]:
    """Split checkov failures into unexplained findings and the skips that explained some."""
    skips = list(skips)
    findings: list[Finding] = []
    used: set[Skip] = set()
    for result in failed:
        check, resource = result["check_id"], result.get("resource_address") or result["resource"]
        skip = next((s for s in skips if s.matches(check, resource)), None)
        if skip is None:
            findings.append(
                Finding(check=check, resource=resource, detail=result.get("check_name", ""))
            )
        else:
            used.add(skip)
    return findings, used


# ----- drkit's own least-privilege checks on the synthesized JSON -------------------------------

IDENTITY_POLICIES = {"aws_iam_role_policy": "policy", "aws_iam_policy": "policy"}
RESOURCE_POLICIES = {
    "aws_kms_key": "policy",
    "aws_s3_bucket_policy": "policy",
    "aws_sns_topic_policy": "policy",
    "aws_cloudwatch_log_resource_policy": "policy_document",
    "aws_sqs_queue_policy": "policy",
    "aws_vpc_endpoint": "policy",
}


def iam_findings(stack: Mapping[str, Any]) -> list[Finding]:
    """Every IAM rule broken anywhere in a synthesized stack (empty when least privilege holds)."""
    findings: list[Finding] = []
    resources = stack.get("resource", {})

    def check(rtype: str, name: str, document: str, *, resource_policy: bool, trust: bool) -> None:
        try:
            statements = json.loads(document)["Statement"]
        except (ValueError, KeyError, TypeError):
            findings.append(
                Finding(
                    check=iam.LEAST_PRIVILEGE,
                    resource=f"{rtype}.{name}",
                    detail="unparseable policy",
                )
            )
            return
        for statement in statements if isinstance(statements, list) else [statements]:
            try:
                iam.check_statement(statement, resource_policy=resource_policy, trust=trust)
            except ComplianceError as err:
                findings.append(
                    Finding(check=err.control, resource=f"{rtype}.{name}", detail=err.detail)
                )

    for rtype, attribute in IDENTITY_POLICIES.items():
        for name, body in resources.get(rtype, {}).items():
            check(rtype, name, body[attribute], resource_policy=False, trust=False)
    for rtype, attribute in RESOURCE_POLICIES.items():
        for name, body in resources.get(rtype, {}).items():
            if attribute in body:
                check(rtype, name, body[attribute], resource_policy=True, trust=False)
    for name, body in resources.get("aws_iam_role", {}).items():
        check("aws_iam_role", name, body["assume_role_policy"], resource_policy=False, trust=True)
        findings.extend(
            Finding(
                check=iam.LEAST_PRIVILEGE,
                resource=f"aws_iam_role.{name}",
                detail=f"managed policy {attached}",
            )
            for attached in body.get("managed_policy_arns", []) or []
        )
    findings.extend(
        Finding(
            check=iam.LEAST_PRIVILEGE,
            resource=f"aws_iam_role_policy_attachment.{name}",
            detail="managed policies cannot be reviewed here;"
            " write an inline least-privilege policy",
        )
        for name in resources.get("aws_iam_role_policy_attachment", {})
    )
    return findings


# ----- confused deputy: every service principal acts for this deployment only ------------------

CONFUSED_DEPUTY = "cross-service confused-deputy prevention (HIPAA 164.312(a)(1))"
#: Condition keys that tie a service principal's request to this account or its resources.
SCOPING_KEYS = frozenset({"aws:SourceArn", "aws:SourceAccount"})
#: Where AWS documents another way (or none) to scope a service principal, with the page.
SCOPING_EXCEPTIONS: Mapping[str, tuple[str, str]] = {
    "lambda.amazonaws.com": (
        "sts:AssumeRole",
        "execution roles: Lambda documents no confused-deputy condition keys when it assumes "
        "them, and a role can be passed to a function only within the account (iam:PassRole); "
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
    ),
    "dnssec-route53.amazonaws.com": (
        "kms:CreateGrant",
        "the key-signing key's grant is scoped by kms:GrantIsForAWSResource, as Route 53 "
        "documents; https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
        "access-control-managing-permissions.html#KMS-key-policy-for-DNSSEC",
    ),
}
#: CloudWatch Logs encrypts a group with the key scoped by the group's ARN in the encryption
#: context: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
CONTEXT_SCOPED = ("logs.", "kms:EncryptionContext:aws:logs:arn")


def confused_deputy_findings(stack: Mapping[str, Any]) -> list[Finding]:
    """Service principals allowed anywhere without aws:SourceArn/aws:SourceAccount (or AWS's
    documented alternative), and Lambda permissions without a source ARN."""
    findings: list[Finding] = []
    resources = stack.get("resource", {})
    documents = [*RESOURCE_POLICIES.items(), ("aws_iam_role", "assume_role_policy")]
    for rtype, attribute in documents:
        for name, body in resources.get(rtype, {}).items():
            if attribute not in body:
                continue
            for statement in json.loads(body[attribute]).get("Statement", []):
                problem = _unscoped(statement)
                if problem:
                    findings.append(
                        Finding(check=CONFUSED_DEPUTY, resource=f"{rtype}.{name}", detail=problem)
                    )
    for name, body in resources.get("aws_lambda_permission", {}).items():
        if not body.get("source_arn"):
            findings.append(
                Finding(
                    check=CONFUSED_DEPUTY,
                    resource=f"aws_lambda_permission.{name}",
                    detail="no source_arn: any resource of the service may invoke the function",
                )
            )
    return findings


def _unscoped(statement: Mapping[str, Any]) -> str | None:
    principal = statement.get("Principal")
    if statement.get("Effect", "Allow") != "Allow" or not isinstance(principal, Mapping):
        return None
    services = principal.get("Service")
    if not services:
        return None
    conditions = statement.get("Condition") or {}
    keys = {key for block in conditions.values() for key in block}
    actions = set(_as_tuple(statement.get("Action", ())))
    for service in _as_tuple(services):
        if keys & SCOPING_KEYS:
            continue
        exception = SCOPING_EXCEPTIONS.get(service)
        if exception and actions == {exception[0]}:
            continue
        if service.startswith(CONTEXT_SCOPED[0]) and CONTEXT_SCOPED[1] in keys:
            continue
        return f"statement {statement.get('Sid')!r} lets {service} act with no source condition"
    return None


def _as_tuple(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)
