"""``drkit drill``: a game day on a REAL deployment: drain one region, measure the failover, restore.

In order:

1. Preflight, read only: find the region's drain switch (SSM parameter) and every
   region's Route 53 health check (by its ``Name`` tag); refuse unless the switch
   reads ``active`` and every other region is healthy.
2. Flip the switch to ``drained``: the region's ``GET /health`` answers 503 on purpose.
3. Poll the health checkers' reports until Route 53 judges the region unhealthy,
   and sample ``GET https://<api name>/health`` until requests stop reaching it.
4. ALWAYS set the switch back to ``active`` (try/finally: also on a timeout, an
   error or Ctrl-C), then wait until the region is judged healthy again.
5. Print what was measured next to the budget (drkit/regions/budget.py).

Only real AWS can measure this. Health-checker timing, the spread between
checkers, the propagation of a status to Route 53's DNS servers and DNS
resolution are AWS's behaviour: an emulator (moto, ``--endpoint-url``) answers
every health check with one always-healthy checker and serves no DNS, so
against it a drill can only exercise the switch flip and restore.
"""

from __future__ import annotations

import contextlib
import json
import math
import signal
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from drkit.errors import DrkitError, SpecError
from drkit.regions import budget
from drkit.regions.catalog import ROUTE53_METRICS_REGION
from drkit.regions.naming import ResourceType
from drkit.regions.spec import DeploymentSpec
from drkit_runtime.contract import DRAIN_ACTIVE, DRAIN_DRAINED

#: Route 53 is global; its API (and its health-check data) is served from us-east-1.
ROUTE53_API_REGION = ROUTE53_METRICS_REGION
#: Requests that must all miss the drained region before it counts as out of DNS:
#: the chance of that happening while it still holds its weight is below 1 - this.
TRAFFIC_CONFIDENCE = 0.999
RESTORE_ATTEMPTS = 3
#: Exit code when the switch could not be restored: a person must act now.
EXIT_RESTORE_FAILED = 3

#: ``(service, region) -> boto3 client``; tests hand in clients of an in-process moto.
ClientFactory = Callable[[str, str], Any]
#: One request to the shared API name -> the region that answered (None: no answer).
Probe = Callable[[], "str | None"]


class DrillError(DrkitError):
    """The drill cannot start, or AWS refused a call; nothing is left drained."""


def boto3_clients(*, endpoint_url: str | None = None) -> ClientFactory:
    """Clients from the default credential chain, one per (service, region), reused."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    config = Config(
        retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=10
    )
    cache: dict[tuple[str, str], Any] = {}

    def client(service: str, region: str) -> Any:
        if (service, region) not in cache:
            cache[service, region] = session.client(
                service, region_name=region, endpoint_url=endpoint_url, config=config
            )
        return cache[service, region]

    return client


def https_probe(host: str, *, timeout_seconds: float = 3.0) -> Probe:
    """GET https://<host>/health once; the runtime's body names the region that answered.

    Each request opens a new connection and resolves the name again through the
    system resolver, so the measurement includes this machine's DNS caching (up
    to the TTL), as a client's would.
    """

    def probe() -> str | None:
        request = urllib.request.Request(
            f"https://{host}/health", headers={"Connection": "close", "User-Agent": "drkit-drill"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_seconds) as response:
                body = response.read()
        except urllib.error.HTTPError as err:  # the drained region answers 503 with its name
            body = err.read()
        except (OSError, ValueError):
            return None
        try:
            region = json.loads(body).get("region")
        except (ValueError, AttributeError):
            return None
        return region if isinstance(region, str) else None

    return probe


@attrs.frozen(kw_only=True)
class DrillPlan:
    """What a drill of one region touches, derived from the spec alone (no AWS calls).

    Attributes:
        region: The region to drain.
        weight: Its share of DNS traffic in percent.
        parameter_name: Its drain switch.
        health_check_names: ``region -> Name tag`` of each region's health check.
        api_domain_name: The shared API name clients resolve.
        inputs: The spec's budget numbers.
    """

    region: str
    weight: int
    parameter_name: str
    health_check_names: Mapping[str, str]
    api_domain_name: str
    inputs: budget.BudgetInputs

    @classmethod
    def from_spec(cls, spec: DeploymentSpec, region: str) -> DrillPlan:
        """Raises SpecError when ``region`` is not one of the spec's regions."""
        regions = [r.region for r in spec.regions]
        if region not in regions:
            raise SpecError(
                "--region", region, "a region of this deployment: " + ", ".join(regions)
            )
        namer = spec.namer
        return cls(
            region=region,
            weight=next(r.weight for r in spec.regions if r.region == region),
            parameter_name=namer(ResourceType.SSM_PARAMETER, "drain", region),
            health_check_names={r: namer(ResourceType.HEALTH_CHECK, "api", r) for r in regions},
            api_domain_name=spec.api_domain_name,
            inputs=spec.budget_inputs,
        )

    @property
    def others(self) -> tuple[str, ...]:
        return tuple(r for r in self.health_check_names if r != self.region)


