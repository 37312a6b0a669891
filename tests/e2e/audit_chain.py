"""Write integrity on a deployment in the emulator. The audit chain: the deployed auditor and
`drkit audit` find nothing in a clean chain, and find an entry rewritten and one deleted
behind the API's back (with the emulator's own credentials, as an administrator could), at
their places. A concurrent write: detected, recorded, counted and told (``check_conflict``)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import attrs

from drkit.deploy import events
from drkit.deploy.conflicts import show_conflict
from drkit.deploy.serve import Scenario
from drkit.regions import names
from drkit_runtime import chain
from drkit_runtime.contract import AUDIT_CHAIN_BREAKS, AUDIT_LOGS, AUDIT_NAMESPACE


@attrs.frozen(kw_only=True)
class Tampering:
    """What a run of the drill saw.

    Attributes:
        clean: The deployed auditor's findings before the tampering.
        tampered: The places (lane, seq) rewritten and deleted, by problem.
        found: The deployed auditor's findings after it, as (lane, seq, problem).
        command: `drkit audit`'s exit code and output after it.
        breaks_published: The largest AuditChainBreaks data point of the region.
        restored: The auditor's findings once the two entries are put back.
    """

    clean: list[dict[str, Any]]
    tampered: dict[str, tuple[int, int]]
    found: set[tuple[int, int, str]]
    command: tuple[int, str]
    breaks_published: float
    restored: list[dict[str, Any]]


def _auditor(s: Scenario, region: str) -> list[dict[str, Any]]:
    rule = names.AUDIT_SCHEDULE(s.spec.namer, region)
    event = events.schedule(region, f"arn:aws:events:{region}:123456789012:rule/{rule}")
    return s.runner.invoke(s.function("auditor", region), event).result["findings"]


def _two_links(dynamodb: Any, table: str, region: str) -> list[dict[str, Any]]:
    links: list[dict[str, Any]] = []
    for lane in range(chain.LANES):
        items = dynamodb.query(
            TableName=table,
            KeyConditionExpression="record_id = :c",
            ExpressionAttributeValues={":c": {"S": chain.chain_key(region, lane)}},
        )["Items"]
        links += [i for i in items if i["event_id"]["S"] != "head"]
        if len(links) >= 2:
            return links[:2]
    raise AssertionError(f"{region}'s chain has fewer than two entries")


def run(s: Scenario, environ: dict[str, str]) -> Tampering:
    """Verify the primary's chain, rewrite one entry and delete another, verify again (the
    deployed auditor and the command), put both back."""
    region = s.spec.primary.region
    table = names.TABLES[AUDIT_LOGS](s.spec.namer)
    dynamodb = s.emulator.client("dynamodb", region)
    clean = _auditor(s, region)
    rewritten, deleted = _two_links(dynamodb, table, region)
    keys = [
        {"record_id": link["entry_record_id"], "event_id": link["entry_event_id"]}
        for link in (rewritten, deleted)
    ]
    originals = [dynamodb.get_item(TableName=table, Key=k)["Item"] for k in keys]
    dynamodb.put_item(TableName=table, Item={**originals[0], "outcome": {"S": "not_found"}})
    dynamodb.delete_item(TableName=table, Key=keys[1])
    try:
        found = {(f["lane"], f["seq"], f["problem"]) for f in _auditor(s, region)}
        command = subprocess.run(
            [sys.executable, "-m", "drkit", "audit", "--region", region,
             "--endpoint-url", s.emulator.endpoint_url],
            env={**os.environ, **environ, **s.emulator.client_env(region)},
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        stats = s.emulator.client("cloudwatch", region).get_metric_statistics(
            Namespace=AUDIT_NAMESPACE,
            MetricName=AUDIT_CHAIN_BREAKS,
            Dimensions=[{"Name": "Region", "Value": region}],
            StartTime=0,
            EndTime=4102444800,
            Period=60,
            Statistics=["Maximum"],
        )
    finally:
        for item in originals:
            dynamodb.put_item(TableName=table, Item=item)
    place = {
        "rewritten": (int(rewritten["record_id"]["S"][-2:]), int(rewritten["event_id"]["S"])),
        "missing": (int(deleted["record_id"]["S"][-2:]), int(deleted["event_id"]["S"])),
    }
    return Tampering(
        clean=clean,
        tampered=place,
        found=found,
        command=(command.returncode, command.stdout + command.stderr),
        breaks_published=max((p["Maximum"] for p in stats["Datapoints"]), default=-1),
        restored=_auditor(s, region),
    )


def check(s: Scenario, environ: dict[str, str]) -> None:
    """The deployed auditor finds nothing in the primary's chain; after one entry is rewritten
    and another deleted it finds both at their places and publishes the breaks, and
    `drkit audit` exits 1 naming them; put back, the chain is whole again."""
    drill = run(s, environ)
    assert drill.clean == [] and drill.restored == []
    assert drill.found == {(*place, problem) for problem, place in drill.tampered.items()}
    code, output = drill.command
    assert code == 1, output
    assert "2 break(s)" in output and "rewritten" in output and "missing" in output, output
    assert drill.breaks_published == 2


def check_conflict(s: Scenario) -> None:
    """One record written in both regions while replication waits: the region whose write
    lost records the conflict (its stream), every region's trail holds it with both versions
    and both regions, the metric is published there, both versions are readable everywhere
    and GET reports the conflict everywhere (drkit.deploy.conflicts)."""
    shown = show_conflict(s)
    first, *others = s.regions
    assert shown.detected == {first: 1, **dict.fromkeys(others, 0)}, shown.detected
    written = sorted(shown.written.values())
    for region, entries in shown.entries.items():
        assert entries, f"no conflict entry in {region}'s trail"
        for entry in entries:
            assert sorted(v["S"] for v in entry["versions"]["L"]) == written, entry
            assert sorted(r["S"] for r in entry["regions"]["L"]) == sorted(s.regions), entry
    assert shown.published[first] >= 1, shown.published
    for answer in shown.answers:
        assert answer.status == 200, answer.line
        if "?version=" not in answer.request:
            assert sorted(answer.body["conflict"]["versions"]) == written, answer.body
