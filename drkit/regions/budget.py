"""The failover budget: can a spec meet RTO < 5 min and RPO < 1 min, and by how much?

Pure arithmetic on a spec's numbers, so the spec validator, the stack and
``drkit budget`` (drkit/operations/budget.py) all use the same figures;
docs/budget.md explains every row. The AWS behaviour each constant
models is stated next to it; where AWS publishes no guarantee, the budget says so
instead of inventing one.
"""

from __future__ import annotations

import attrs

#: Route 53 health checkers in several regions probe independently and are not
#: synchronised; the status flips when enough of them (more than 82 %) have seen
#: ``threshold`` consecutive failures, about one extra interval after the first.
CHECKER_SPREAD_INTERVALS = 1
#: Time for a changed health-check status to reach Route 53's DNS servers.
STATUS_PROPAGATION_SECONDS = 10
#: Route 53 answers alias records with the target's TTL; API Gateway regional
#: custom-domain targets are served with a 60 s TTL.
ALIAS_TTL_SECONDS = 60
#: Worst-case cold start of the Python 3.12 function in a VPC (3 GB), generous:
#: typical cold starts are around one second.
COLD_START_SECONDS = 10
#: CloudWatch period of the replication-lag alarms.
LAG_ALARM_PERIOD_SECONDS = 60
#: How often the canary runs (EventBridge ``rate(1 minute)``).
CANARY_PERIOD_SECONDS = 60
#: S3 Replication Time Control's SLA: 99.99 % of objects within 15 minutes.
S3_RTC_SLA_SECONDS = 15 * 60
#: Periods the canary's HeartbeatAge alarms must breach (drkit/topology/observability.py).
HEARTBEAT_EVALUATION_PERIODS = 2
#: Route 53 judges an endpoint healthy while more than 18 % of its checkers do.
HEALTHY_CHECKER_SHARE = 0.18

RTO_LIMIT_SECONDS = 300
RPO_LIMIT_SECONDS = 60


@attrs.frozen(kw_only=True)
class BudgetInputs:
    """The spec numbers the budget depends on.

    Attributes:
        health_check_interval_seconds: Route 53 request interval (10 or 30).
        health_check_failure_threshold: Consecutive failures before unhealthy.
        client_dns_cache_seconds: Extra time clients may cache an answer past its TTL.
        replication_lag_threshold_seconds: DynamoDB ReplicationLatency alarm threshold.
        replication_alarm_evaluation_periods: Periods of 60 s the lag must breach.
        rto_target_seconds: The recovery-time target (at most 300).
        rpo_target_seconds: The recovery-point target (at most 60).
    """

    health_check_interval_seconds: int
    health_check_failure_threshold: int
    client_dns_cache_seconds: int
    replication_lag_threshold_seconds: int
    replication_alarm_evaluation_periods: int
    rto_target_seconds: int
    rpo_target_seconds: int


@attrs.frozen(kw_only=True)
class RtoBudget:
    """Worst-case time from a region failing to clients reaching a healthy one.

    Attributes:
        detection_seconds: Health checks failing ``threshold`` times, checker spread
            and status propagation.
        dns_seconds: Alias TTL plus client caching.
        cold_start_seconds: First invocation in the surviving region.
        target_seconds: The RTO target.
    """

    detection_seconds: int
    dns_seconds: int
    cold_start_seconds: int
    target_seconds: int

    @property
    def total_seconds(self) -> int:
        return self.detection_seconds + self.dns_seconds + self.cold_start_seconds

    @property
    def margin_seconds(self) -> int:
        """Target minus worst case; negative when the target is missed."""
        return self.target_seconds - self.total_seconds

    @property
    def meets_target(self) -> bool:
        return self.total_seconds <= self.target_seconds


@attrs.frozen(kw_only=True)
class RpoBudget:
    """What bounds data loss per store, and how fast a breach is noticed.

    Attributes:
        dynamodb_alarm_threshold_seconds: ReplicationLatency alarm threshold.
        dynamodb_detection_seconds: Threshold plus the alarm's evaluation time.
        canary_alarm_threshold_seconds: The canary's measured-lag alarm (the RPO).
        s3_sla_seconds: The only AWS guarantee for objects (RTC, 15 minutes).
        target_seconds: The RPO target.
    """

    dynamodb_alarm_threshold_seconds: int
    dynamodb_detection_seconds: int
    canary_alarm_threshold_seconds: int
    s3_sla_seconds: int
    target_seconds: int

    @property
    def meets_target(self) -> bool:
        return self.dynamodb_alarm_threshold_seconds < self.target_seconds

    @property
    def heartbeat_alarm_threshold_seconds(self) -> int:
        """The canary's HeartbeatAge alarm: the RPO plus one canary period."""
        return self.canary_alarm_threshold_seconds + CANARY_PERIOD_SECONDS


def failing_checks_seconds(inputs: BudgetInputs) -> int:
    """One checker seeing ``threshold`` consecutive failures: interval x threshold."""
    return inputs.health_check_interval_seconds * inputs.health_check_failure_threshold


def checker_spread_seconds(inputs: BudgetInputs) -> int:
    """The last needed checker crossing its threshold after the first one did."""
    return inputs.health_check_interval_seconds * CHECKER_SPREAD_INTERVALS


def judged_unhealthy_seconds(inputs: BudgetInputs) -> int:
    """Worst case from a region failing to Route 53 judging it unhealthy (before propagation)."""
    return failing_checks_seconds(inputs) + checker_spread_seconds(inputs)


def rto_budget(inputs: BudgetInputs) -> RtoBudget:
    """The worst-case RTO of a spec."""
    return RtoBudget(
        detection_seconds=judged_unhealthy_seconds(inputs) + STATUS_PROPAGATION_SECONDS,
        dns_seconds=ALIAS_TTL_SECONDS + inputs.client_dns_cache_seconds,
        cold_start_seconds=COLD_START_SECONDS,
        target_seconds=inputs.rto_target_seconds,
    )


def requests_stop_seconds(inputs: BudgetInputs) -> int:
    """Worst case from a region failing to requests no longer reaching it.

    Detection plus the alias TTL: what a client that honours the TTL sees, and
    what ``drkit drill`` can measure (client caching past the TTL and the cold
    start are not part of it).
    """
    return rto_budget(inputs).detection_seconds + ALIAS_TTL_SECONDS


def rpo_budget(inputs: BudgetInputs) -> RpoBudget:
    """The RPO picture of a spec: alarm thresholds and what AWS does (not) guarantee."""
    threshold = inputs.replication_lag_threshold_seconds
    return RpoBudget(
        dynamodb_alarm_threshold_seconds=threshold,
        dynamodb_detection_seconds=threshold
        + inputs.replication_alarm_evaluation_periods * LAG_ALARM_PERIOD_SECONDS,
        canary_alarm_threshold_seconds=inputs.rpo_target_seconds,
        s3_sla_seconds=S3_RTC_SLA_SECONDS,
        target_seconds=inputs.rpo_target_seconds,
    )


def max_failure_threshold(inputs: BudgetInputs) -> int:
    """The largest failure threshold that still meets the RTO target (0 if none does)."""
    best = 0
    for threshold in range(1, 11):
        trial = attrs.evolve(inputs, health_check_failure_threshold=threshold)
        if rto_budget(trial).meets_target:
            best = threshold
    return best