@attrs.frozen(kw_only=True)
class DrillSettings:
    """How long and how often the drill looks.

    Attributes:
        timeout_seconds: Give up waiting (then restore) after this long; also
            bounds the wait for recovery.
        poll_seconds: Pause between polls; at most the health-check interval,
            or the unhealthy time is estimated late.
        samples_per_poll: Requests to the API name per poll.
    """

    timeout_seconds: float = 600.0
    poll_seconds: float = 5.0
    samples_per_poll: int = 5


@attrs.frozen(kw_only=True)
class Switch:
    """A drain switch as read before the drill; written back with the same type and key.

    Attributes:
        name: Parameter name.
        region: Its region.
        value: Its value.
        parameter_type: ``String`` or ``SecureString``.
        key_id: The KMS key of a SecureString (kept on overwrite, so the value
            is not silently re-encrypted under the account's default key).
    """

    name: str
    region: str
    value: str
    parameter_type: str
    key_id: str | None = None


def read_switch(ssm: Any, name: str, region: str) -> Switch:
    """The switch's value, type and key; DrillError if it does not exist."""
    try:
        value = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        raise DrillError(
            f"no drain switch {name} in {region}: is this deployment applied, and is "
            "ENVIRONMENT_SUFFIX the one it was deployed with?"
        ) from None
    described = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [name]}])[
        "Parameters"
    ]
    meta = described[0] if described else {}
    return Switch(
        name=name,
        region=region,
        value=value,
        parameter_type=meta.get("Type", "String"),
        key_id=meta.get("KeyId"),
    )


def write_switch(ssm: Any, switch: Switch, value: str) -> None:
    extra = (
        {"KeyId": switch.key_id}
        if switch.parameter_type == "SecureString" and switch.key_id
        else {}
    )
    ssm.put_parameter(
        Name=switch.name, Value=value, Type=switch.parameter_type, Overwrite=True, **extra
    )


def find_health_checks(route53: Any, names: Mapping[str, str]) -> dict[str, str]:
    """``region -> health check id`` for every health check whose Name tag is in ``names``."""
    wanted = {name: region for region, name in names.items()}
    ids = [
        check["Id"]
        for page in route53.get_paginator("list_health_checks").paginate()
        for check in page["HealthChecks"]
    ]
    found: dict[str, str] = {}
    for start in range(0, len(ids), 10):  # the API's limit per call
        tag_sets = route53.list_tags_for_resources(
            ResourceType="healthcheck", ResourceIds=ids[start : start + 10]
        )
        for tag_set in tag_sets["ResourceTagSets"]:
            tags = {t["Key"]: t["Value"] for t in tag_set.get("Tags", [])}
            region = wanted.get(tags.get("Name", ""))
            if region is None:
                continue
            if region in found:
                raise DrillError(
                    f"two Route 53 health checks carry Name={names[region]}: {found[region]}, "
                    f"{tag_set['ResourceId']}; remove the stray one first"
                )
            found[region] = tag_set["ResourceId"]
    return found


@attrs.frozen(kw_only=True)
class CheckerReport:
    """One Route 53 health checker's latest result.

    Attributes:
        checker: The checker (its region and address).
        ok: Its latest request succeeded.
        checked_at: When; a new value means a new report.
    """

    checker: str
    ok: bool
    checked_at: Any


