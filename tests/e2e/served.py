"""Probes of the served requests: for each declared call, the request that needs it.

Used by the end-to-end tests to show that every action a function's role holds is used:
taking one away from the deployed policy changes what the function answers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from drkit.deploy import events
from drkit.deploy.invoke import InvokeFailed
from drkit.deploy.serve import RECORD, Scenario
from drkit.regions import names
from drkit.regions.naming import ResourceType
from drkit_runtime.contract import PATIENT_RECORDS

Probe = Callable[[Scenario], Any]


def _api(method: str, path: str, body: Any = None) -> Probe:
    """The primary's answer to ``method path``, from the function the route integrates."""

    def probe(s: Scenario) -> Any:
        served = s.api(s.spec.primary.region, method, path, body)
        return served.status, served.summary

    return probe


def _status(method: str, path: str, body: Any = None) -> Probe:
    """Only the status: a written record's summary carries its time, which always changes."""

    def probe(s: Scenario) -> Any:
        return s.api(s.spec.primary.region, method, path, body).status

    return probe


def _records(s: Scenario) -> Any:
    """A record written (its local replica's PutItem) and read back (GetItem)."""
    return _status("PUT", "/records/probe-rw", RECORD)(s), _api("GET", "/records/probe-rw")(s)


def _held_read(s: Scenario) -> Any:
    return [(x.status, x.summary) for x in s.cross_region_read()]


def _canary_schedule(s: Scenario) -> Any:
    region = s.spec.primary.region
    try:
        result = s._canary(region, "schedule", s._schedule(region)).body
    except InvokeFailed as err:
        return f"failed: {str(err).splitlines()[-1]}"
    return result["published"], sorted(result["missing"])


def _canary_arrivals(s: Scenario) -> Any:
    region = s.spec.primary.region
    outcomes = []
    for event in s._arrivals(region):
        try:
            outcomes.append(s._canary(region, "object", event).body)
        except InvokeFailed as err:
            outcomes.append(f"failed: {str(err).splitlines()[-1]}")
    return outcomes


def _watcher(s: Scenario) -> Any:
    """The primary's watcher on its schedule: it publishes what it saw of the peers.

    The peers' names do not resolve here, so every peer is unhealthy; what matters is
    that the points reach CloudWatch under the watcher's deployed role.
    """
    region = s.spec.primary.region
    rule = s.spec.namer(ResourceType.EVENT_RULE, "watch-schedule", region)
    event = events.schedule(region, f"arn:aws:events:{region}:123456789012:rule/{rule}")
    try:
        result = s.runner.invoke(s.function("watcher", region), event).result
    except InvokeFailed as err:
        return f"failed: {str(err).splitlines()[-1]}"
    return sorted(result["healthy"])


def _auditor(s: Scenario) -> Any:
    """A record written (so the primary's chain has a link to walk), then the primary's
    auditor on its schedule: what it found, or how it failed."""
    region = s.spec.primary.region
    written = _status("PUT", "/records/probe-auditor", RECORD)(s)
    rule = names.AUDIT_SCHEDULE(s.spec.namer, region)
    event = events.schedule(region, f"arn:aws:events:{region}:123456789012:rule/{rule}")
    try:
        result = s.runner.invoke(s.function("auditor", region), event).result
    except InvokeFailed as err:
        return written, f"failed: {str(err).splitlines()[-1]}"
    return written, result["findings"]


def _conflict(s: Scenario) -> Any:
    """The primary's records function given, on its stream, a write of another region that
    replaced the version the primary held (a record it just wrote): how many conflicts it
    recorded (it publishes them), or how it failed. The whole path, both regions written while
    replication waits, is test_a_concurrent_write_is_detected_and_both_versions_kept's."""
    region, peer = s.spec.primary.region, s.spec.secondaries[0].region
    _status("PUT", "/records/probe-conflict", RECORD)(s)
    table = names.TABLES[PATIENT_RECORDS](s.spec.namer)
    dynamodb = s.emulator.client("dynamodb", region)
    key = {"record_id": {"S": "probe-conflict"}}
    ours = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
    theirs = {**ours, "version": {"S": "v-probe-peer"}, "updated_in_region": {"S": peer}}
    arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    record = events.stream_record(theirs, arrived_s=time.time(), old=ours)
    try:
        batch = events.stream_batch([record], arn, region)
        return s.runner.invoke(s.function("api", region), batch).result["conflicts"]
    except InvokeFailed as err:
        return f"failed: {str(err).splitlines()[-1]}"


#: (function purpose, statement id) -> the request that exercises it.
PROBES: dict[tuple[str, str], Probe] = {
    ("api", "ReadWriteRecords"): _records,
    ("api", "AppendAuditEntries"): _status("PUT", "/records/probe-audit", RECORD),
    ("api", "ReadAuditChainHead"): _status("PUT", "/records/probe-chain", RECORD),
    ("api", "PublishConflictMetrics"): _conflict,
    ("api", "ReadPeerRecords"): _held_read,
    # A peer's endpoints are read from the region's parameter when a peer is first needed.
    ("api", "ReadPeerEndpoints"): _held_read,
    ("canary", "WriteAndReadHeartbeats"): _canary_schedule,
    ("canary", "WriteAndReadAuditHeartbeats"): _canary_schedule,
    ("canary", "WriteOwnCanaryObject"): _canary_schedule,
    # Arrivals read by version (s3:GetObjectVersion), the schedule the latest (s3:GetObject).
    ("canary", "ReadReplicatedCanaryObjects"): lambda s: (_canary_arrivals(s), _canary_schedule(s)),
    ("canary", "ReadPeerCanaryObjects"): _canary_schedule,
    ("canary", "ReadPeerEndpoints"): _canary_schedule,
    ("canary", "PublishReplicationMetrics"): _canary_schedule,
    ("watcher", "PublishPeerHealth"): _watcher,
    # GET /health through the route, which runs the health function: each check names the
    # dependency whose action was taken away (drain, patient_table_*, audit_table_write).
    ("health", "ReadDrainSwitch"): _api("GET", "/health"),
    ("health", "ReadWriteHealthRecord"): _api("GET", "/health"),
    ("health", "AppendHealthAuditEntry"): _api("GET", "/health"),
    ("auditor", "WalkAuditChain"): _auditor,
    ("auditor", "ReadChainedAuditEntries"): _auditor,
    ("auditor", "PublishAuditChainMetrics"): _auditor,
}


def without_action(
    s: Scenario, purpose: str, sid: str, action: str
) -> tuple[dict, Callable[[], None]]:
    """Remove ``action`` from statement ``sid`` of the primary's ``purpose`` role policy
    (as deployed); returns the edited document and a function that puts it back."""
    region = s.spec.primary.region
    iam = s.emulator.client("iam", region)
    role = s.spec.namer(ResourceType.IAM_ROLE, purpose, region)
    policy = s.spec.namer(ResourceType.IAM_POLICY, purpose, region)
    original = iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
    original = json.loads(original) if isinstance(original, str) else original
    edited = json.loads(json.dumps(original))
    for statement in edited["Statement"]:
        if statement["Sid"] == sid:
            actions = (
                statement["Action"]
                if isinstance(statement["Action"], list)
                else [statement["Action"]]
            )
            statement["Action"] = [a for a in actions if a != action] or ["sts:GetCallerIdentity"]
    iam.put_role_policy(RoleName=role, PolicyName=policy, PolicyDocument=json.dumps(edited))

    def restore() -> None:
        iam.put_role_policy(RoleName=role, PolicyName=policy, PolicyDocument=json.dumps(original))

    return edited, restore
