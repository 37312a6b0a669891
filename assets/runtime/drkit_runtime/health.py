"""GET /health: is this region able to serve patient records right now?

Every check is a dependency each records request has in this region, and nothing else: the
drain switch, the patient-record replica (read and conditional write), and the audit replica
(the conditional append every records call makes). The region key is used by all of them (the
switch is a SecureString, the replicas are encrypted with it). What a records request does not
need here (the data bucket, a peer's replica, the canary's metrics) is not checked, so its
failure only alarms and never moves traffic.

Route 53 gives an HTTPS health check two seconds to answer once connected, so every check runs
in its own thread against one shared deadline (half of that); a check that has not answered by
then counts as failed ("timeout") and is abandoned, its single-attempt client call ending on its
own botocore timeout.

The route is anonymous, so nothing it calls may scale with the requests it gets: each check's
outcome is reused by the container for ``HEALTH_CACHE_SECONDS`` (``drkit_runtime.memo``). A
flood of probes costs at most one SSM read and one write per replica per container per
interval, whatever its rate; a drain, or a broken dependency, shows within that interval.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from drkit_runtime.contract import DRAIN_DRAINED, HEALTH_AUDIT_EVENT_ID, HEALTH_CACHE_SECONDS
from drkit_runtime.deps import Deps
from drkit_runtime.keys import health_record_id
from drkit_runtime.memo import Memo, Memos
from drkit_runtime.records import Caller, audit_item


class CheckFailed(Exception):
    """A check got an answer, and the answer means unhealthy; the argument is the reason."""


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """Outcome of one check.

    Attributes:
        name: Check name, e.g. "audit_table_write".
        ok: Whether the check passed within the deadline.
        latency_ms: Time the check took, or the deadline for one that timed out.
        reason: Why it failed: "timeout", "drained", or an AWS error code or exception type;
            None when it passed.
        cached: Whether the outcome was reused from an earlier request of this container.
    """

    name: str
    ok: bool
    latency_ms: float
    reason: str | None = None
    cached: bool = False

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "ok": self.ok,
            "latency_ms": self.latency_ms,
            "cached": self.cached,
        }
        if self.reason is not None:
            body["reason"] = self.reason
        return body


#: A check passes by returning and fails by raising (CheckFailed carries its own reason).
Check = Callable[[], None]
#: A check's outcome: None when it passed, else why it failed.
Reason = str | None
#: A check that returns its outcome and whether that was reused rather than fetched.
MemoCheck = Callable[[], tuple[Reason, bool]]


def run_checks(checks: Mapping[str, MemoCheck], *, deadline_ms: int) -> list[CheckResult]:
    """Run every check concurrently; anything unfinished at the deadline fails as "timeout".

    Each check returns its outcome (``outcome_of``) and whether it was reused. Results come
    back in the order of `checks`.
    """
    started = time.monotonic()
    # A fresh pool per call: a hung check from an earlier request must not hold a worker
    # that this request needs. shutdown(wait=False) leaves stragglers to finish on their own.
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="drkit-health")
    try:
        futures = {name: pool.submit(_timed, check) for name, check in checks.items()}
        done, _ = wait(futures.values(), timeout=deadline_ms / 1000)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    waited_ms = round((time.monotonic() - started) * 1000, 1)
    # Judge by what wait() saw: a check finishing just after the deadline was still late.
    return [
        _result(name, future if future in done else None, waited_ms)
        for name, future in futures.items()
    ]


Outcome = tuple[float, Reason, bool]


def _timed(check: MemoCheck) -> Outcome:
    started = time.monotonic()
    reason, cached = check()
    return round((time.monotonic() - started) * 1000, 1), reason, cached


def outcome_of(check: Check) -> Reason:
    """Run a check: it passes by returning and fails by raising (CheckFailed names why)."""
    try:
        check()
    except CheckFailed as exc:
        return str(exc)
    except ClientError as exc:
        return str(exc.response.get("Error", {}).get("Code") or "ClientError")
    # Whatever broke, the dependency did not answer: unhealthy.
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__
    return None


def _result(name: str, future: Future[Outcome] | None, waited_ms: float) -> CheckResult:
    if future is None:
        return CheckResult(name=name, ok=False, latency_ms=waited_ms, reason="timeout")
    latency_ms, reason, cached = future.result()
    return CheckResult(
        name=name, ok=reason is None, latency_ms=latency_ms, reason=reason, cached=cached
    )


HEALTH_SERVICES = ("dynamodb", "ssm")


def warm_clients(deps: Deps) -> None:
    """Create the health clients ahead of time: creating one loads its service model, which
    can take longer than the whole deadline on a cold container."""
    for service in HEALTH_SERVICES:
        deps.clients.get(service, "health")


def regional_checks(deps: Deps) -> dict[str, Check]:
    """The checks that decide whether this region may take traffic."""
    config = deps.config
    dynamodb = deps.clients.get("dynamodb", "health")
    ssm = deps.clients.get("ssm", "health")
    key = {"record_id": {"S": health_record_id(config.region)}}

    def drain() -> None:
        # The switch is a SecureString: reading it decrypted also proves the region key
        # decrypts for this role.
        value = ssm.get_parameter(Name=config.drain_parameter_name, WithDecryption=True)[
            "Parameter"
        ]["Value"]
        if value.strip().lower() == DRAIN_DRAINED:
            raise CheckFailed("drained")

    def patient_table_read() -> None:
        dynamodb.get_item(
            TableName=config.patient_table_name,
            Key=key,
            ConsistentRead=True,
            ProjectionExpression="record_id",
        )

    def patient_table_write() -> None:
        now_ms = deps.now_ms()
        _put_newer(
            dynamodb,
            table_name=config.patient_table_name,
            item={**key, "region": {"S": config.region}, "written_at_ms": {"N": str(now_ms)}},
            stamp="written_at_ms",
            now_ms=now_ms,
        )

    def audit_table_write() -> None:
        # An audit entry as the records API appends one, under drkit's own key: the reserved
        # record id is one the records API refuses, so no real record's entries share its
        # partition, and the fixed event id keeps it to one item per region, rewritten in
        # place like the canary's audit heartbeat. The table has no TTL, so a new entry per
        # probe would grow the replicated trail forever; this one does not grow at all.
        now_ms = deps.now_ms()
        entry = audit_item(
            record_id=health_record_id(config.region),
            action="health.probe",
            outcome="written",
            caller=Caller(request_id=HEALTH_AUDIT_EVENT_ID),
            region=config.region,
            now_ms=now_ms,
        )
        _put_newer(
            dynamodb,
            table_name=config.audit_table_name,
            item={**entry, "event_id": {"S": HEALTH_AUDIT_EVENT_ID}},
            stamp="at_ms",
            now_ms=now_ms,
        )

    return {
        "drain": drain,
        "patient_table_read": patient_table_read,
        "patient_table_write": patient_table_write,
        "audit_table_write": audit_table_write,
    }


def _put_newer(
    dynamodb: Any, *, table_name: str, item: dict[str, Any], stamp: str, now_ms: int
) -> None:
    """A conditional PutItem of drkit's own item that never moves its ``stamp`` back in time."""
    try:
        dynamodb.put_item(
            TableName=table_name,
            Item=item,
            # A slow, older write must not overwrite the newer one of a concurrent check.
            ConditionExpression=f"attribute_not_exists(record_id) OR {stamp} < :now",
            ExpressionAttributeValues={":now": {"N": str(now_ms)}},
        )
    except ClientError as exc:
        # Losing to a newer write still proves the table took a conditional write.
        if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise


