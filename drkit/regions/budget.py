"""The failover budget: can a spec meet RTO < 5 min and RPO < 1 min, and by how much?

Pure arithmetic on a spec's numbers, so the spec validator, the stack and
``drkit budget`` (drkit/operations/budget/) all use the same figures;
docs/budget.md explains every row. The AWS behaviour each constant
models is stated next to it, with the page that documents it or the word
"modelled" where AWS documents nothing; where AWS publishes no guarantee, the
budget says so instead of inventing one. Its scope (at least one region
healthy) and the capacity a region needs when its largest peer fails are here
too: the weighted-routing rules and DynamoDB's on-demand ramp, and /health's own function,
which a failover does not load. The availability target is budgeted from these figures in
availability.py.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from fractions import Fraction

import attrs

from drkit.regions.quotas import HEALTH_CHECKER_CONCURRENCY, HEALTH_RESERVED_CONCURRENCY
from drkit_runtime.contract import HEALTH_CACHE_SECONDS

#: Route 53 health checkers in several regions probe independently and are not
#: synchronised; the status flips when enough of them (more than 82 %) have seen
#: ``threshold`` consecutive failures, about one extra interval after the first.
CHECKER_SPREAD_INTERVALS = 1
#: Time for a changed health-check status to reach Route 53's DNS servers.
STATUS_PROPAGATION_SECONDS = 10
#: Route 53 answers an alias record with the TTL of its AWS target (you cannot set
#: it). AWS documents a fixed 60 s for ELB and S3 website targets, but no figure
#: for API Gateway custom domains: 60 s is a MODEL here, to check with
#: ``dig api.<zone>`` against a deployment (docs/budget.md).
#: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-alias.html
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
#: Periods the canary's SourceHeartbeatAge alarms must breach (a source canary stopped).
HEARTBEAT_EVALUATION_PERIODS = 2

# ----- the replication stall alarm ----------------------------------------------------------
#: A stall (no heartbeat arriving from a region) must be alarmed within this long of the
#: last heartbeat that arrived (issue 22: twice the one-minute RPO at most).
STALL_TARGET_SECONDS = 120
#: The stall alarm's period: the canary counts each arrival at one-second resolution
#: (HeartbeatArrivals), and an alarm on a high-resolution metric may use 10 s periods.
#: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/publishingMetrics.html
STALL_PERIOD_SECONDS = 10
#: Silent periods in a row before it fires: 90 s without an arrival. Heartbeats arrive once
#: per canary period (60 s), so a run up to 30 s late still arrives in time. AWS documents
#: no precision for a scheduled rule within its minute: the 30 s margin is MODELLED.
STALL_SILENT_PERIODS = 9
#: "If the alarm period is 10 seconds or 30 seconds, the alarm is evaluated every 10 seconds."
#: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
HIGH_RESOLUTION_EVALUATION_SECONDS = 10
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
        availability_target: The availability target in percent (availability.py).
    """

    health_check_interval_seconds: int
    health_check_failure_threshold: int
    client_dns_cache_seconds: int
    replication_lag_threshold_seconds: int
    replication_alarm_evaluation_periods: int
    rto_target_seconds: int
    rpo_target_seconds: int
    availability_target: float


@attrs.frozen(kw_only=True)
class RtoBudget:
    """Worst-case time from a region failing to clients reaching a healthy one.

    Attributes:
        detection_seconds: /health's reused outcome going stale, health checks failing
            ``threshold`` times, checker spread and status propagation.
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
    def source_heartbeat_threshold_seconds(self) -> int:
        """The canary's SourceHeartbeatAge alarm: the RPO plus one canary period."""
        return self.canary_alarm_threshold_seconds + CANARY_PERIOD_SECONDS

    @property
    def stall_alarmed_seconds(self) -> int:
        """Worst case from the last heartbeat arriving to the stall alarm firing."""
        return stall_alarmed_seconds()


def stall_alarmed_seconds() -> int:
    """The silent window, one period for where the last arrival fell in its own period, and
    one evaluation interval: (9 + 1) x 10 s + 10 s = 110 s."""
    window = STALL_SILENT_PERIODS * STALL_PERIOD_SECONDS
    return window + STALL_PERIOD_SECONDS + HIGH_RESOLUTION_EVALUATION_SECONDS


def failing_checks_seconds(inputs: BudgetInputs) -> int:
    """One checker seeing ``threshold`` consecutive failures: interval x threshold."""
    return inputs.health_check_interval_seconds * inputs.health_check_failure_threshold


def checker_spread_seconds(inputs: BudgetInputs) -> int:
    """The last needed checker crossing its threshold after the first one did."""
    return inputs.health_check_interval_seconds * CHECKER_SPREAD_INTERVALS


def judged_unhealthy_seconds(inputs: BudgetInputs) -> int:
    """Worst case from a region failing to Route 53 judging it unhealthy (before propagation).

    A container may answer /health from an outcome it checked just before the failure, for
    up to ``HEALTH_CACHE_SECONDS`` (the runtime's own constant): only then do checks fail.
    """
    return HEALTH_CACHE_SECONDS + failing_checks_seconds(inputs) + checker_spread_seconds(inputs)


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


# ----- scope and capacity ---------------------------------------------------
# Route 53's weighted routing, as documented: a record's share is its weight
# over the sum of the weights of the records it chooses among; records of weight
# 0 are chosen only when every record of a non-zero weight is unhealthy (then
# with equal probability); and when every record is unhealthy, Route 53 treats
# them ALL as healthy and answers by weight: the budget's scope ends there.
# https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html
# https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html

