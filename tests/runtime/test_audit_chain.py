"""drkit_runtime.chain and the auditor: every audited access is chained in its region, and the
verifier finds a rewritten, deleted or truncated entry, and nothing in a clean chain."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit_runtime import auditor, chain
from drkit_runtime.contract import AUDIT_CHAIN_BREAKS, AUDIT_NAMESPACE
from drkit_runtime.deps import Deps
from tests.runtime.support import AUDIT_TABLE, LOCAL, OTHER, FixedClock, get, put


def _verify(infra: SimpleNamespace, region: str = LOCAL, **kw: Any) -> chain.Report:
    return chain.verify(infra.dynamodb, table=AUDIT_TABLE, region=region, **kw)


@pytest.fixture(autouse=True)
def one_lane(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every append in lane 0, so a test knows each entry's place (the lanes are walked
    alike; test_lanes_spread_the_writers shows them used)."""
    monkeypatch.setattr(chain.random, "randrange", lambda n: 0)


def _accesses(deps: Deps, clock: FixedClock, count: int = 3) -> None:
    """Writes and reads, each a second apart: one chained entry each."""
    for i in range(count):
        clock.epoch_s += 1
        assert put(deps, f"rec-{i}", request_id=f"w{i}")[0] == 200
        clock.epoch_s += 1
        assert get(deps, f"rec-{i}", request_id=f"r{i}")[0] == 200


def _link(infra: SimpleNamespace, seq: int) -> dict[str, Any]:
    return infra.dynamodb.get_item(
        TableName=AUDIT_TABLE,
        Key={
            "record_id": {"S": chain.chain_key(LOCAL, 0)},
            "event_id": {"S": chain.seq_key(seq)},
        },
    )["Item"]


def _entry_key(link: dict[str, Any]) -> dict[str, Any]:
    return {"record_id": link["entry_record_id"], "event_id": link["entry_event_id"]}


