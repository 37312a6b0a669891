"""drkit.operations.audit (`drkit audit`): every region's chain verified in its own region,
a break named with its place, an earlier report's heads as the anchor, bad input refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from drkit.errors import SpecError
from drkit.operations.audit import audit, read_anchor
from drkit.regions import names
from drkit.regions.spec import DeploymentSpec
from drkit_runtime import chain
from drkit_runtime.contract import AUDIT_LOGS
from tests.runtime.support import create_audit_table

SPEC = DeploymentSpec.default()
TABLE = names.TABLES[AUDIT_LOGS](SPEC.namer)
REGIONS = [r.region for r in SPEC.regions]


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Each region's audit table in an in-process moto account, and a client factory."""
    for name, value in {"AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        made = {r: boto3.client("dynamodb", region_name=r) for r in REGIONS}
        for client in made.values():
            create_audit_table(client, TABLE)
        yield lambda service, region: made[region]


def _append(clients: Any, region: str, n: int) -> None:
    for i in range(n):
        entry = {"record_id": {"S": f"rec-{i}"}, "event_id": {"S": f"e#{region}#{i}"}}
        chain.append(clients("dynamodb", region), table=TABLE, region=region, entry=entry)


def test_every_region_is_verified_and_a_break_named_where_it_is(clients: Any) -> None:
    """Whole chains report whole; an entry rewritten in one region is that region's break."""
    for region in REGIONS:
        _append(clients, region, 3)
    report = audit(SPEC, clients)
    assert report.whole and [r.region for r in report.reports] == REGIONS
    assert "us-east-1: 3 entries" in report.render()
    west = clients("dynamodb", "us-west-2")
    item = west.get_item(
        TableName=TABLE, Key={"record_id": {"S": "rec-1"}, "event_id": {"S": "e#us-west-2#1"}}
    )["Item"]
    west.put_item(TableName=TABLE, Item={**item, "action": {"S": "nothing"}})
    report = audit(SPEC, clients)
    assert not report.whole
    assert [bool(r.findings) for r in report.reports] == [False, True]
    assert "rewritten" in report.render() and "1 break(s)" in report.render()


def test_an_earlier_report_is_the_anchor(clients: Any, tmp_path: Path) -> None:
    """`--json` today, `--anchor` later: a lane re-chained since is found."""
    _append(clients, "us-east-1", 2)
    saved = tmp_path / "heads.json"
    saved.write_text(json.dumps(audit(SPEC, clients, regions=["us-east-1"]).to_json()))
    anchors = read_anchor(saved)
    assert audit(SPEC, clients, regions=["us-east-1"], anchors=anchors).whole
    east = clients("dynamodb", "us-east-1")
    head = next(lane for lane, h in anchors["us-east-1"].items() if h.seq)
    key = {
        "record_id": {"S": chain.chain_key("us-east-1", head)},
        "event_id": {"S": chain.seq_key(anchors["us-east-1"][head].seq)},
    }
    link = east.get_item(TableName=TABLE, Key=key)["Item"]
    east.put_item(TableName=TABLE, Item={**link, "digest": {"S": "f" * 64}})
    found = audit(SPEC, clients, regions=["us-east-1"], anchors=anchors).reports[0].findings
    assert "anchor" in {f.problem for f in found}


def test_bad_input_is_refused_naming_it(clients: Any, tmp_path: Path) -> None:
    """A region outside the layout, an anchor that is no report."""
    with pytest.raises(SpecError, match="--region"):
        audit(SPEC, clients, regions=["eu-west-1"])
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]")
    with pytest.raises(SpecError, match="--anchor"):
        read_anchor(junk)
