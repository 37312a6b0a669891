"""End to end: the whole stack applied to the embedded emulator with the real Terraform.

The 2-region layout goes through drkit's own Terraform runner (what ``drkit
demo`` does); the 3-region example through the ``cdktf`` CLI, as a user runs it
(``cdktf deploy``, ``cdktf diff``, ``cdktf destroy``, the lines ``drkit demo
--keep`` prints). Both are then checked the same way: the emulated account read
with boto3 (not the JSON), the deployed functions serving requests under their
roles with IAM enforced, a plan scanned with checkov, a second plan without
changes, destroy, nothing of the stack left. Each layout runs its whole lifecycle
on one xdist worker (``xdist_group``).
"""

from __future__ import annotations

import contextlib
import itertools
import json
from pathlib import Path

import pytest

from drkit import compliance
from drkit.deploy import serve
from drkit.deploy.cdktf import CdktfDeployment, run_cdktf
from drkit.deploy.demo import cdktf_commands, summary
from drkit.deploy.denials import denials
from drkit.deploy.local import LocalDeployment
from drkit.regions.catalog import ROUTE53_METRICS_REGION
from drkit.regions.naming import ResourceType
from drkit_emulator.runner import Emulator
from drkit_runtime.access import FUNCTIONS, Scope
from tests.e2e import served as served_probes
from tests.helpers import ROOT

pytestmark = pytest.mark.e2e

LAYOUTS = {
    "two": {
        "ENVIRONMENT_SUFFIX": "e2e2",
        "DRKIT_CONFIG": str(ROOT / "tests" / "e2e" / "two-region.toml"),
    },
    "three": {
        "ENVIRONMENT_SUFFIX": "e2e3",
        "DRKIT_CONFIG": str(ROOT / "examples" / "three-region.toml"),
    },
}
#: The layouts deployed through the cdktf CLI rather than drkit's Terraform runner.
THROUGH_CDKTF = {"three"}
JSII_BANNER = "end-of-life"


def _apply_with_terraform(deployment: LocalDeployment) -> dict:
    deployment.synthesize()
    deployment.init()
    plan = deployment.plan()
    deployment.apply()
    return plan


def _apply_with_cdktf(deployment: CdktfDeployment) -> None:
    """``cdktf deploy``; the plan scanned is the one ``cdktf diff`` saves after it."""
    deployment.prepare()
    deployment.deploy()


@contextlib.contextmanager
def _deployment(layout: str, root: Path):
    """The stack of ``layout`` applied to a fresh emulator; destroyed on exit unless a test did."""
    with Emulator(log_dir=root / "emulator") as emulator:
        settings = {"emulator": emulator, "workdir": root / "work", "environ": LAYOUTS[layout]}
        if layout in THROUGH_CDKTF:
            deployment = CdktfDeployment(**settings)
            _apply_with_cdktf(deployment)
            plan = None  # see _scanned_plan
        else:
            deployment = LocalDeployment(**settings)
            plan = _apply_with_terraform(deployment)
        state = {
            "deployment": deployment,
            "plan": plan,
            "view": deployment.describe(),
            "destroyed": False,
        }
        yield state
        if not state["destroyed"]:
            deployment.destroy()


@pytest.fixture(scope="session")
def deployments(tmp_path_factory):
    """Deploy each layout once per session, on first use.

    Session scope on purpose: xdist may hand a worker another group's tests in
    the middle of a class, which tears down class- and module-scoped fixtures
    (a second, minutes-long apply); session fixtures survive until the worker ends.
    """
    with contextlib.ExitStack() as stack:
        cache: dict[str, dict] = {}

        def get(layout: str) -> dict:
            if layout not in cache:
                root = tmp_path_factory.mktemp(f"e2e-{layout}")
                cache[layout] = stack.enter_context(_deployment(layout, root))
            return cache[layout]

        yield get


def _scenario(deployed: dict) -> serve.Scenario:
    if "scenario" not in deployed:
        deployed["scenario"] = deployed["deployment"].scenario()
    return deployed["scenario"]


