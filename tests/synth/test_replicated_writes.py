"""Each region's records function hears of the writes replicated into its patient replica,
and only of those: the stream mapping, its target and its filter."""

from __future__ import annotations

import json

import pytest

from drkit.regions import names
from tests.helpers import region_of, resources
from tests.synth.stack_json import matches

pytestmark = pytest.mark.synth


def _mappings_to_the_api(spec, stack):
    found = {}
    for mapping in resources(stack, "aws_lambda_event_source_mapping").values():
        region = region_of(stack, mapping)
        api = names.FUNCTIONS["api"].function(spec.namer, region)
        if f":function:{api}:" in mapping["function_name"]:
            found[region] = mapping
    return found


def _record(*, made_in: str, event: str = "MODIFY", record_id: str = "rec-1") -> dict:
    image = {"record_id": {"S": record_id}, "updated_in_region": {"S": made_in}}
    return {"eventName": event, "dynamodb": {"NewImage": image}}


def test_every_region_feeds_its_replicated_writes_to_its_records_function(case):
    """One mapping per region, from that region's patient replica to its records alias, the
    alias named by ARN (the function is the regional stack's)."""
    spec, stack = case
    mappings = _mappings_to_the_api(spec, stack)
    assert sorted(mappings) == sorted(r.region for r in spec.regions)
    for mapping in mappings.values():
        assert mapping["function_name"].endswith(f":{names.FUNCTION_ALIAS}")
        assert "patient_records" in mapping["event_source_arn"], mapping["event_source_arn"]


def test_the_filter_passes_a_write_made_elsewhere_and_nothing_else(case):
    """A MODIFY of a record made in another region passes; one made here, an INSERT, and
    drkit's own items (no ``updated_in_region``) do not."""
    spec, stack = case
    for region, mapping in _mappings_to_the_api(spec, stack).items():
        [pattern] = [json.loads(f["pattern"]) for f in mapping["filter_criteria"]["filter"]]
        for other in (r.region for r in spec.regions if r.region != region):
            assert matches(pattern, _record(made_in=other))
            assert not matches(pattern, _record(made_in=other, event="INSERT"))
        assert not matches(pattern, _record(made_in=region))
        heartbeat = {"eventName": "MODIFY", "dynamodb": {"NewImage": {"record_id": {"S": "x"}}}}
        assert not matches(pattern, heartbeat)
