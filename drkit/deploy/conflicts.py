"""A concurrent write on a deployment in the emulator: one record written in two regions while
replication between them waits, then released, as two clients could within AWS's
replication delay.

The emulator settles the two writes as AWS does (last writer wins, drkit_emulator.dynamodb).
moto empties a stream that has an event source mapping (docs/emulator.md), so the write each
region's patient replica received is delivered to its records function as the stream would
carry it: the item it replaced as ``OldImage``, the one it holds now as ``NewImage``, passed
through the stack's own filter (``replicated_writes_filter``). What comes back is read from the
emulated account: the conflict entries in every region's audit trail, the metric, the answers
of GET for the record and for each version.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import attrs

from drkit.deploy import events
from drkit.deploy.serve import RECORD, Scenario, Served
from drkit.regions import names
from drkit_runtime.contract import AUDIT_LOGS, AUDIT_NAMESPACE, PATIENT_RECORDS, WRITE_CONFLICTS


@attrs.frozen(kw_only=True)
class ConflictShown:
    """What the concurrent write did.

    Attributes:
        record_id: The record written in both regions.
        written: Region -> the version written there.
        detected: Region -> conflicts its records function recorded from its stream.
        entries: Region -> the conflict entries its audit trail holds (each names both
            versions and both regions).
        published: Region -> WriteConflicts counted there.
        answers: What GET answered: the record, then each version, in every region.
    """

    record_id: str
    written: dict[str, str]
    detected: dict[str, int]
    entries: dict[str, list[dict[str, Any]]]
    published: dict[str, float]
    answers: list[Served]


def show_conflict(s: Scenario) -> ConflictShown:
    """Write one record in every region while replication waits, release, deliver each
    region's stream, and read back what the deployment made of it."""
    record_id = f"both-{s.spec.namer.suffix}"
    path = f"/records/{record_id}"
    s.api(s.spec.primary.region, "PUT", path, RECORD)  # the version both start from
    s.replication({"hold": s.regions})
    try:
        written = {r: s.api(r, "PUT", path, RECORD).body["version"] for r in s.regions}
        before = {r: _item(s, r, record_id) for r in s.regions}
    finally:
        s.replication({"release": True})
    detected = {r: _deliver(s, r, before[r], _item(s, r, record_id)) for r in s.regions}
    answers = [s.api(r, "GET", path) for r in s.regions]
    answers += [_version(s, r, path, v) for r in s.regions for v in written.values()]
    return ConflictShown(
        record_id=record_id,
        written=written,
        detected=detected,
        entries={r: _conflict_entries(s, r, record_id) for r in s.regions},
        published={r: _published(s, r) for r in s.regions},
        answers=answers,
    )


def lines(shown: ConflictShown) -> list[str]:
    """The demo's account of it."""
    reads = [a for a in shown.answers if "?version=" not in a.request]
    kept = sorted({str(a.body.get("version")) for a in reads})
    found = [f"{r}: {n}" for r, n in shown.detected.items() if n]
    told = [
        attrs.evolve(
            a, summary=f"{a.summary}; conflict: {', '.join(a.body['conflict']['versions'])}"
        )
        if a.body.get("conflict")
        else a
        for a in shown.answers
    ]
    return [
        f"{shown.record_id} written at once in {', '.join(shown.written)}: "
        f"versions {', '.join(shown.written.values())}",
        f"every region kept {', '.join(kept)} (last writer wins); the overwritten one "
        f"was detected on the stream in {', '.join(found) or 'no region'}",
        "conflict entries in the audit trail: "
        + ", ".join(f"{r} {len(e)}" for r, e in shown.entries.items()),
        *(f"  {a.line}" for a in told),
    ]


def _item(s: Scenario, region: str, record_id: str) -> dict[str, Any] | None:
    table = names.TABLES[PATIENT_RECORDS](s.spec.namer)
    dynamodb = s.emulator.client("dynamodb", region)
    found: dict[str, Any] | None = dynamodb.get_item(
        TableName=table, Key={"record_id": {"S": record_id}}, ConsistentRead=True
    ).get("Item")
    return found


def _deliver(s: Scenario, region: str, old: Any, new: Any) -> int:
    """The region's stream record of the release, if the stack's filter passes it."""
    if old is None or new is None or old.get("version") == new.get("version"):
        return 0
    if new.get("updated_in_region", {}).get("S") == region:
        return 0  # the filter passes only writes made elsewhere
    now = datetime.now(UTC).timestamp()
    table = names.TABLES[PATIENT_RECORDS](s.spec.namer)
    arn = s.emulator.client("dynamodb", region).describe_table(TableName=table)
    record = events.stream_record(new, arrived_s=now, old=old)
    batch = events.stream_batch([record], arn["Table"]["LatestStreamArn"], region)
    result = s.runner.invoke(s.function("api", region), batch).result
    return int(result["conflicts"])


def _version(s: Scenario, region: str, path: str, version: str) -> Served:
    event = events.api_request("GET", path)
    event["queryStringParameters"] = {"version": version}
    answer = s.runner.invoke(s.routed(region, "GET", path), event).result
    body = json.loads(answer["body"])
    status = answer["statusCode"]
    summary = f"version {body.get('version')} from {body.get('updated_in_region')}"
    return Served(
        region=region, request=f"GET {path}?version=", status=status, summary=summary, body=body
    )


def _conflict_entries(s: Scenario, region: str, record_id: str) -> list[dict[str, Any]]:
    items = (
        s.emulator.client("dynamodb", region)
        .query(
            TableName=names.TABLES[AUDIT_LOGS](s.spec.namer),
            KeyConditionExpression="record_id = :r",
            ExpressionAttributeValues={":r": {"S": record_id}},
            ConsistentRead=True,
        )
        .get("Items", [])
    )
    return [i for i in items if i["action"]["S"] == "record.conflict"]


def _published(s: Scenario, region: str) -> float:
    stats = s.emulator.client("cloudwatch", region).get_metric_statistics(
        Namespace=AUDIT_NAMESPACE,
        MetricName=WRITE_CONFLICTS,
        Dimensions=[{"Name": "Region", "Value": region}],
        StartTime=datetime(2000, 1, 1, tzinfo=UTC),
        EndTime=datetime(2100, 1, 1, tzinfo=UTC),
        Period=60,
        Statistics=["Sum"],
    )
    return float(sum(p["Sum"] for p in stats["Datapoints"]))
