"""Each region's audit entries, chained: every entry of the records API carries the digest of
the one before it in its lane of its region, so a rewritten, deleted or inserted entry breaks
the chain.

A region's chain has ``LANES`` lanes, so that concurrent requests rarely wait on each other:
each lies in the audit table beside the entries, under a reserved partition
(``contract.AUDIT_CHAIN_PREFIX + region#lane``): a link per entry (sort key: its sequence
number, zero-padded) holding the entry's key and digest, and a head item holding the last
sequence number and digest. An entry, its link and the lane's new head go in one transaction
with the access they record; the head's condition makes two writers of a lane take turns (the
loser tries again in another lane), the link's ``attribute_not_exists`` makes a link
append-only. ``verify`` walks every lane.

What it proves and what it cannot: docs/compliance.md#tamper-evident-audit-trail.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from drkit_runtime.contract import AUDIT_CHAIN_HEAD, AUDIT_CHAIN_PREFIX

#: The digest the first entry of a region chains to.
GENESIS = "0" * 64
#: Width of a link's sort key: sequence numbers sort as text.
SEQ_WIDTH = 20
#: Tries to append before giving up on a busy region (each loses only to another append, and
#: tries again in a lane picked anew): a burst of as many writers as the API reserves settles
#: within a few rounds.
APPEND_ATTEMPTS = 12
#: The longest pause between two attempts, in seconds (the pauses grow from 5 ms).
MAX_BACKOFF_SECONDS = 0.05
#: Lanes of a region's chain: a writer loses a race only to another writer of the same lane.
#: A lane's head takes a write per audited access, and DynamoDB gives one item at most 1,000
#: write units a second (a transaction's write costs two): about 500 accesses a second per lane.
LANES = 64
#: The entry's own fields that bind it to its place in the chain.
CHAIN_FIELDS = ("chain_lane", "chain_seq", "chain_prev")
#: BatchGetItem's limit of keys per call.
BATCH_KEYS = 100


class ChainBusy(RuntimeError):
    """Every attempt to append lost to another writer in the same region."""


def chain_key(region: str, lane: int) -> str:
    """The partition of a lane of ``region``'s chain in the audit table."""
    return f"{AUDIT_CHAIN_PREFIX}{region}#{lane:02d}"


def seq_key(seq: int) -> str:
    return str(seq).zfill(SEQ_WIDTH)


def entry_digest(entry: Mapping[str, Any]) -> str:
    """SHA-256 of the entry in DynamoDB's typed form, keys sorted: its content, its place
    (``chain_seq``) and the digest it follows (``chain_prev``)."""
    text = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Head:
    """The last link of a region's chain: its sequence number and digest (0, GENESIS: none)."""

    seq: int = 0
    digest: str = GENESIS

    @classmethod
    def from_item(cls, item: Mapping[str, Any] | None) -> Head:
        if not item:
            return cls()
        return cls(seq=int(item["seq"]["N"]), digest=item["digest"]["S"])


def read_head(dynamodb: Any, *, table: str, region: str, lane: int) -> Head:
    response = dynamodb.get_item(
        TableName=table,
        Key={"record_id": {"S": chain_key(region, lane)}, "event_id": {"S": AUDIT_CHAIN_HEAD}},
        ConsistentRead=True,
    )
    return Head.from_item(response.get("Item"))


def chained(entry: Mapping[str, Any], lane: int, head: Head) -> tuple[dict[str, Any], str]:
    """The entry bound to the place after ``head`` in ``lane``, and its digest."""
    bound = {
        **entry,
        "chain_lane": {"N": str(lane)},
        "chain_seq": {"N": str(head.seq + 1)},
        "chain_prev": {"S": head.digest},
    }
    return bound, entry_digest(bound)


def chain_puts(
    *, table: str, region: str, lane: int, entry: Mapping[str, Any], head: Head
) -> list[dict[str, Any]]:
    """The transaction items that append ``entry`` after ``head`` in ``lane``: the entry, its
    link, the new head (each conditional, so a writer that read an older head loses)."""
    bound, digest = chained(entry, lane, head)
    seq = head.seq + 1
    partition = {"S": chain_key(region, lane)}
    return [
        {
            "Put": {
                "TableName": table,
                "Item": bound,
                "ConditionExpression": "attribute_not_exists(event_id)",
            }
        },
        {
            "Put": {
                "TableName": table,
                "Item": {
                    "record_id": partition,
                    "event_id": {"S": seq_key(seq)},
                    "entry_record_id": entry["record_id"],
                    "entry_event_id": entry["event_id"],
                    "digest": {"S": digest},
                },
                "ConditionExpression": "attribute_not_exists(event_id)",
            }
        },
        {
            "Put": {
                "TableName": table,
                "Item": {
                    "record_id": partition,
                    "event_id": {"S": AUDIT_CHAIN_HEAD},
                    "seq": {"N": str(seq)},
                    "digest": {"S": digest},
                },
                "ConditionExpression": "attribute_not_exists(event_id) OR seq = :seen"
                if head.seq
                else "attribute_not_exists(event_id)",
                **(
                    {"ExpressionAttributeValues": {":seen": {"N": str(head.seq)}}}
                    if head.seq
                    else {}
                ),
            }
        },
    ]


