"""End to end: every stack applied to the embedded emulator with the real Terraform.

Two regions through drkit's runner: two staged releases first (tests/e2e/release_drill.py),
then an outage drill per region (tests/e2e/outage_drill.py), a checkov scan of every plan,
destroy. Three regions: two deployed, the third added with the printed ``cdktf deploy '*'``
line and removed by the runner. Both: the account read back with boto3, the functions serving
under their roles with IAM enforced, no drift. Each lifecycle runs on one xdist worker.
"""

from __future__ import annotations

import itertools
import json

import pytest

from drkit import compliance
from drkit.deploy import readback, serve
from drkit.deploy.cdktf import run_cdktf
from drkit.deploy.demo import cdktf_commands, keep_commands, replay_line, summary
from drkit.deploy.denials import break_glass_read, denials
from drkit.regions import names
from drkit.regions.catalog import ROUTE53_METRICS_REGION
from drkit.regions.naming import ResourceType
from drkit_runtime.access import FUNCTIONS, Scope
from tests.e2e import audit_chain, outage_drill, release_drill
from tests.e2e import served as served_probes
from tests.e2e.layouts import BEFORE_THE_THIRD
from tests.e2e.shared import (
    JSII_BANNER,
    REPLAYS,
    RETIRING_PROVIDERS,
    drift_of,
    scenario_of,
    served_of,
)

pytestmark = pytest.mark.e2e


def pytest_generate_tests(metafunc):
    """One ``test_day_two`` per change in ``DAY_TWO``, one ``test_release`` per ``RELEASES``."""
    if metafunc.function.__name__ == "test_release":
        metafunc.parametrize("release", metafunc.cls.RELEASES)
    if metafunc.function.__name__ == "test_day_two":
        changes = metafunc.cls.DAY_TWO
        ids = [c if isinstance(c, str) else f"{c[0]} out" for c in changes]
        metafunc.parametrize("change", changes, ids=ids)


