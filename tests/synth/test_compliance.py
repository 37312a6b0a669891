"""The compliance gate: checkov on the synthesized stacks, the reviewed skips, drkit's IAM rules."""

from __future__ import annotations

import copy
import json
import re
from xml.etree import ElementTree

import attrs
import pytest

from drkit import compliance, iam
from drkit.compliance import CheckovReport
from drkit.errors import ComplianceError
from drkit.operations import check, cross_stack
from drkit.operations.check import render, safeguards
from drkit.regions import DeploymentSpec
from tests.helpers import resources, role_logical

pytestmark = pytest.mark.synth
#: The tests that read checkov's reports share one checkov run: one worker, one process.
SHARES_CHECKOV = pytest.mark.xdist_group("checkov")


def _broken(stacks: dict) -> dict:
    """The stacks with two controls switched off: key rotation and point-in-time recovery."""
    broken = copy.deepcopy(stacks)
    for stack in broken.values():
        for key in resources(stack, "aws_kms_key").values():
            key["enable_key_rotation"] = False
        for table in resources(stack, "aws_dynamodb_table").values():
            table["point_in_time_recovery"] = {"enabled": False}
    return broken


@pytest.fixture(scope="module")
def skips():
    return compliance.load_skips()


@attrs.frozen
class Layout:
    """checkov's reports on each stack of one layout, as Terraform applies them: one by one."""

    reports: dict[str, CheckovReport]

    @property
    def failed(self) -> list:
        return [record for report in self.reports.values() for record in report.failed]

    @property
    def passed(self) -> frozenset[str]:
        return frozenset().union(*(report.passed for report in self.reports.values()))


@pytest.fixture(scope="module")
def reports(default_stacks, three_region_stacks, tmp_path_factory) -> dict[str, Layout]:
    """checkov's report on every stack of each layout (and of a broken default), from one run."""
    layouts = {
        "default": default_stacks,
        "three": three_region_stacks,
        "broken": _broken(default_stacks),
    }
    root = tmp_path_factory.mktemp("checkov")
    files = {}
    for layout, stacks in layouts.items():
        for name, stack in stacks.items():
            files[layout, name] = root / layout / name / "cdk.tf.json"
            files[layout, name].parent.mkdir(parents=True)
            # Indented, as cdktf writes cdk.tf.json: checkov reads the one-line form 3x slower.
            files[layout, name].write_text(json.dumps(stack, indent=2))
    scanned = compliance.scan(tuple(files.values()), "terraform_json")
    return {
        layout: Layout({name: scanned[files[layout, name]] for name in stacks})
        for layout, stacks in layouts.items()
    }


@SHARES_CHECKOV
@pytest.mark.parametrize("which", ["default", "three"])
def test_checkov_passes_on_every_synthesized_stack(which, reports, skips):
    """checkov (terraform_json) finds no failure in any stack that the skips file does not
    explain, and every skip explains one."""
    findings, used = compliance.evaluate(reports[which].failed, skips)
    assert not findings, "\n".join(map(str, findings))
    stale = compliance.stale_skips(skips, used, scan="json")
    assert not stale, f"skips that no longer match a failure: {[s.check for s in stale]}"


@SHARES_CHECKOV
@pytest.mark.parametrize("which", ["default", "three"])
def test_code_signing_passes_without_a_skip(which, reports, skips):
    """CKV_AWS_272 (Lambda code signing) passes and fails nowhere, and no skip names it."""
    assert "CKV_AWS_272" in reports[which].passed
    assert [r["resource"] for r in reports[which].failed if r["check_id"] == "CKV_AWS_272"] == []
    assert all(s.check != "CKV_AWS_272" for s in skips)


@SHARES_CHECKOV
def test_the_gate_fails_when_a_control_breaks(reports, skips):
    """Switching off a control in the synthesized JSON makes checkov fail the gate, naming it."""
    findings, _ = compliance.evaluate(reports["broken"].failed, skips)
    failed = {f.check for f in findings}
    assert "CKV_AWS_7" in failed  # KMS rotation
    assert "CKV_AWS_28" in failed  # DynamoDB PITR


@SHARES_CHECKOV
def test_compliance_doc_cites_checks_that_run(reports, skips):
    """Every check docs/compliance.md cites as proof passed on the stack or is a listed skip."""
    doc = (compliance.ROOT / "docs" / "compliance.md").read_text()
    cited = set(re.findall(r"CKV2?_AWS_\d+", doc))
    assert len(cited) > 30
    known = reports["default"].passed | {s.check for s in skips}
    assert not cited - known, sorted(cited - known)


