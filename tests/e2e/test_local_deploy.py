"""End to end: the whole stack applied to the embedded emulator with the real Terraform.

For 2 regions and for the 3-region example: apply, then check the emulated
account with boto3 (not the JSON), scan the plan with checkov, prove a second
plan has no changes, destroy, and prove nothing of the stack is left. Each
layout runs its whole lifecycle on one xdist worker (``xdist_group``).
"""

from __future__ import annotations

import contextlib
import itertools
import json
from pathlib import Path

import pytest

from drkit import compliance
from drkit.deploy.demo import summary
from drkit.deploy.emulator import Emulator
from drkit.deploy.local import LocalDeployment
from drkit.regions.catalog import ROUTE53_METRICS_REGION
from drkit.regions.naming import ResourceType
from tests.helpers import ROOT

pytestmark = pytest.mark.e2e

LAYOUTS = {
    "two": {"ENVIRONMENT_SUFFIX": "e2e2"},
    "three": {
        "ENVIRONMENT_SUFFIX": "e2e3",
        "DRKIT_CONFIG": str(ROOT / "examples" / "three-region.toml"),
    },
}


@contextlib.contextmanager
def _deployment(layout: str, root: Path):
    """The stack of ``layout`` applied to a fresh emulator; destroyed on exit unless a test did."""
    with Emulator(log_dir=root / "emulator") as emulator:
        deployment = LocalDeployment(
            emulator=emulator, workdir=root / "work", environ=LAYOUTS[layout]
        )
        deployment.synthesize()
        deployment.init()
        deployment.validate()
        plan = deployment.plan()
        deployment.apply()
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


class _Lifecycle:
    """The checks, in order: inspect, scan, drift, then destroy (last)."""

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
        """Every data bucket: versioned, SSE-KMS with its region's key, replicated everywhere."""
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
            assert record.region in check.fqdn
            assert record.target, "alias target missing"

    def test_alarms_topics_and_dashboards_are_in_the_right_regions(self, deployed):
        """Alarms notify topics of their region; health alarms in us-east-1; dashboards exist."""
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
        """Every region pair is peered, active, with a route per private route table both ways."""
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

    def test_plan_passes_the_checkov_gate(self, deployed, tmp_path):
        """checkov (terraform_plan) on the emulator plan finds nothing the skips do not explain."""
        target = tmp_path / "plan.json"
        target.write_text(json.dumps(deployed["plan"]))
        report = compliance.run_checkov(target, "terraform_plan")
        findings, _ = compliance.evaluate(report.failed, compliance.load_skips())
        assert not findings, "\n".join(map(str, findings))
        assert len(report.passed) > 40

    def test_second_plan_reports_no_changes(self, deployed):
        """Right after apply, terraform plan -detailed-exitcode reports no changes (no drift)."""
        assert deployed["deployment"].drift() == []

    def test_destroy_leaves_nothing(self, deployed):
        """terraform destroy removes every resource of the stack from the emulator."""
        deployment = deployed["deployment"]
        deployment.destroy()
        deployed["destroyed"] = True
        assert deployment.leftovers() == []


@pytest.mark.xdist_group("e2e-two")
class TestTwoRegions(_Lifecycle):
    @pytest.fixture
    def deployed(self, deployments):
        return deployments("two")


@pytest.mark.xdist_group("e2e-three")
class TestThreeRegions(_Lifecycle):
    @pytest.fixture
    def deployed(self, deployments):
        return deployments("three")