class _Lifecycle:
    """The checks, in order: inspect, serve, the cdktf lines, day 2, drift and scan, then
    destroy (last)."""

    PROVES_EVERY_ACTION = False
    #: Whether the checkov gate scans this layout's plans (one layout is enough: each plan
    #: costs a provider start per stack).
    SCANS_PLANS = False
    #: The staged releases this layout takes first (tests/e2e/release_drill.py).
    RELEASES: tuple[str, ...] = ()

    def test_release(self, release, deployed, tmp_path):
        """First of all: every later test checks what the releases left."""
        check = release_drill.check_broken if release == "broken" else release_drill.check_good
        check(deployed["deployment"], tmp_path)

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
            alerts = {names.ALERT_TOPIC(spec.namer, region)}
            if region == ROUTE53_METRICS_REGION:  # drkit-dns's, for what Route 53 does there
                alerts.add(names.DNS_ALERT_TOPIC(spec.namer, region))
            emails = {name: [] for name in alerts}
            for sub in view.subscriptions_by_region[region]:
                topic = sub["TopicArn"].rsplit(":", 1)[1]
                if sub["Protocol"] == "email":
                    emails.setdefault(topic, []).append(sub["Endpoint"])
            assert {t: sorted(e) for t, e in emails.items()} == {
                t: sorted(spec.alert_emails) for t in alerts
            }

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
        text, spec = summary(deployed["view"]), deployed["deployment"].spec
        assert all(r.region in text for r in spec.regions)
        assert "replicas in" in text and "NONE" not in text

    def test_every_region_serves_health_and_records_under_its_role(self, deployed):
        """/health 200 with its checks, PUT and GET of a record, in every region, by the
        uploaded code running as its execution role with IAM enforced."""
        served = served_of(deployed)
        spec = deployed["deployment"].spec
        for region in (r.region for r in spec.regions):
            record = f"/records/rec-{spec.environment_suffix}-{region}"
            mine = {x.request: x for x in served if x.region == region}
            health = mine["GET /health"]
            assert health.status == 200 and all(c["ok"] for c in health.body["checks"]), health
            assert {c["name"] for c in health.body["checks"]} == {
                "drain",
                "patient_table_read",
                "patient_table_write",
                "audit_table_write",
            }
            assert mine[f"PUT {record}"].status == 200
            assert mine[f"GET {record}"].body["read_from"] == region
        assert serve.problems(served) == []

    def test_a_record_not_replicated_yet_is_read_from_the_peer(self, deployed):
        """With replication into the primary held, a record written in a secondary is served
        in the primary from the secondary's replica, through the peer client."""
        held = next(x for x in served_of(deployed) if x.request.endswith("(held)"))
        spec = deployed["deployment"].spec
        assert (held.region, held.status) == (spec.primary.region, 200)
        assert held.body["read_from"] == spec.secondaries[0].region

    def test_the_canaries_measure_replication(self, deployed):
        """Schedules, stream batches and replicated objects run; lag and age are published."""
        served = served_of(deployed)
        measured = {x.request for x in served if x.request.startswith("measured")}
        assert measured == {
            "measured ReplicationLag",
            "measured HeartbeatAge",
            "measured SourceHeartbeatAge",
        }
        assert any(x.request.startswith("canary stream") for x in served)
        assert any(x.request == "canary object arrived" for x in served)

    def test_a_drained_region_answers_503(self, deployed):
        drained = next(x for x in served_of(deployed) if x.request == "GET /health (drained)")
        assert drained.status == 503 and "drain" in drained.body["failed"]

    def test_the_api_role_is_refused_what_it_must_not_do(self, deployed):
        """Each call drkit.deploy.denials tries (the canary's too) is refused by IAM."""
        refused = deployed.setdefault("refused", denials(scenario_of(deployed)))
        assert refused and all(a.refused for a in refused), [a.line for a in refused]
        assert any("canary" in a.attempt for a in refused)
        spec = deployed["deployment"].spec
        if spec.operator_principals:
            assert any(a.attempt.startswith("(the operator role) read") for a in refused)
        if spec.break_glass_principals:  # what the operator may not read, break-glass may
            served_of(deployed)  # writes rec-<suffix>-<region> in every region
            read = break_glass_read(scenario_of(deployed), f"rec-{spec.environment_suffix}-"
                                    f"{spec.primary.region}")  # fmt: skip
            assert not read.refused, read.line

    def test_the_audit_chain_finds_a_rewritten_and_a_deleted_entry(self, deployed):
        """tests/e2e/audit_chain.py: the deployed auditor and `drkit audit` find them."""
        if not self.PROVES_EVERY_ACTION:
            pytest.skip("the two-region layout proves the chain (the code is the same)")
        served_of(deployed)  # audited writes and reads in every region
        audit_chain.check(scenario_of(deployed), deployed["deployment"].environ)

    def test_a_concurrent_write_is_detected_and_both_versions_kept(self, deployed):
        """tests/e2e/audit_chain.py ``check_conflict``."""
        if not self.PROVES_EVERY_ACTION:
            pytest.skip("the two-region layout proves it (the code is the same)")
        audit_chain.check_conflict(scenario_of(deployed))

    def test_every_declared_action_is_needed(self, deployed):
        """Take any one action away from the deployed policy and a served request changes.
        Every call the code makes has a probe; the Lambda service's own calls (scope
        PLATFORM: logs, network interfaces, traces, dead letters, stream polling) and the
        denials are not the code's. A role holds the same actions in every layout
        (drkit_runtime.access), so one layout proves it: the demo's."""
        if not self.PROVES_EVERY_ACTION:
            pytest.skip("the two-region layout proves every action is needed")
        scenario = scenario_of(deployed)
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

    def test_the_cdktf_lines_work(self, deployed, tmp_path):
        """What each layout proves about the cdktf lines (see ``check_cdktf``); before the drift
        check and the destroy, which change what the lines would see."""
        self.check_cdktf(deployed, tmp_path)

    def check_cdktf(self, deployed, tmp_path):
        raise NotImplementedError

    def test_day_two(self, change, deployed, tmp_path):
        """A day-2 change of the running deployment (``DAY_TWO``, see ``day_two``); before
        the drift check and the destroy, which then see what it left."""
        self.day_two(change, deployed, tmp_path)

    def day_two(self, change, deployed, tmp_path):
        raise NotImplementedError

    def test_second_plan_reports_no_changes(self, deployed):
        """After the day-2 changes, a second plan of every stack reports no changes (no
        drift): terraform plan -detailed-exitcode."""
        assert drift_of(deployed, keep_plans=self.SCANS_PLANS) == []

    def test_every_stacks_plan_passes_the_checkov_gate(self, deployed, tmp_path):
        """checkov (terraform_plan) finds nothing in any stack's plan the skips leave open: the
        plans of the last drift check, every value known as deployed (a creation plan leaves
        the role policies unknown, so checkov cannot read them)."""
        if not self.SCANS_PLANS:
            pytest.skip(
                "the two-region layout's plans hold every kind of stack; the three-region"
                " synth is scanned stack by stack in tests/synth/test_compliance.py"
            )
        drift_of(deployed, keep_plans=True)
        plans = deployed["deployment"].drift_plans
        assert set(plans) == set(deployed["deployment"].stacks.names)
        files = {}
        for name, plan in plans.items():
            files[name] = tmp_path / f"{name}.json"
            files[name].write_text(json.dumps(plan))
        reports = compliance.scan(tuple(files.values()), "terraform_plan")
        skips = compliance.load_skips()
        failed = [record for report in reports.values() for record in report.failed]
        findings, used = compliance.evaluate(failed, skips)
        assert not findings, "\n".join(map(str, findings))
        assert len(frozenset().union(*(r.passed for r in reports.values()))) > 40
        assert compliance.stale_skips(skips, used, scan="plan") == set()

    def test_destroy_leaves_nothing(self, deployed, record_property):
        """The runner's terraform destroy removes every resource of every stack; the run's
        summary says how many retried requests the emulator answered by replay."""
        deployment = deployed["deployment"]
        deployment.destroy()
        record_property(REPLAYS, replay_line(deployment.emulator.replays()))
        assert deployment.leftovers() == []


