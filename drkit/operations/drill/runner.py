"""The drill itself: preflight, plan, confirmation, drain, measure, restore, report."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from botocore.exceptions import BotoCoreError, ClientError

from drkit.errors import DrillError
from drkit.operations.drill.checkers import Route53View
from drkit.operations.drill.clients import ClientFactory, boto3_clients
from drkit.operations.drill.evidence import OUTCOMES, Timeline, evidence, write
from drkit.operations.drill.plan import DrillPlan, DrillSettings
from drkit.operations.drill.preflight import Preflight
from drkit.operations.drill.probe import Probe, https_probe
from drkit.operations.drill.report import describe, progress_line, report, traffic_note
from drkit.operations.drill.result import DrillResult, passed
from drkit.operations.drill.route53 import ROUTE53_API_REGION, checker_reports
from drkit.operations.drill.switch import restore_switch, write_switch
from drkit.operations.drill.traffic import TrafficWatch, required_misses
from drkit.regions.spec import DeploymentSpec
from drkit_runtime.contract import DRAIN_DRAINED

#: Exit code when the switch could not be restored: a person must act now.
EXIT_RESTORE_FAILED = 3


@attrs.define
class _Measurement:
    """What the polls have seen so far; times are seconds after the flip."""

    view: Route53View
    traffic: TrafficWatch | None
    first_failure: float | None = None
    unhealthy: float | None = None
    timed_out: bool = False

    def note(self, now: float) -> None:
        if self.first_failure is None and self.view.failing:
            self.first_failure = now
        if self.unhealthy is None and not self.view.healthy:
            self.unhealthy = now

    @property
    def complete(self) -> bool:
        """Route 53 judged the region unhealthy, and traffic left it (or is not measured)."""
        return self.unhealthy is not None and (
            self.traffic is None or self.traffic.off_at is not None
        )


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
    settings: DrillSettings = attrs.field(factory=DrillSettings)
    probe: Probe | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    out: Callable[[str], None] = print
    #: What the last :meth:`run` measured (None: it drained nothing).
    measured: DrillResult | None = attrs.field(default=None, init=False)

    @property
    def _route53(self) -> Any:
        return self.clients("route53", ROUTE53_API_REGION)

    @property
    def _ssm(self) -> Any:
        return self.clients("ssm", self.plan.region)

    def preflight(self) -> Preflight:
        """Read only: the switch must be active and every other region healthy."""
        return Preflight.check(self.plan, ssm=self._ssm, route53=self._route53)

    def run(self, *, dry_run: bool = False, confirm: Callable[[str], bool] | None = None) -> int:
        """Preflight, plan, confirmation, drill, report; the command's exit code."""
        preflight = self.preflight()
        for line in describe(self.plan, self.settings, preflight, probing=self.probe is not None):
            self.out(line)
        if dry_run:
            self.out("dry run: preflight passed; nothing was changed")
            return 0
        if confirm is not None and not confirm(self.plan.region):
            self.out("not confirmed: nothing was changed")
            return 1
        result = self.measured = self.execute(preflight)
        for line in report(self.plan, result):
            self.out(line)
        if not result.restored:
            return EXIT_RESTORE_FAILED
        return 0 if passed(self.plan, result) else 1

    def execute(self, preflight: Preflight) -> DrillResult:
        """Drain, measure, and restore in ``finally``; the restore cannot be skipped."""
        plan = self.plan
        check_id = preflight.health_check_ids[plan.region]
        view = Route53View(threshold=plan.inputs.health_check_failure_threshold)
        view.update(checker_reports(self._route53, check_id))  # the healthy baseline
        required = required_misses(plan.weight)
        traffic = (
            TrafficWatch(region=plan.region, required=required) if self.probe and required else None
        )
        seen = _Measurement(view=view, traffic=traffic)
        try:
            self.out(f"draining {plan.region}: {plan.parameter_name} := {DRAIN_DRAINED!r}")
            write_switch(self._ssm, preflight.switch, DRAIN_DRAINED)
            self._measure(check_id, seen)
        finally:
            restored = restore_switch(self._ssm, preflight.switch, out=self.out, sleep=self.sleep)
        recovered = None
        if restored and seen.unhealthy is not None:
            recovered = self._wait_recovery(check_id, view)
        return DrillResult(
            first_failure_seconds=seen.first_failure,
            unhealthy_seconds=seen.unhealthy,
            traffic_off_seconds=traffic.off_at if traffic else None,
            traffic_note=traffic_note(
                plan.region, traffic, probing=self.probe is not None, required=required
            ),
            recovered_seconds=recovered,
            timed_out=seen.timed_out,
            restored=restored,
        )

    def _measure(self, check_id: str, seen: _Measurement) -> None:
        """Poll until everything is observed or the timeout passes."""
        settings, probe = self.settings, self.probe
        flipped = self.clock()
        while True:
            seen.view.update(checker_reports(self._route53, check_id))
            now = self.clock() - flipped
            seen.note(now)
            if probe is not None and seen.traffic is not None and seen.traffic.off_at is None:
                for _ in range(settings.samples_per_poll):
                    seen.traffic.record(self.clock() - flipped, probe())
            self.out(progress_line(now, seen.view, seen.traffic))
            if seen.complete:
                return
            if self.clock() - flipped >= settings.timeout_seconds:
                seen.timed_out = True
                self.out(f"timed out after {settings.timeout_seconds:g} s")
                return
            self.sleep(settings.poll_seconds)

    def _wait_recovery(self, check_id: str, view: Route53View) -> float | None:
        """Seconds after the restore until Route 53 judges the region healthy; None on timeout."""
        region, started = self.plan.region, self.clock()
        while True:
            view.update(checker_reports(self._route53, check_id))
            elapsed = self.clock() - started
            if view.healthy:
                self.out(f"{region} judged healthy again {elapsed:.1f} s after the restore")
                return elapsed
            if elapsed >= self.settings.timeout_seconds:
                self.out(
                    f"{region} still unhealthy {elapsed:.0f} s after the restore: "
                    "watch the dashboard"
                )
                return None
            self.sleep(self.settings.poll_seconds)