def checker_reports(route53: Any, health_check_id: str) -> list[CheckerReport]:
    observations = route53.get_health_check_status(HealthCheckId=health_check_id)[
        "HealthCheckObservations"
    ]
    return [
        CheckerReport(
            checker=f"{o.get('Region', '?')}/{o.get('IPAddress', '?')}",
            ok=o.get("StatusReport", {}).get("Status", "").startswith("Success"),
            checked_at=o.get("StatusReport", {}).get("CheckedTime"),
        )
        for o in observations
    ]


@attrs.define
class _Checker:
    healthy: bool
    run_ok: bool
    run: int
    checked_at: Any


@attrs.define
class Route53View:
    """Route 53's verdict on one endpoint, estimated from its checkers' reports.

    A checker turns unhealthy after ``threshold`` consecutive failed reports and
    healthy after ``threshold`` consecutive successes; Route 53 calls the endpoint
    healthy while more than 18 % of the checkers do. Each report counts once (by
    its time); polling less often than the interval misses reports, which makes
    the estimate late, never early.

    Attributes:
        threshold: The health check's failure threshold.
    """

    threshold: int
    _checkers: dict[str, _Checker] = attrs.field(factory=dict, init=False)

    def update(self, reports: Sequence[CheckerReport]) -> None:
        for report in reports:
            state = self._checkers.get(report.checker)
            if state is None:
                self._checkers[report.checker] = _Checker(
                    healthy=report.ok, run_ok=report.ok, run=1, checked_at=report.checked_at
                )
                continue
            if report.checked_at == state.checked_at:
                continue
            state.checked_at = report.checked_at
            if report.ok == state.run_ok:
                state.run += 1
            else:
                state.run_ok, state.run = report.ok, 1
            if state.run >= self.threshold:
                state.healthy = state.run_ok

    @property
    def healthy_share(self) -> float:
        if not self._checkers:
            return 1.0
        return sum(c.healthy for c in self._checkers.values()) / len(self._checkers)

    @property
    def healthy(self) -> bool:
        return self.healthy_share > budget.HEALTHY_CHECKER_SHARE

    @property
    def failing(self) -> int:
        """Checkers whose latest report is a failure."""
        return sum(not c.run_ok for c in self._checkers.values())

    @property
    def checkers(self) -> int:
        return len(self._checkers)


def required_misses(weight: int, confidence: float = TRAFFIC_CONFIDENCE) -> int | None:
    """Answers from other regions in a row that show a region of ``weight`` % is out of DNS.

    None for weight 0: such a region gets no traffic while the others are
    healthy, so there is nothing to see stop.
    """
    if weight <= 0:
        return None
    if weight >= 100:
        return 1
    return math.ceil(math.log(1 - confidence) / math.log(1 - weight / 100))


@attrs.define
class TrafficWatch:
    """When requests to the shared name stopped reaching one region.

    Attributes:
        region: The drained region.
        required: Answers from elsewhere in a row that confirm it is out.
        last_seen: Last time it answered (seconds after the flip).
        first_miss: First answer from elsewhere after that.
        misses: Answers from elsewhere since ``last_seen``.
    """

    region: str
    required: int
    last_seen: float | None = None
    first_miss: float | None = None
    misses: int = 0

    def record(self, at: float, answered_by: str | None) -> None:
        if answered_by is None:  # no answer says nothing about routing
            return
        if answered_by == self.region:
            self.last_seen, self.first_miss, self.misses = at, None, 0
        else:
            self.first_miss = at if self.first_miss is None else self.first_miss
            self.misses += 1

    @property
    def off_at(self) -> float | None:
        """Seconds after the flip when it stopped answering; None until confirmed.

        Needs one answer from the region after the flip: without it the drill
        cannot tell "already out" from "never picked by the weights".
        """
        if self.last_seen is None or self.misses < self.required:
            return None
        return self.first_miss


@attrs.frozen(kw_only=True)
class Preflight:
    """What the read-only preflight found.

    Attributes:
        switch: The drain switch as it is now.
        health_check_ids: ``region -> health check id``.
    """

    switch: Switch
    health_check_ids: Mapping[str, str]