def _drift(deployed: dict) -> list[str]:
    """The changes a second plan finds (none: no drift), planned once per deployment."""
    if "drift" not in deployed:
        deployed["drift"] = deployed["deployment"].drift()
    return deployed["drift"]


def _scanned_plan(deployed: dict) -> dict:
    """The plan the checkov gate scans. drkit's runner: the creation plan it then applied.
    cdktf: the plan ``cdktf diff`` saved after deploy, with every value known as deployed (a
    creation plan leaves the role policies unknown, so checkov cannot read them)."""
    if deployed["plan"] is None:
        _drift(deployed)
        deployed["plan"] = deployed["deployment"].drift_plan
    return deployed["plan"]


def _served(deployed: dict) -> list[serve.Served]:
    if "served" not in deployed:
        deployed["served"] = _scenario(deployed).run()
    return deployed["served"]


class _Lifecycle:
    """The checks, in order: inspect, scan, drift, then destroy (last)."""

    PROVES_EVERY_ACTION = False
    SCANS_DEPLOYED_PLAN = False

    def test_tables_have_replicas_everywhere_with_pitr_and_regional_keys(self, deployed):
        """Both global tables exist with a replica in every secondary, PITR and the region's key."""
        d = deployed["deployment"]
        spec, view = d.spec, deployed["view"]
        assert {t.name for t in view.tables} == {
            spec.namer(ResourceType.DYNAMODB_TABLE, "patient_records"),
            spec.namer(ResourceType.DYNAMODB_TABLE, "audit_logs"),
        }
        for table in view.tables:
            assert set(table.replica_regions) == {r.region for r in spec.secondaries}
            assert all(table.pitr_by_region.values()) and len(table.pitr_by_region) == len(
                spec.regions
            )
            for region, key in table.kms_key_by_region.items():
                assert key and f":{region}:" in key, (table.name, region, key)

    def test_buckets_are_versioned_encrypted_and_replicate_to_every_other_region(self, deployed):
        """Each data bucket: versioning, SSE-KMS with its region's key, rules to the others."""
        spec, view = deployed["deployment"].spec, deployed["view"]
        names = {b.region: b.name for b in view.buckets}
        for bucket in view.buckets:
            assert bucket.versioning == "Enabled"
            assert bucket.sse_algorithm == "aws:kms" and f":{bucket.region}:" in bucket.kms_key
            others = {names[r.region] for r in spec.regions if r.region != bucket.region}
            assert set(bucket.replication_targets) == others
            assert all(key for key in bucket.replica_keys)

    def test_weighted_records_carry_the_spec_weights_and_health_checks(self, deployed):
        """One weighted record per region with the spec's weight and an HTTPS /health check."""
        spec, view = deployed["deployment"].spec, deployed["view"]
        assert {r.region: r.weight for r in view.records} == {
            r.region: r.weight for r in spec.regions
        }
        for record in view.records:
            check = view.health_checks[record.region]
            assert (check.type, check.path) == ("HTTPS", "/health")
            assert check.interval_seconds == spec.health_check_interval_seconds
            assert check.failure_threshold == spec.health_check_failure_threshold
            assert check.fqdn == spec.regional_api_domain_name(record.region)
            assert record.target, "alias target missing"

    def test_alarms_topics_and_dashboards_are_in_the_right_regions(self, deployed):
        """Alarms notify topics in their own region; health alarms live in us-east-1; dashboards."""
        spec, view = deployed["deployment"].spec, deployed["view"]
        regions = [r.region for r in spec.regions]
        for region, alarms in view.alarms_by_region.items():
            for alarm in alarms:
                assert alarm["AlarmActions"] and alarm["OKActions"], alarm["AlarmName"]
                for arn in alarm["AlarmActions"] + alarm["OKActions"]:
                    assert arn.split(":")[3] == region, (alarm["AlarmName"], arn)
        health = [
            a
            for a in view.alarms_by_region[ROUTE53_METRICS_REGION]
            if a["MetricName"] == "HealthCheckStatus"
        ]
        assert len(health) == len(regions)
        for source, receiving in itertools.permutations(regions, 2):
            lag = [
                a
                for a in view.alarms_by_region[source]
                if a["MetricName"] == "ReplicationLatency"
                and {"Name": "ReceivingRegion", "Value": receiving} in a["Dimensions"]
            ]
            assert len(lag) == 2, (source, receiving)  # one per table
        assert len(view.dashboards) == 2
        for region in regions:
            assert view.topics_by_region[region], region
            emails = [
                s["Endpoint"]
                for s in view.subscriptions_by_region[region]
                if s["Protocol"] == "email"
            ]
            assert sorted(emails) == sorted(spec.alert_emails)

    def test_peering_is_active_with_routes_on_both_sides(self, deployed):
        """Each pair of regions is peered, active, a route per private route table on both sides."""
        spec, view = deployed["deployment"].spec, deployed["view"]
        pairs = {frozenset((p.requester, p.accepter)) for p in view.peerings}
        assert pairs == {
            frozenset(p) for p in itertools.combinations([r.region for r in spec.regions], 2)
        }
        for p in view.peerings:
            assert p.status == "active"
            assert p.routes_requester == 2 and p.routes_accepter == 2

    def test_summary_names_every_region_and_table(self, deployed):
        text = summary(deployed["view"])
        spec = deployed["deployment"].spec
        for r in spec.regions:
            assert r.region in text
        assert "replicas in" in text and "NONE" not in text

    def test_every_region_serves_health_and_records_under_its_role(self, deployed):
        """/health 200 with its checks, PUT and GET of a record, in every region, by the
        uploaded code running as its execution role with IAM enforced."""
        served = _served(deployed)
        spec = deployed["deployment"].spec
        for region in (r.region for r in spec.regions):
            record = f"/records/rec-{spec.environment_suffix}-{region}"
            mine = {x.request: x for x in served if x.region == region}
            health = mine["GET /health"]
            assert health.status == 200 and all(c["ok"] for c in health.body["checks"]), health
            assert {c["name"] for c in health.body["checks"]} >= {"drain", "bucket"}
            assert mine[f"PUT {record}"].status == 200
            assert mine[f"GET {record}"].body["read_from"] == region
        assert serve.problems(served) == []

    def test_a_record_not_replicated_yet_is_read_from_the_peer(self, deployed):
        """With replication into the primary held, a record written in a secondary is served
        in the primary from the secondary's replica, through the peer client."""
        held = next(x for x in _served(deployed) if x.request.endswith("(held)"))
        spec = deployed["deployment"].spec
        assert (held.region, held.status) == (spec.primary.region, 200)
        assert held.body["read_from"] == spec.secondaries[0].region

    def test_the_canaries_measure_replication(self, deployed):
        """Schedules, stream batches and replicated objects run; lag and age are published."""
        served = _served(deployed)
        measured = {x.request for x in served if x.request.startswith("measured")}
        assert measured == {
            "measured ReplicationLag",
            "measured HeartbeatAge",
            "measured SourceHeartbeatAge",
        }
        assert any(x.request.startswith("canary stream") for x in served)
        assert any(x.request == "canary object arrived" for x in served)

    def test_a_drained_region_answers_503(self, deployed):
        drained = next(x for x in _served(deployed) if x.request == "GET /health (drained)")
        assert drained.status == 503 and "drain" in drained.body["failed"]

    def test_the_api_role_is_refused_what_it_must_not_do(self, deployed):
        """Writing outside its declaration, rewriting an audit entry, assuming the operator
        role: each refused by the emulator's IAM (the last only where people are named)."""
        refused = deployed.setdefault("refused", denials(_scenario(deployed)))
        assert refused and all(a.refused for a in refused), [a.line for a in refused]
        if deployed["deployment"].spec.operator_principals:
            assert any("operator" in a.attempt for a in refused)

    def test_every_declared_action_is_needed(self, deployed):
        """Take any one action away from the deployed policy and a served request changes.
        Every call the code makes has a probe; the Lambda service's own calls (scope
        PLATFORM: logs, network interfaces, traces, dead letters, stream polling) and the
        denials are not the code's. A role holds the same actions in every layout
        (drkit_runtime.access), so one layout proves it: the demo's."""
        if not self.PROVES_EVERY_ACTION:
            pytest.skip("the two-region layout proves every action is needed")
        scenario = _scenario(deployed)
        unchanged, unprobed = [], []
        for purpose, calls in FUNCTIONS.items():
            for call in calls:
                if call.deny or call.scope is Scope.PLATFORM:
                    continue
                probe = served_probes.PROBES.get((purpose, call.sid))
                if probe is None:
                    unprobed.append(f"{purpose} {call.sid}")
                    continue
                before = probe(scenario)
                for action in call.actions:
                    _, restore = served_probes.without_action(scenario, purpose, call.sid, action)
                    try:
                        after = probe(scenario)
                    finally:
                        restore()
                    if after == before:
                        unchanged.append(f"{purpose} {call.sid} {action}")
        assert (unprobed, unchanged) == ([], [])

    def test_plan_passes_the_checkov_gate(self, deployed, tmp_path):
        """checkov (terraform_plan) finds nothing in the emulator's plan the skips leave open."""
        target = tmp_path / "plan.json"
        target.write_text(json.dumps(_scanned_plan(deployed)))
        report = compliance.run_checkov(target, "terraform_plan")
        skips = compliance.load_skips()
        findings, used = compliance.evaluate(report.failed, skips)
        assert not findings, "\n".join(map(str, findings))
        assert len(report.passed) > 40
        if self.SCANS_DEPLOYED_PLAN:  # the skips for what only known values show are needed
            assert compliance.stale_skips(skips, used, deployed=True) == set()

    def test_the_cdktf_lines_work(self, deployed, tmp_path):
        """What each layout proves about the cdktf lines (see ``check_cdktf``); before the drift
        check and the destroy, which change what the lines would see."""
        self.check_cdktf(deployed, tmp_path)

    def check_cdktf(self, deployed, tmp_path):
        raise NotImplementedError

    def test_second_plan_reports_no_changes(self, deployed):
        """Right after apply, a second plan reports no changes (no drift): terraform plan
        -detailed-exitcode, or the plan cdktf diff saves."""
        assert _drift(deployed) == []

    def test_destroy_leaves_nothing(self, deployed):
        """terraform destroy (or cdktf destroy) removes every resource of the stack."""
        deployment = deployed["deployment"]
        deployment.destroy()
        deployed["destroyed"] = True
        assert deployment.leftovers() == []