def memoized(checks: Mapping[str, Check], deps: Deps) -> dict[str, MemoCheck]:
    """Each check through the container's memo of the same name (``HEALTH_CACHE_SECONDS``)."""
    return {name: _through(_memo(deps.memos, name), check, deps) for name, check in checks.items()}


def _memo(memos: Memos, name: str) -> Memo[object]:
    return memos.get(f"health:{name}", ttl_seconds=HEALTH_CACHE_SECONDS)


def _through(memo: Memo[object], check: Check, deps: Deps) -> MemoCheck:
    def run() -> tuple[Reason, bool]:
        reason, cached = memo.run(lambda: outcome_of(check), now=deps.clock())
        return (None if reason is None else str(reason)), cached

    return run


def _reused(name: str, memos: Memos, now: float) -> CheckResult | None:
    """The check's fresh outcome as a result, without a thread; None if it must run."""
    fresh, reason = _memo(memos, name).peek(now=now)
    if not fresh:
        return None
    text = None if reason is None else str(reason)
    return CheckResult(name=name, ok=text is None, latency_ms=0.0, reason=text, cached=True)


def check_health(deps: Deps) -> tuple[int, dict[str, Any]]:
    """Status code and body of GET /health."""
    checks = regional_checks(deps)
    now = deps.clock()
    reused = {name: _reused(name, deps.memos, now) for name in checks}
    due = {name: check for name, check in checks.items() if reused[name] is None}
    ran = run_checks(memoized(due, deps), deadline_ms=deps.config.health_deadline_ms) if due else []
    fetched = {r.name: r for r in ran}
    results = [reused[name] or fetched[name] for name in checks]
    failed = [r.name for r in results if not r.ok]
    body: dict[str, Any] = {
        "status": "unhealthy" if failed else "healthy",
        "region": deps.config.region,
        "role": deps.config.role,
        "checks": [r.to_json() for r in results],
    }
    if failed:
        body["failed"] = failed
        return 503, body
    return 200, body