@attrs.frozen(kw_only=True)
class DrillResult:
    """What a drill measured; times are seconds after the switch read ``drained``.

    Attributes:
        first_failure_seconds: First checker reporting a failure.
        unhealthy_seconds: Route 53 judged the region unhealthy (estimated from its checkers).
        traffic_off_seconds: Requests to the API name stopped reaching the region.
        traffic_note: Why traffic was not measured, when it was not.
        recovered_seconds: After the restore, until Route 53 judged it healthy again.
        timed_out: The timeout passed before everything was observed.
        restored: The switch reads ``active`` again.
    """

    first_failure_seconds: float | None
    unhealthy_seconds: float | None
    traffic_off_seconds: float | None
    traffic_note: str | None
    recovered_seconds: float | None
    timed_out: bool
    restored: bool


@attrs.define
class Drill:
    """One drill of one region; every AWS call goes through ``clients``.

    Attributes:
        plan: What to drain and watch.
        clients: Makes the boto3 clients.
        settings: Timeout and polling.
        probe: Asks the API name who answers; None skips the traffic measurement.
        clock: Monotonic seconds.
        sleep: Waits between polls.
        out: Prints one line.
    """

    plan: DrillPlan
    clients: ClientFactory
    settings: DrillSettings = DrillSettings()
    probe: Probe | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    out: Callable[[str], None] = print

    @property
    def _route53(self) -> Any:
        return self.clients("route53", ROUTE53_API_REGION)

    @property
    def _ssm(self) -> Any:
        return self.clients("ssm", self.plan.region)

    def preflight(self) -> Preflight:
        """Read only: the switch must be active and every other region healthy."""
        plan = self.plan
        switch = read_switch(self._ssm, plan.parameter_name, plan.region)
        if switch.value.strip().lower() != DRAIN_ACTIVE:
            raise DrillError(
                f"drain switch {plan.parameter_name} reads {switch.value!r}, not {DRAIN_ACTIVE!r}: a maintenance "
                "drain may be in progress, and the drill would end it; restore it by hand first if it is stale"
            )
        ids = find_health_checks(self._route53, plan.health_check_names)
        missing = [r for r in plan.health_check_names if r not in ids]
        if missing:
            names = ", ".join(f"Name={plan.health_check_names[r]}" for r in missing)
            raise DrillError(
                f"no Route 53 health check tagged {names}: is this deployment applied?"
            )
        for region in plan.others:
            view = Route53View(threshold=plan.inputs.health_check_failure_threshold)
            view.update(checker_reports(self._route53, ids[region]))
            if not view.healthy:
                raise DrillError(
                    f"{region} is not healthy ({view.failing}/{view.checkers} checkers failing): draining "
                    f"{plan.region} now could leave no healthy region"
                )
        return Preflight(switch=switch, health_check_ids=ids)

    def describe(self, preflight: Preflight) -> list[str]:
        plan, s = self.plan, self.settings
        i = plan.inputs
        required = required_misses(plan.weight)
        if self.probe is None:
            traffic = "not measured (no probe: --no-traffic-probe or --endpoint-url)"
        elif required is None:
            traffic = f"not measured ({plan.region} has weight 0 and gets no traffic while others are healthy)"
        else:
            traffic = (
                f"GET https://{plan.api_domain_name}/health, {s.samples_per_poll} per poll; "
                f"{required} answers in a row from elsewhere confirm it is out"
            )
        return [
            f"drkit drill: drain {plan.region} (weight {plan.weight} %), measure the failover, restore",
            f"  drain switch   {plan.parameter_name} in {plan.region} ({preflight.switch.parameter_type}): "
            f"{DRAIN_ACTIVE!r} -> {DRAIN_DRAINED!r}, then back to {DRAIN_ACTIVE!r} whatever happens",
            f"  health check   Name={plan.health_check_names[plan.region]} "
            f"(id {preflight.health_check_ids[plan.region]}): {i.health_check_interval_seconds} s x "
            f"{i.health_check_failure_threshold} failures",
            f"  traffic        {traffic}",
            f"  other regions  {', '.join(plan.others)}: healthy now",
            f"  timing         poll every {s.poll_seconds:g} s, give up after {s.timeout_seconds:g} s",
        ]

    def execute(self, preflight: Preflight) -> DrillResult:
        """Drain, measure, and restore in ``finally``; the restore cannot be skipped."""
        plan, s = self.plan, self.settings
        route53, ssm = self._route53, self._ssm
        check_id = preflight.health_check_ids[plan.region]
        view = Route53View(threshold=plan.inputs.health_check_failure_threshold)
        view.update(checker_reports(route53, check_id))  # the healthy baseline, before the flip
        required = required_misses(plan.weight)
        traffic = (
            TrafficWatch(region=plan.region, required=required) if self.probe and required else None
        )
        first_failure = unhealthy = None
        timed_out = False
        try:
            self.out(f"draining {plan.region}: {plan.parameter_name} := {DRAIN_DRAINED!r}")
            write_switch(ssm, preflight.switch, DRAIN_DRAINED)
            flipped = self.clock()
            while True:
                view.update(checker_reports(route53, check_id))
                now = self.clock() - flipped
                if first_failure is None and view.failing:
                    first_failure = now
                if unhealthy is None and not view.healthy:
                    unhealthy = now
                if traffic is not None and traffic.off_at is None:
                    for _ in range(s.samples_per_poll):
                        traffic.record(self.clock() - flipped, self.probe())  # type: ignore[misc]
                self.out(self._progress(now, view, traffic))
                if unhealthy is not None and (traffic is None or traffic.off_at is not None):
                    break
                if self.clock() - flipped >= s.timeout_seconds:
                    timed_out = True
                    self.out(f"timed out after {s.timeout_seconds:g} s")
                    break
                self.sleep(s.poll_seconds)
        finally:
            restored = self._restore(ssm, preflight.switch)
        recovered = None
        if restored and unhealthy is not None:
            recovered = self._wait_recovery(route53, check_id, view)
        return DrillResult(
            first_failure_seconds=first_failure,
            unhealthy_seconds=unhealthy,
            traffic_off_seconds=traffic.off_at if traffic else None,
            traffic_note=self._traffic_note(traffic, required),
            recovered_seconds=recovered,
            timed_out=timed_out,
            restored=restored,
        )

    def run(self, *, dry_run: bool = False, confirm: Callable[[str], bool] | None = None) -> int:
        """Preflight, plan, confirmation, drill, report; the command's exit code."""
        preflight = self.preflight()
        for line in self.describe(preflight):
            self.out(line)
        if dry_run:
            self.out("dry run: preflight passed; nothing was changed")
            return 0
        if confirm is not None and not confirm(self.plan.region):
            self.out("not confirmed: nothing was changed")
            return 1
        result = self.execute(preflight)
        for line in report(self.plan, result):
            self.out(line)
        if not result.restored:
            return EXIT_RESTORE_FAILED
        return 0 if passed(self.plan, result) else 1

    # ----- internals -------------------------------------------------------
    def _restore(self, ssm: Any, switch: Switch) -> bool:
        """Set the switch back to active, retrying; Ctrl-C cannot interrupt it."""
        last: Exception | None = None
        with _sigint_ignored():
            for attempt in range(1, RESTORE_ATTEMPTS + 1):
                # Write, then believe only a read: a write that failed may have found
                # the switch never flipped, and one that "failed" may have landed.
                try:
                    write_switch(ssm, switch, DRAIN_ACTIVE)
                except Exception as err:  # noqa: BLE001 - any failure: read, retry, then shout
                    last = err
                    self.out(f"restore attempt {attempt} failed: {err}")
                try:
                    if read_switch(ssm, switch.name, switch.region).value == DRAIN_ACTIVE:
                        self.out(f"restored {switch.name} := {DRAIN_ACTIVE!r}")
                        return True
                except Exception as err:  # noqa: BLE001
                    last = err
                    self.out(f"reading {switch.name} back failed: {err}")
                if attempt < RESTORE_ATTEMPTS:
                    self.sleep(1.0)
        self.out(
            f"!! THE DRAIN SWITCH COULD NOT BE RESTORED ({last}); {switch.region} stays out of DNS. "
            f"Restore it now: aws ssm put-parameter --region {switch.region} --name {switch.name} "
            f"--type {switch.parameter_type} --value {DRAIN_ACTIVE} --overwrite"
            + (
                f" --key-id {switch.key_id}"
                if switch.key_id and switch.parameter_type == "SecureString"
                else ""
            )
        )
        return False

    def _wait_recovery(self, route53: Any, check_id: str, view: Route53View) -> float | None:
        started = self.clock()
        while True:
            view.update(checker_reports(route53, check_id))
            elapsed = self.clock() - started
            if view.healthy:
                self.out(
                    f"{self.plan.region} judged healthy again {elapsed:.1f} s after the restore"
                )
                return elapsed
            if elapsed >= self.settings.timeout_seconds:
                self.out(
                    f"{self.plan.region} still unhealthy {elapsed:.0f} s after the restore: watch the dashboard"
                )
                return None
            self.sleep(self.settings.poll_seconds)

    def _progress(self, now: float, view: Route53View, traffic: TrafficWatch | None) -> str:
        status = "healthy" if view.healthy else "UNHEALTHY"
        line = (
            f"  t={now:6.1f} s  checkers failing {view.failing}/{view.checkers}  Route 53: {status}"
        )
        if traffic is not None:
            seen = "not yet" if traffic.last_seen is None else f"t={traffic.last_seen:.1f} s"
            line += f"  {self.plan.region} last answered {seen}, {traffic.misses} answers from elsewhere since"
        return line

    def _traffic_note(self, traffic: TrafficWatch | None, required: int | None) -> str | None:
        if self.probe is None:
            return "not measured: no traffic probe"
        if required is None:
            return f"not measured: {self.plan.region} has weight 0"
        if traffic is not None and traffic.last_seen is None:
            return f"inconclusive: {self.plan.region} never answered after the flip"
        if traffic is not None and traffic.off_at is None:
            return "not observed before the timeout"
        return None