def test_every_access_is_chained_in_order(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """Each write and read appends one link; each entry names the digest of the one before."""
    _accesses(deps, clock)
    report = _verify(infra)
    assert report.findings == () and report.length == 6 and report.heads[0].seq == 6
    previous = chain.GENESIS
    for seq in range(1, 7):
        link = _link(infra, seq)
        entry = infra.dynamodb.get_item(TableName=AUDIT_TABLE, Key=_entry_key(link))["Item"]
        assert entry["chain_seq"]["N"] == str(seq) and entry["chain_prev"]["S"] == previous
        assert entry["chain_lane"]["N"] == "0"
        assert chain.entry_digest(entry) == link["digest"]["S"]
        previous = link["digest"]["S"]
    assert report.heads[0].digest == previous


def test_a_clean_chain_and_an_empty_one_have_no_findings(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """Nothing is found in a region with no entries, nor in another region's empty chain."""
    assert _verify(infra).findings == ()
    _accesses(deps, clock, count=1)
    assert _verify(infra).findings == ()
    empty = chain.Report(region=OTHER, length=0, heads=(chain.Head(),) * chain.LANES)
    assert _verify(infra, region=OTHER) == empty


def test_a_rewritten_entry_is_found(deps: Deps, infra: SimpleNamespace, clock: FixedClock) -> None:
    """An entry put over with other content (as the API role could) is reported at its place."""
    _accesses(deps, clock)
    key = _entry_key(_link(infra, 3))
    entry = infra.dynamodb.get_item(TableName=AUDIT_TABLE, Key=key)["Item"]
    infra.dynamodb.put_item(TableName=AUDIT_TABLE, Item={**entry, "outcome": {"S": "not_found"}})
    [finding] = _verify(infra).findings
    assert (finding.seq, finding.problem) == (3, "rewritten")


def test_a_deleted_entry_is_found(deps: Deps, infra: SimpleNamespace, clock: FixedClock) -> None:
    """An entry deleted from the table is reported missing at its place."""
    _accesses(deps, clock)
    infra.dynamodb.delete_item(TableName=AUDIT_TABLE, Key=_entry_key(_link(infra, 2)))
    [finding] = _verify(infra).findings
    assert (finding.seq, finding.problem) == (2, "missing")


def test_an_entry_deleted_with_its_link_is_found(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """Deleting the link too leaves a gap in the sequence; deleting the last leaves the head
    ahead of the links."""
    _accesses(deps, clock)
    for seq in (4, 6):
        link = _link(infra, seq)
        infra.dynamodb.delete_item(TableName=AUDIT_TABLE, Key=_entry_key(link))
        infra.dynamodb.delete_item(
            TableName=AUDIT_TABLE,
            Key={"record_id": link["record_id"], "event_id": link["event_id"]},
        )
    findings = _verify(infra).findings
    assert [(f.seq, f.problem) for f in findings] == [(4, "missing"), (6, "missing")]


def test_a_rechained_tail_is_found_against_an_anchor(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """Someone who rewrites an entry and recomputes every link after it leaves a whole chain;
    the head an earlier run saw (its anchor) no longer matches."""
    _accesses(deps, clock, count=2)
    earlier = _verify(infra)
    anchor = earlier.heads[0]
    key = _entry_key(_link(infra, 1))
    entry = infra.dynamodb.get_item(TableName=AUDIT_TABLE, Key=key)["Item"]
    previous = chain.GENESIS
    for seq in range(1, anchor.seq + 1):
        link = _link(infra, seq)
        entry = infra.dynamodb.get_item(TableName=AUDIT_TABLE, Key=_entry_key(link))["Item"]
        if seq == 1:
            entry["outcome"] = {"S": "not_found"}
        entry["chain_prev"] = {"S": previous}
        previous = chain.entry_digest(entry)
        infra.dynamodb.put_item(TableName=AUDIT_TABLE, Item=entry)
        infra.dynamodb.put_item(TableName=AUDIT_TABLE, Item={**link, "digest": {"S": previous}})
    head = chain.Head(seq=anchor.seq, digest=previous)
    infra.dynamodb.put_item(
        TableName=AUDIT_TABLE,
        Item={
            "record_id": {"S": chain.chain_key(LOCAL, 0)},
            "event_id": {"S": "head"},
            "seq": {"N": str(head.seq)},
            "digest": {"S": head.digest},
        },
    )
    assert _verify(infra).findings == ()
    [finding] = _verify(infra, anchor=chain.anchor_of(earlier.as_dict())).findings
    assert (finding.lane, finding.seq, finding.problem) == (0, anchor.seq, "anchor")


def test_two_writers_of_a_region_take_turns(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """A writer that read the head before another appended loses its transaction and appends
    after it, instead of forking the chain."""
    _accesses(deps, clock, count=1)
    stale = chain.read_head(infra.dynamodb, table=AUDIT_TABLE, region=LOCAL, lane=0)
    clock.epoch_s += 1
    assert put(deps, "rec-x", request_id="wx")[0] == 200
    entry = {"record_id": {"S": "rec-y"}, "event_id": {"S": "e#late"}, "action": {"S": "t"}}
    with pytest.raises(ClientError) as lost:
        infra.dynamodb.transact_write_items(
            TransactItems=chain.chain_puts(
                table=AUDIT_TABLE, region=LOCAL, lane=0, entry=entry, head=stale
            )
        )
    assert chain._lost_the_head(lost.value, chain_from=0)
    place = chain.append(
        infra.dynamodb, table=AUDIT_TABLE, region=LOCAL, entry=entry, sleep=lambda _: None
    )
    assert place == (0, stale.seq + 2) and _verify(infra).findings == ()


def test_lanes_spread_the_writers(deps: Deps, infra: SimpleNamespace, clock: FixedClock) -> None:
    """Appends land in the lane each attempt picks, and every lane is verified."""
    lanes = iter([3, 3, 7, chain.LANES - 1])
    for i, lane in enumerate(lanes):
        entry = {"record_id": {"S": f"rec-{i}"}, "event_id": {"S": f"e#{i}"}}
        place = chain.append(
            infra.dynamodb,
            table=AUDIT_TABLE,
            region=LOCAL,
            entry=entry,
            pick=lambda n, chosen=lane: chosen,
        )
        assert place[0] == lane
    report = _verify(infra)
    assert report.findings == () and report.length == 4
    assert [h.seq for h in report.heads if h.seq] == [2, 1, 1]


def test_the_auditor_publishes_its_findings(
    deps: Deps, infra: SimpleNamespace, clock: FixedClock
) -> None:
    """The scheduled run publishes 0 breaks for a whole chain and 1 after a rewrite."""
    _accesses(deps, clock, count=1)
    assert auditor.handle(deps)["findings"] == []
    key = _entry_key(_link(infra, 1))
    entry = infra.dynamodb.get_item(TableName=AUDIT_TABLE, Key=key)["Item"]
    infra.dynamodb.put_item(TableName=AUDIT_TABLE, Item={**entry, "actor": {"S": "someone"}})
    clock.epoch_s += 60
    assert [f["problem"] for f in auditor.handle(deps)["findings"]] == ["rewritten"]
    stats = infra.cloudwatch.get_metric_statistics(
        Namespace=AUDIT_NAMESPACE,
        MetricName=AUDIT_CHAIN_BREAKS,
        Dimensions=[{"Name": "Region", "Value": LOCAL}],
        StartTime=clock.epoch_s - 600,
        EndTime=clock.epoch_s + 60,
        Period=60,
        Statistics=["Maximum"],
    )
    assert sorted(p["Maximum"] for p in stats["Datapoints"]) == [0.0, 1.0]