def test_skips_are_specific(skips):
    """Every skip names a check, resources and a specific reason; no check is skipped twice."""
    assert len(skips) <= 11
    assert len({s.check for s in skips}) == len(skips)
    for s in skips:
        assert s.resources and all(p.strip("*") for p in s.resources)
        assert len(s.reason) >= compliance.MIN_REASON_LENGTH


def test_blanket_skips_are_refused(tmp_path):
    path = tmp_path / "skips.toml"
    path.write_text(
        '[[skip]]\ncheck = "CKV_AWS_7"\nresources = ["*"]\nreason = "%s"\n' % ("x" * 100)
    )
    with pytest.raises(ComplianceError, match="blanket"):
        compliance.load_skips(path)
    path.write_text('[[skip]]\ncheck = "CKV_AWS_7"\nresources = ["*key*"]\nreason = "not needed"\n')
    with pytest.raises(ComplianceError, match="specific reason"):
        compliance.load_skips(path)


def test_a_skip_is_stale_only_in_the_scans_it_names(tmp_path):
    """A skip that explains only what a plan shows is not stale in the synthesized scan, and
    one for the JSON alone not in plans; where it applies it must explain something."""
    path = tmp_path / "skips.toml"
    reason = "x" * 100
    path.write_text(
        f'[[skip]]\ncheck = "CKV_AWS_7"\nresources = ["*key*"]\nreason = "{reason}"\n'
        f'[[skip]]\ncheck = "CKV_AWS_290"\nresources = ["*policy*"]\nreason = "{reason}"\n'
        'scans = ["plan"]\n'
        f'[[skip]]\ncheck = "CKV2_AWS_39"\nresources = ["*zone*"]\nreason = "{reason}"\n'
        'scans = ["json"]\n'
    )
    both, plans, json_only = compliance.load_skips(path)
    assert both.scans == {"json", "plan"}
    skips = [both, plans, json_only]
    assert compliance.stale_skips(skips, {both, json_only}, scan="json") == set()
    assert compliance.stale_skips(skips, {both, plans}, scan="plan") == set()
    assert compliance.stale_skips(skips, {both}, scan="plan") == {plans}
    assert compliance.stale_skips(skips, set(), scan="json") == {both, json_only}
    for bad in ('"plan"', "[]", '["apply"]'):
        path.write_text(path.read_text().replace('scans = ["plan"]', f"scans = {bad}"))
        with pytest.raises(ComplianceError, match="scans must be a list of json, plan"):
            compliance.load_skips(path)
        path.write_text(path.read_text().replace(f"scans = {bad}", 'scans = ["plan"]'))


@pytest.mark.parametrize("which", ["default_stack", "three_region_stack"])
def test_every_policy_is_least_privilege(which, request):
    """No IAM policy has a '*' action, an unjustified '*' resource or an unnamed principal."""
    findings = compliance.iam_findings(request.getfixturevalue(which))
    assert not findings, "\n".join(map(str, findings))