def passed(plan: DrillPlan, result: DrillResult) -> bool:
    """Everything was observed, within the budget, and the region came back."""
    if result.timed_out or result.unhealthy_seconds is None or result.recovered_seconds is None:
        return False
    if result.unhealthy_seconds > budget.judged_unhealthy_seconds(plan.inputs):
        return False
    traffic_budget = budget.rto_budget(plan.inputs).detection_seconds + budget.ALIAS_TTL_SECONDS
    return result.traffic_off_seconds is None or result.traffic_off_seconds <= traffic_budget


def report(plan: DrillPlan, result: DrillResult) -> list[str]:
    """Measured RTO components next to the budget's."""
    i = plan.inputs
    rto = budget.rto_budget(i)
    judged = budget.judged_unhealthy_seconds(i)
    traffic_budget = rto.detection_seconds + budget.ALIAS_TTL_SECONDS

    def row(label: str, value: float | None, limit: int | None = None, basis: str = "") -> str:
        measured = "-" if value is None else f"{value:.1f} s"
        line = f"  {label:<37}{measured:>9}"
        if limit is not None:
            verdict = (
                "" if value is None else ("within budget" if value <= limit else "OVER BUDGET")
            )
            line += f"{limit:>7} s  {verdict:<14}{basis}"
        return line.rstrip()

    never_unhealthy = result.unhealthy_seconds is None
    lines = [
        "",
        f"Measured in {plan.region} (t=0: the switch reads {DRAIN_DRAINED!r})",
        f"  {'':<37}{'measured':>9}{'budget':>9}",
        row("first checker reports a failure", result.first_failure_seconds),
        row(
            "Route 53 judges it unhealthy",
            result.unhealthy_seconds,
            judged,
            f"{i.health_check_interval_seconds} s x ({i.health_check_failure_threshold} failures "
            f"+ {budget.CHECKER_SPREAD_INTERVALS} spread)",
        ),
        row(
            "requests stop reaching it",
            result.traffic_off_seconds,
            traffic_budget,
            f"detection {rto.detection_seconds} s + TTL {budget.ALIAS_TTL_SECONDS} s",
        ),
        row("judged healthy again after restore", result.recovered_seconds),
    ]
    if result.traffic_note:
        lines.append(f"  traffic: {result.traffic_note}")
    if never_unhealthy:
        lines.append("  the region was never judged unhealthy, so there was no recovery to time")
    notes = (
        f"Not measured by a drill, only budgeted: other clients caching past the TTL "
        f"({i.client_dns_cache_seconds} s) and the cold start in the surviving region "
        f"({budget.COLD_START_SECONDS} s); the budget's worst-case RTO is {rto.total_seconds} s against "
        f"the {rto.target_seconds} s target. The unhealthy time is estimated from the checkers' reports; "
        "the traffic time includes status propagation and this machine's resolver cache."
    )
    lines += textwrap.wrap(notes, width=100)
    return lines


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