def run_drill(
    spec: DeploymentSpec,
    region: str,
    settings: DrillSettings,
    *,
    endpoint_url: str | None = None,
    traffic_probe: bool = True,
    dry_run: bool = False,
    confirm: bool = True,
    clients: ClientFactory | None = None,
    report_path: Path | None = None,
) -> int:
    """``drkit drill``: one drill, printing to stdout; its exit code.

    ``confirm`` asks on the terminal before draining; ``clients`` defaults to
    boto3 clients from the default credential chain (sent to ``endpoint_url``
    when given); ``report_path`` receives the evidence file (:mod:`.evidence`), whatever
    the outcome.

    Raises:
        SpecError: ``region`` is not one of the spec's.
        DrillError: The preflight refused, or AWS refused or failed a call.
    """
    plan = DrillPlan.from_spec(spec, region)
    timeline = Timeline()
    drill = Drill(
        plan=plan,
        clients=clients or boto3_clients(endpoint_url=endpoint_url),
        settings=settings,
        # An emulator serves no DNS, so there is no traffic to probe.
        probe=https_probe(plan.api_domain_name) if traffic_probe and not endpoint_url else None,
        out=timeline.say,
    )
    target = f"an emulator at {endpoint_url}" if endpoint_url else "AWS"
    if endpoint_url:
        timeline.say(
            f"against an emulator ({endpoint_url}) a drill exercises only the flip and the "
            "restore: health checkers and DNS can only be measured in AWS"
        )

    def keep(outcome: str) -> None:
        if report_path is not None:
            document = evidence(
                spec,
                plan,
                settings,
                timeline,
                result=drill.measured,
                outcome=outcome,
                target=target,
            )
            write(report_path, document)
            print(f"drkit drill | evidence written to {report_path}", file=sys.stderr)

    try:
        code = drill.run(dry_run=dry_run, confirm=ask_region if confirm else None)
    except (BotoCoreError, ClientError) as err:
        keep(f"failed: AWS refused or failed a call: {err}")
        raise DrillError(f"AWS refused or failed a call: {err}") from err
    except DrillError as err:
        keep(f"refused: {err}")
        raise
    keep("dry run: preflight passed, nothing changed" if dry_run else OUTCOMES.get(code, str(code)))
    return code


def ask_region(region: str) -> bool:
    """Ask on the terminal; only the region's exact name confirms."""
    try:
        answer = input(f"Type {region} to drain it now (anything else aborts): ")
    except EOFError:
        return False
    return answer.strip() == region