def test_wildcard_resources_only_for_actions_aws_requires(default_stack):
    """Where an identity policy uses Resource '*', each action is one AWS authorizes only on '*'."""
    seen = set()
    for body in resources(default_stack, "aws_iam_role_policy").values():
        for st in json.loads(body["policy"])["Statement"]:
            if "*" in ([st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"]):
                actions = [st["Action"]] if isinstance(st["Action"], str) else st["Action"]
                assert set(actions) <= set(iam.WILDCARD_RESOURCE_ACTIONS), actions
                seen.update(actions)
    assert "ec2:CreateNetworkInterface" in seen  # the check above saw real statements


def test_trust_policies_name_their_principals(default_stack):
    """Every role trusts named principals: the operator role people with MFA, never a function."""
    roles = resources(default_stack, "aws_iam_role")
    functions = resources(default_stack, "aws_lambda_function").values()
    api_roles = {f["role"] for f in functions if f["function_name"].startswith("lambda-api-")}
    api_roles |= {
        f"${{aws_iam_role.{role_logical(default_stack, arn)}.arn}}" for arn in set(api_roles)
    }
    assert len(api_roles) == 4  # each region's, by ARN and by reference
    for body in roles.values():
        statement = json.loads(body["assume_role_policy"])["Statement"]
        assert len(statement) == 1 and statement[0]["Action"] == "sts:AssumeRole"
        principal = statement[0]["Principal"]
        values = principal.get("AWS", principal.get("Service"))
        values = [values] if isinstance(values, str) else values
        assert "*" not in values
        if "operator" in body["name"]:
            assert not set(values) & api_roles, "no function may assume the operator role"
            assert statement[0]["Condition"]["Bool"]["aws:MultiFactorAuthPresent"] == "true"


def test_extra_policy_with_a_wildcard_fails_naming_the_control():
    """A spec whose extra policy grants a wildcard is refused, naming least-privilege control."""
    for statement in (
        {"Action": "*", "Resource": "arn:aws:s3:::x"},
        {"Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:us-east-1:1:table/x"},
        {"Action": "s3:GetObject", "Resource": "*"},
        {"NotAction": "iam:CreateUser", "Resource": "*"},
    ):
        with pytest.raises(ComplianceError) as caught:
            DeploymentSpec.default(extra_api_statements=[statement])
        assert caught.value.control == iam.LEAST_PRIVILEGE
        assert "164.312(a)(1)" in str(caught.value)


def test_iam_findings_catch_a_wildcard_that_reached_the_json(default_stack):
    """If a wildcard policy bypassed the spec, the IAM gate still names control and resource."""
    broken = copy.deepcopy(default_stack)
    name, body = next(iter(resources(broken, "aws_iam_role_policy").items()))
    body["policy"] = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }
    )
    findings = compliance.iam_findings(broken)
    assert [(f.check, f.resource) for f in findings] == [
        (iam.LEAST_PRIVILEGE, f"aws_iam_role_policy.{name}")
    ]


# ----- what checkov cannot see across stacks (drkit/cross_stack.py) ---------------------------


@pytest.mark.parametrize("which", ["default_stacks", "three_region_stacks"])
def test_every_bucket_has_a_replica_in_every_other_region(which, request):
    """Read together, the stacks replicate every data and trail bucket to every other region
    (the control CKV_AWS_144 stands for, which checkov cannot see across stacks)."""
    stacks = request.getfixturevalue(which)
    assert cross_stack.replication_findings(stacks) == []
    routes = cross_stack.replication_routes(stacks)
    every = cross_stack.buckets(stacks)
    regions = {b.region for b in every.values()}
    data = [b for b in every.values() if "-data-" in b.name]
    assert len(data) == len(regions) >= 2
    for bucket in data:
        assert {every[t].region for t in routes[bucket.name]} == regions - {bucket.region}


def test_a_bucket_that_lost_its_replication_is_found(default_stacks):
    """Dropping one rule, or pointing one at a bucket the deployment does not have, fails."""
    broken = copy.deepcopy(default_stacks)
    configs = resources(broken["drkit-links"], "aws_s3_bucket_replication_configuration")
    trail = next(c for c in configs.values() if "cloudtrail" in c["bucket"])
    trail["rule"][0]["status"] = "Disabled"
    data = next(c for c in configs.values() if "-data-" in c["bucket"])
    data["rule"][0]["destination"]["bucket"] = "arn:aws:s3:::s3-data-elsewhere"
    findings = dict(cross_stack.replication_findings(broken))
    assert any("_audit_bucket_" in address for address in findings), findings
    assert "no bucket of this deployment" in findings[data["bucket"]]
    assert any("access-logs" in a for a, _ in cross_stack.replication_findings(broken, ()))


@pytest.mark.parametrize("which", ["default_stacks", "three_region_stacks"])
def test_the_zone_is_signed_and_its_queries_logged(which, request):
    """The zone made in drkit-dns is signed and query-logged from drkit-zone (the controls
    CKV2_AWS_38 and CKV2_AWS_39 stand for, which checkov cannot see across stacks)."""
    stacks = request.getfixturevalue(which)
    assert resources(stacks["drkit-dns"], "aws_route53_zone")
    assert cross_stack.zone_findings(stacks) == []


@pytest.mark.parametrize("dropped", sorted(cross_stack.ZONE_PROTECTION))
def test_a_zone_without_its_protection_is_found(dropped, default_stacks):
    broken = copy.deepcopy(default_stacks)
    del broken["drkit-zone"]["resource"][dropped]
    (finding,) = cross_stack.zone_findings(broken)
    assert finding[0].startswith("drkit-dns/aws_route53_zone.")
    assert cross_stack.ZONE_PROTECTION[dropped] in finding[1]