@pytest.mark.xdist_group("e2e-two")
class TestTwoRegions(_Lifecycle):
    """Deployed with drkit's Terraform runner, as ``drkit demo`` does."""

    PROVES_EVERY_ACTION = True
    SCANS_PLANS = True
    RELEASES = ("broken", "good")
    #: (region out, region changed alone, the reservations applied by runner then cdktf). The
    #: printed cdktf line is proved once, with us-east-1 (and its control planes) out.
    DAY_TWO = (("us-east-1", "us-west-2", (140, 160)), ("us-west-2", "us-east-1", (120, None)))

    @pytest.fixture
    def deployed(self, deployments):
        return deployments("two")

    def day_two(self, change, deployed, tmp_path):
        """tests/e2e/outage_drill.py ``check``: each region out in turn, the other applied."""
        outage_drill.check(
            deployed, change, last=change == self.DAY_TWO[-1], scan=self.SCANS_PLANS, at=tmp_path
        )

    def check_cdktf(self, deployed, tmp_path):
        """The ``cdktf diff`` line ``drkit demo --keep`` prints, run on the demo's kind of
        deployment, synthesizes the same stack and finds its state: no changes."""
        deployment = deployed["deployment"]
        diff = keep_commands(deployment.spec)[0]
        done = run_cdktf(cdktf_commands(deployment), *diff, log=tmp_path / "diff.log")
        assert "No changes" in done.output, done.output[-3000:]
        assert JSII_BANNER not in done.output


@pytest.mark.xdist_group("e2e-three")
class TestThreeRegions(_Lifecycle):
    """Two regions deployed, the third added with ``cdktf deploy '*'`` from the project
    directory, removed again by the runner."""

    DAY_TWO = ("eu-west-1 removed",)

    def test_destroy_leaves_nothing(self, deployed, record_property):
        """Not destroyed here (about 90 s of the longest lifecycle): the two-region lifecycle
        proves destroy, and ``day_two`` read back that nothing of the removed region is left."""
        record_property(REPLAYS, replay_line(deployed["deployment"].emulator.replays()))
        pytest.skip("the two-region lifecycle proves destroy; this emulator stops with the rest")

    @pytest.fixture
    def deployed(self, deployments):
        return deployments("three")

    def check_cdktf(self, deployed, tmp_path):
        """cdktf synthesized through cdktf.json's app.py and added the third region to the
        running deployment, and nothing printed jsii's Node.js end-of-life banner (the
        commands ran without drkit's own environment)."""
        for command, output in deployed["cdktf"].items():
            assert JSII_BANNER not in output, (command, output[:2000])
            assert "Apply complete!" in output, output[-3000:]

    def day_two(self, change, deployed, tmp_path):
        """The third region removed by the runner: nothing of it is left, the two others serve
        as before, and the stacks that held its provider (links, routing) plan no change (the
        other stacks' drift check is the two-region lifecycle's: about 60 s of CPU here)."""
        deployment = deployed["deployment"]
        three = deployment.spec
        removal = deployment.change_layout(BEFORE_THE_THIRD)
        assert (removal.added, removal.removed) == ((), ("drkit-euw1",))
        left = readback.leftovers(three, deployment.emulator.client)
        assert [line for line in left if "euw1" in line or "eu-west-1" in line] == []
        view = deployment.describe()
        assert {r.region for r in view.records} == {"us-east-1", "us-west-2"}
        assert all(t.replica_regions == ("us-west-2",) for t in view.tables), view.tables
        assert deployment.drift(names=RETIRING_PROVIDERS) == []

    def test_second_plan_reports_no_changes(self, deployed):
        pytest.skip("day_two plans what the removal touched; the 2-region lifecycle plans all")