#: DynamoDB on-demand serves up to twice a table's previous peak at once; more
#: than that within 30 minutes may be throttled. A replica's reads follow its
#: region's traffic; its writes do not change in a failover, since every replica
#: already applies every write (replicated write request units).
#: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html
#: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/pre-warming-on-demand-capacity-mode.html
ON_DEMAND_INSTANT_RAMP = 2
#: What a new on-demand table sustains at once whatever its history: 12,000 reads a second
#: (the same pages). Each replica is a table in its region; below this, the 2x ramp does
#: not bind.
ON_DEMAND_NEW_TABLE_READ_UNITS = 12_000


def traffic_shares(weights: Mapping[str, int], healthy: Collection[str]) -> dict[str, Fraction]:
    """Each region's share of Route 53's answers when only ``healthy`` regions pass.

    With no healthy region at all Route 53 fails open: every record counts as
    healthy again, and the shares are those of the full layout.
    """
    chosen = [r for r in weights if r in healthy] or list(weights)
    weighted = [r for r in chosen if weights[r] > 0]
    if weighted:
        total = sum(weights[r] for r in weighted)
        return {r: Fraction(weights[r], total) if r in weighted else Fraction(0) for r in weights}
    return {r: Fraction(1, len(chosen)) if r in chosen else Fraction(0) for r in weights}


@attrs.frozen(kw_only=True)
class CapacityInputs:
    """What a region's capacity after a failure depends on.

    Attributes:
        weights: ``(region, weight)`` for every region, in the spec's order.
        reserved_concurrency: Reserved concurrency of each region's API function
            (``lambda_reserved_concurrency``): both its floor and its ceiling.
        peak_concurrency: The deployment's peak of concurrent API executions, all regions
            together (``peak_concurrency``).
        peak_read_units_per_second: Its peak of ``patient_records`` read request units a
            second, all regions together (``peak_read_units_per_second``).
        reservations: ``(region, reservation)`` of the regions that set their own
            (``[[regions]] lambda_reserved_concurrency``); the others reserve the above.
    """

    weights: tuple[tuple[str, int], ...]
    reserved_concurrency: int
    peak_concurrency: int
    peak_read_units_per_second: int
    reservations: tuple[tuple[str, int], ...] = ()

    def reserved(self, region: str) -> int:
        """What ``region``'s API function reserves."""
        return dict(self.reservations).get(region, self.reserved_concurrency)


@attrs.frozen(kw_only=True)
class FailoverCapacity:
    """One region while its largest peer is failed out.

    Attributes:
        region: The region that takes the traffic.
        failed: Its largest peer (by weight; the first of equals), failed out.
        share_before: Its share of answers with every region up.
        share_after: Its share with ``failed`` out.
        needed_concurrency: Concurrent executions its new share needs at the peak.
        reserved_concurrency: What its API function reserves.
        reads_before: Read units a second its replica serves at the peak, every region up.
        reads_after: The same with ``failed`` out.
    """

    region: str
    failed: str
    share_before: Fraction
    share_after: Fraction
    needed_concurrency: int
    reserved_concurrency: int
    reads_before: Fraction
    reads_after: Fraction

    @property
    def absorbs(self) -> bool:
        return self.needed_concurrency <= self.reserved_concurrency

    @property
    def read_ramp(self) -> Fraction | None:
        """How many times its normal reads its replicas get at once; None: from no traffic."""
        if self.share_before == 0:
            return None if self.share_after else Fraction(1)
        return self.share_after / self.share_before

    @property
    def instant_read_units(self) -> Fraction:
        """What its replica serves at once: twice its previous peak, never below a new table's."""
        return max(
            ON_DEMAND_INSTANT_RAMP * self.reads_before, Fraction(ON_DEMAND_NEW_TABLE_READ_UNITS)
        )

    @property
    def within_on_demand_ramp(self) -> bool:
        return self.reads_after <= self.instant_read_units


def largest_peer(weights: Mapping[str, int], region: str) -> str:
    """The other region with the largest weight (the first of equals)."""
    others = [r for r in weights if r != region]
    return max(others, key=lambda r: weights[r])


def failover_capacity(inputs: CapacityInputs) -> tuple[FailoverCapacity, ...]:
    """Every region's load when its largest peer fails, at the deployment's peak."""
    weights = dict(inputs.weights)
    before = traffic_shares(weights, weights.keys())
    reads = inputs.peak_read_units_per_second
    rows = []
    for region in weights:
        failed = largest_peer(weights, region)
        after = traffic_shares(weights, weights.keys() - {failed})[region]
        rows.append(
            FailoverCapacity(
                region=region,
                failed=failed,
                share_before=before[region],
                share_after=after,
                needed_concurrency=math.ceil(inputs.peak_concurrency * after),
                reserved_concurrency=inputs.reserved(region),
                reads_before=reads * before[region],
                reads_after=reads * after,
            )
        )
    return tuple(rows)


def survivable_peak(inputs: CapacityInputs) -> int:
    """The largest peak at which every region absorbs the failure of its largest peer."""
    return min(
        math.floor(row.reserved_concurrency / row.share_after)
        for row in failover_capacity(inputs)
        if row.share_after
    )


@attrs.frozen(kw_only=True)
class HealthCapacity:
    """/health's own function in each region, counted apart from the API function.

    Route 53's checkers probe each region's own name whatever its share of traffic, so a
    failover does not change this load; and the function's reservation is its own, so no
    volume of records traffic can throttle it.

    Attributes:
        needed_concurrency: Executions Route 53's checkers hold at their peak when every probe
            runs its checks to the deadline (``drkit.regions.quotas``).
        reserved_concurrency: What the health function reserves.
    """

    needed_concurrency: int = HEALTH_CHECKER_CONCURRENCY
    reserved_concurrency: int = HEALTH_RESERVED_CONCURRENCY

    @property
    def absorbs(self) -> bool:
        return self.needed_concurrency <= self.reserved_concurrency
