"""The report of one set of inputs: the table, the JSON and the verdicts."""

from __future__ import annotations

import attrs
from hypothesis import given

from drkit.operations.budget.report import BudgetReport
from drkit.regions.spec import DeploymentSpec
from tests import boundaries as b
from tests.strategies import budget as s

DEFAULT = BudgetReport(inputs=DeploymentSpec.default().budget_inputs)


@given(s.budget_inputs(lag_below_rpo=None))
def test_json_carries_every_row_and_total(inputs):
    """--json has every row by key, the totals, and a verdict per target."""
    report = BudgetReport(inputs=inputs)
    doc = report.to_json()
    assert doc["inputs"] == attrs.asdict(inputs)
    assert [r["key"] for r in doc["rto"]["rows"]] == [r.key for r in report.rto_rows()]
    assert [r["key"] for r in doc["rpo"]["rows"]] == [r.key for r in report.rpo_rows()]
    assert doc["rto"]["margin_seconds"] == report.rto.margin_seconds
    assert doc["meets_targets"] is (report.rto.meets_target and report.rpo.meets_target)
    assert len(doc["verdicts"]) == 3


def test_the_default_table_prints_every_row():
    """The default spec's table shows each RTO and RPO row with its number and source."""
    flat = " ".join(DEFAULT.render("title").split())
    for row in (
        "title RTO: worst case from a region failing to clients on a healthy region",
        "Detection /health outcome reused 5 s a container reuses each check's outcome",
        "health checks fail 30 s 10 s interval x 3 consecutive failures (spec)",
        "checker spread 10 s",
        "status propagation 10 s",
        "DNS alias record TTL 60 s",
        "client caching past the TTL 30 s",
        "Compute function cold start 10 s",
        "Total worst-case RTO 155 s target 300 s rto_target_seconds margin 145 s met",
        "DynamoDB AWS replication guarantee none",
        "ReplicationLatency alarm 30 s > 30000 ms for 1 x 60 s; must be below the RPO",
        "stalled replication alarmed within 90 s",
        "canary measured-lag alarm 60 s",
        "S3 AWS replication guarantee (RTC) 900 s",
        "Canary stall alarmed within 110 s no arrival for 9 x 10 s + the last one's period "
        "+ 10 s evaluation (target 120 s)",
        "source canary stopped alarm 120 s RPO + one 60 s canary period, 2 periods",
        "RTO met: worst case 155 s <= 300 s (margin 145 s).",
        "RPO alarms met: DynamoDB lag alarm 30 s < RPO 60 s.",
        "an RPO under a minute for objects is measured by the canary, not guaranteed by AWS",
    ):
        assert row in flat, row


def test_a_missed_rto_says_which_threshold_would_fit():
    """30 s x 10 failures is 445 s: over by 145 s, and at 30 s the threshold can be at most 5."""
    slow = BudgetReport(
        inputs=attrs.evolve(
            DEFAULT.inputs, health_check_interval_seconds=30, health_check_failure_threshold=10
        )
    )
    assert slow.verdicts()[0] == (
        "RTO NOT met: worst case 445 s exceeds 300 s by 145 s; with a 30 s interval the failure "
        "threshold can be at most 5."
    )
    assert "margin -145 s NOT MET" in " ".join(slow.render("t").split())


def test_when_no_threshold_fits_the_verdict_says_what_must_come_down():
    """A target below even one failure's worst case: lower the interval or the DNS caching."""
    tight = BudgetReport(inputs=attrs.evolve(DEFAULT.inputs, rto_target_seconds=100))
    assert tight.verdicts()[0].endswith(
        "no failure threshold fits: lower the interval or the client DNS caching."
    )


def test_a_lag_alarm_at_the_rpo_is_not_met():
    """A DynamoDB lag alarm equal to the RPO fails the RPO verdict."""
    late = BudgetReport(inputs=attrs.evolve(DEFAULT.inputs, replication_lag_threshold_seconds=60))
    assert not late.meets_targets
    assert late.verdicts()[1].startswith("RPO NOT met: the DynamoDB lag alarm (60 s)")


def test_a_worst_case_equal_to_the_target_is_met_with_no_margin():
    """155 s against a 155 s target: the verdict says met, margin 0; against 154 s, not met."""
    assert BudgetReport(inputs=b.RTO_AT_TARGET).verdicts()[0] == (
        "RTO met: worst case 155 s <= 155 s (margin 0 s)."
    )
    assert (
        BudgetReport(inputs=b.RTO_ONE_PAST)
        .verdicts()[0]
        .startswith("RTO NOT met: worst case 155 s exceeds 154 s by 1 s")
    )


def test_a_lag_alarm_one_second_below_the_rpo_is_met():
    """59 s against a 60 s RPO meets the RPO verdict and both targets."""
    report = BudgetReport(inputs=b.LAG_BELOW_RPO)
    assert report.meets_targets
    assert report.verdicts()[1] == "RPO alarms met: DynamoDB lag alarm 59 s < RPO 60 s."