def append(
    dynamodb: Any,
    *,
    table: str,
    region: str,
    entry: Mapping[str, Any],
    others: Sequence[Mapping[str, Any]] = (),
    sleep: Callable[[float], None] = time.sleep,
    pick: Callable[[int], int] | None = None,
) -> tuple[int, int]:
    """Write ``others`` (the access itself) and ``entry`` chained after the head of a lane
    (``pick`` chooses one per attempt, at random when left out), in one transaction; returns
    its lane and sequence number.

    Raises:
        ClientError: The transaction failed for a reason other than losing the head (the
            caller maps it; a failed condition of ``others`` is the caller's conflict).
        ChainBusy: Another writer of the region won every attempt.
    """
    pick = pick or random.randrange
    for attempt in range(APPEND_ATTEMPTS):
        lane = pick(LANES)
        head = read_head(dynamodb, table=table, region=region, lane=lane)
        puts = chain_puts(table=table, region=region, lane=lane, entry=entry, head=head)
        try:
            dynamodb.transact_write_items(TransactItems=[*others, *puts])
            return lane, head.seq + 1
        except ClientError as exc:
            if not _lost_the_head(exc, chain_from=len(others)):
                raise
        sleep(random.uniform(0, min(MAX_BACKOFF_SECONDS, 0.005 * 2**attempt)))
    raise ChainBusy(f"the audit chain of {region} stayed busy for {APPEND_ATTEMPTS} attempts")


def _lost_the_head(exc: ClientError, *, chain_from: int) -> bool:
    """Whether the only failed conditions are the chain's (another append took the place)."""
    if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons") or []]
    failed = {i for i, code in enumerate(reasons) if code not in ("None", "")}
    return bool(failed) and all(
        i > chain_from and reasons[i] in ("ConditionalCheckFailed", "TransactionConflict")
        for i in failed
    )


@dataclass(frozen=True)
class Finding:
    """One break in a chain.

    Attributes:
        lane: The lane it is in.
        seq: The sequence number where it is.
        problem: ``missing`` (an entry or a link is gone), ``rewritten`` (an entry no longer
            has the digest its link recorded), ``broken`` (an entry or link out of its
            place), ``anchor`` (the chain no longer holds what an earlier run saw).
        detail: What was found, for a person.
    """

    lane: int
    seq: int
    problem: str
    detail: str


@dataclass(frozen=True)
class Report:
    """What ``verify`` found in one region's chain.

    Attributes:
        region: The chain's region.
        length: Links walked, over every lane.
        heads: Each lane's head (by lane number): the anchor a later run can be given.
        findings: Every break; empty: the chain is whole.
    """

    region: str
    length: int
    heads: tuple[Head, ...]
    findings: tuple[Finding, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "length": self.length,
            "heads": [{"seq": h.seq, "digest": h.digest} for h in self.heads],
            "findings": [f.__dict__ for f in self.findings],
        }


def anchor_of(report: Mapping[str, Any]) -> dict[int, Head]:
    """The heads of an earlier report (``Report.as_dict``), as ``verify``'s anchor."""
    return {
        lane: Head(seq=int(h["seq"]), digest=str(h["digest"]))
        for lane, h in enumerate(report["heads"])
    }


def verify(
    dynamodb: Any, *, table: str, region: str, anchor: Mapping[int, Head] | None = None
) -> Report:
    """Walk every lane of ``region``'s chain from its first link: every link in sequence,
    every entry present with the digest its link recorded and bound to the link before; the
    head at the last link; and, given the heads an earlier run saw (``anchor``), each lane
    still holding its own."""
    findings: list[Finding] = []
    heads = []
    length = 0
    for lane in range(LANES):
        head, walked = _verify_lane(dynamodb, table=table, region=region, lane=lane, into=findings)
        heads.append(head)
        length += walked
        seen = (anchor or {}).get(lane)
        if seen is not None:
            findings.extend(
                _check_anchor(dynamodb, table=table, region=region, lane=lane, seen=seen)
            )
    return Report(region=region, length=length, heads=tuple(heads), findings=tuple(findings))