@pytest.mark.xdist_group("e2e-two")
class TestTwoRegions(_Lifecycle):
    """Deployed with drkit's Terraform runner, as ``drkit demo`` does."""

    PROVES_EVERY_ACTION = True

    @pytest.fixture
    def deployed(self, deployments):
        return deployments("two")

    def check_cdktf(self, deployed, tmp_path):
        """The ``cdktf diff`` line ``drkit demo --keep`` prints, run on the demo's kind of
        deployment, synthesizes the same stack and finds its state: no changes."""
        deployment = deployed["deployment"]
        done = run_cdktf(cdktf_commands(deployment), "diff", log=tmp_path / "diff.log")
        assert "No changes" in done.output, done.output[-3000:]
        assert JSII_BANNER not in done.output


@pytest.mark.xdist_group("e2e-three")
class TestThreeRegions(_Lifecycle):
    """Deployed with ``cdktf deploy`` / ``diff`` / ``destroy`` from the project directory."""

    SCANS_DEPLOYED_PLAN = True

    @pytest.fixture
    def deployed(self, deployments):
        return deployments("three")

    def check_cdktf(self, deployed, tmp_path):
        """cdktf synthesized through cdktf.json's app.py, and nothing printed jsii's Node.js
        end-of-life banner (the commands ran without drkit's own environment)."""
        _drift(deployed)
        outputs = deployed["deployment"].outputs
        assert set(outputs) == {"diff", "deploy"}
        for command, output in outputs.items():
            assert JSII_BANNER not in output, (command, output[:2000])
        assert "Apply complete!" in outputs["deploy"], outputs["deploy"][-3000:]