@pytest.mark.parametrize("which", ["default_stacks", "three_region_stacks"])
def test_every_alias_record_targets_an_api_domain_of_the_deployment(which, request):
    """drkit-routing's records alias API domain names the regions' stacks make (the control
    CKV2_AWS_23 stands for, which a plan shows checkov only as strings)."""
    stacks = request.getfixturevalue(which)
    records = resources(stacks["drkit-routing"], "aws_route53_record").values()
    regions = [n for n in stacks if n not in ("drkit-iam", "drkit-dns", "drkit-zone")]
    # a weighted and a regional record per region (links and routing are not regions)
    assert sum(1 for r in records if r.get("alias")) == 2 * (len(regions) - 2)
    assert cross_stack.alias_findings(stacks) == []


def test_an_alias_to_nothing_of_the_deployment_is_found(default_stacks):
    broken = copy.deepcopy(default_stacks)
    record = next(
        r
        for r in resources(broken["drkit-routing"], "aws_route53_record").values()
        if r.get("alias")
    )
    record["alias"]["name"] = "d-gone.execute-api.us-east-1.amazonaws.com"
    (finding,) = cross_stack.alias_findings(broken)
    assert finding[0].startswith("drkit-routing/aws_route53_record.")


# ----- drkit check: the same gate, per HIPAA safeguard ------------------------------------------


@SHARES_CHECKOV
def test_every_safeguard_passes_on_the_default_layout_and_every_control_ran(reports, skips):
    """Each safeguard's controls pass or are excepted by a reviewed skip; none never ran."""
    json_skips = [s for s in skips if "json" in s.scans]
    results = check.evaluate(reports["default"].reports.values(), json_skips, [])
    assert [r.safeguard.id for r in results if not r.passed] == []
    assert not [c.control for r in results for c in r.controls if c.status == "not run"]


@SHARES_CHECKOV
def test_a_broken_control_fails_its_safeguards_and_names_the_resource(reports, skips):
    """Key rotation off fails encryption; PITR off fails the contingency plan."""
    results = {
        r.safeguard.id: r for r in check.evaluate(reports["broken"].reports.values(), skips, [])
    }
    failed = {r for r, result in results.items() if not result.passed}
    assert {"164.312(a)(2)(iv)", "164.308(a)(7)"} <= failed
    rotation = next(c for c in results["164.312(a)(2)(iv)"].controls if c.control == "CKV_AWS_7")
    assert rotation.status == "fail" and all("key" in f.resource for f in rotation.findings)
    assert "fail" in render.text(list(results.values()), "broken").lower()


def test_drkits_own_controls_find_what_checkov_cannot(default_stacks):
    """None on the default stacks; a bucket that lost its replication fails the replicas control."""
    assert check.drkit_findings(default_stacks) == []
    broken = copy.deepcopy(default_stacks)
    for config in resources(
        broken["drkit-links"], "aws_s3_bucket_replication_configuration"
    ).values():
        config["rule"][0]["status"] = "Disabled"
    found = {f.check for f in check.drkit_findings(broken)}
    assert found == {safeguards.REPLICAS}


def test_the_reports_for_ci_systems_carry_every_failure(default_stacks):
    """JUnit: a failure per failing control; SARIF 2.1.0: a result per finding, a rule per
    control; JSON: the same verdicts."""
    finding = compliance.Finding(check="CKV_AWS_7", resource="aws_kms_key.k", detail="rotation")
    failing = check.ControlResult(control="CKV_AWS_7", status="fail", findings=(finding,))
    passing = check.ControlResult(control="CKV_AWS_119", status="pass")
    result = check.SafeguardResult(safeguard=safeguards.SAFEGUARDS[2], controls=(failing, passing))
    suites = ElementTree.fromstring(render.junit([result], "t"))
    [suite] = suites.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    sarif = json.loads(render.sarif([result], "t"))
    assert sarif["version"] == "2.1.0"
    [found] = sarif["runs"][0]["results"]
    assert found["ruleId"] == "CKV_AWS_7" and "164.312(a)(2)(iv)" in found["message"]["text"]
    assert json.loads(render.as_json([result], "t"))["passed"] is False