def _verify_lane(
    dynamodb: Any, *, table: str, region: str, lane: int, into: list[Finding]
) -> tuple[Head, int]:
    """The lane's head item and the number of links walked; breaks appended to ``into``."""
    previous, head_item, walked = Head(), None, 0
    for links in _link_pages(dynamodb, table=table, region=region, lane=lane):
        head_item = next((i for i in links if i["event_id"]["S"] == AUDIT_CHAIN_HEAD), head_item)
        links = [i for i in links if i["event_id"]["S"] != AUDIT_CHAIN_HEAD]
        entries = _entries(dynamodb, table=table, links=links)
        for link in links:
            previous = _check_link(lane, link, entries, previous, into)
            walked += 1
    head = Head.from_item(head_item)
    if head != previous:
        detail = f"the head is at {head.seq}, the links end at {previous.seq}"
        into.append(Finding(lane, previous.seq + 1, "missing", detail))
    return head, walked


def _check_link(
    lane: int,
    link: Mapping[str, Any],
    entries: Mapping[tuple[str, str], Mapping[str, Any]],
    previous: Head,
    findings: list[Finding],
) -> Head:
    seq = int(link["event_id"]["S"])
    if seq != previous.seq + 1:
        gone = f"links {previous.seq + 1}..{seq - 1} are gone"
        findings.append(Finding(lane, previous.seq + 1, "missing", gone))
    key = (link["entry_record_id"]["S"], link["entry_event_id"]["S"])
    digest = link["digest"]["S"]
    entry = entries.get(key)
    where = f"entry {key[0]}/{key[1]}"
    if entry is None:
        findings.append(Finding(lane, seq, "missing", f"{where} is gone"))
    elif entry_digest(entry) != digest:
        findings.append(Finding(lane, seq, "rewritten", f"{where} differs from what was appended"))
    elif (
        entry.get("chain_lane", {}).get("N") != str(lane)
        or entry.get("chain_seq", {}).get("N") != str(seq)
        or (seq == previous.seq + 1 and entry.get("chain_prev", {}).get("S") != previous.digest)
    ):
        findings.append(Finding(lane, seq, "broken", f"{where} is not bound to link {seq}"))
    return Head(seq=seq, digest=digest)


def _check_anchor(
    dynamodb: Any, *, table: str, region: str, lane: int, seen: Head
) -> Iterator[Finding]:
    if seen.seq == 0:
        return
    item = dynamodb.get_item(
        TableName=table,
        Key={"record_id": {"S": chain_key(region, lane)}, "event_id": {"S": seq_key(seen.seq)}},
        ConsistentRead=True,
    ).get("Item")
    if item is None:
        yield Finding(lane, seen.seq, "anchor", f"link {seen.seq}, seen before, is gone")
    elif item["digest"]["S"] != seen.digest:
        yield Finding(
            lane, seen.seq, "anchor", f"link {seen.seq} no longer has the digest seen before"
        )


def _link_pages(
    dynamodb: Any, *, table: str, region: str, lane: int
) -> Iterator[list[dict[str, Any]]]:
    """A lane's partition in order, a page at a time (consistent reads)."""
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "record_id = :chain",
        "ExpressionAttributeValues": {":chain": {"S": chain_key(region, lane)}},
        "ConsistentRead": True,
    }
    while True:
        page = dynamodb.query(**request)
        yield page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _entries(
    dynamodb: Any, *, table: str, links: Sequence[Mapping[str, Any]]
) -> dict[tuple[str, str], Mapping[str, Any]]:
    """The entries the links name, by key (consistent reads, retrying what is unprocessed)."""
    keys = list({(k["entry_record_id"]["S"], k["entry_event_id"]["S"]) for k in links})
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    for start in range(0, len(keys), BATCH_KEYS):
        request = {
            table: {
                "Keys": [
                    {"record_id": {"S": r}, "event_id": {"S": e}}
                    for r, e in keys[start : start + BATCH_KEYS]
                ],
                "ConsistentRead": True,
            }
        }
        while request:
            response = dynamodb.batch_get_item(RequestItems=request)
            for item in response.get("Responses", {}).get(table, []):
                found[(item["record_id"]["S"], item["event_id"]["S"])] = item
            request = response.get("UnprocessedKeys") or {}
            if request:  # throttled: DynamoDB asks for a back-off before the rest
                time.sleep(0.05)
    return found
