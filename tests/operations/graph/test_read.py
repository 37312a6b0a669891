"""Reading the merged stacks: what the reader refuses and what it resolves, on small
hand-written documents (no synthesis).
"""

from __future__ import annotations

from typing import Any

import pytest

from drkit.operations.graph import StackReadError, draw, from_merged

ARN = "arn:${data.aws_partition.partition.partition}:s3:::"


def _document(resource: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "provider": {
            "aws": [
                {"alias": "use1", "region": "us-east-1"},
                {"alias": "usw2", "region": "us-west-2"},
            ]
        },
        "resource": resource,
    }


def _bucket(name: str, provider: str, stack: str) -> dict[str, Any]:
    return {"bucket": name, "provider": provider, "//stack": stack}


def _buckets() -> dict[str, Any]:
    return {
        "a": _bucket("s3-data-use1-x", "aws.use1", "drkit-use1"),
        "b": _bucket("s3-data-usw2-x", "aws.usw2", "drkit-usw2"),
    }


def _replication(source: str, target: str) -> dict[str, Any]:
    return {
        "provider": "aws.use1",
        "bucket": source,
        "rule": [{"destination": {"bucket": target}}],
        "//stack": "drkit-links",
    }


def test_a_resource_without_its_stack_is_refused():
    """A document that was not merged (no ``//stack``) is refused naming the resource."""
    document = _document(
        {"aws_vpc": {"net": {"provider": "aws.use1", "cidr_block": "10.0.0.0/16"}}}
    )
    with pytest.raises(StackReadError, match=r"aws_vpc\.net: no '//stack'"):
        from_merged(document)


@pytest.mark.parametrize(
    "source",
    ["${aws_s3_bucket.a.id}", "s3-data-use1-x", f"{ARN}s3-data-use1-x"],
    ids=["reference", "name", "arn"],
)
def test_a_bucket_is_found_by_reference_name_or_arn(source):
    """A replication rule's buckets resolve to the same buckets (and regions) however named."""
    document = _document(
        {
            "aws_s3_bucket": _buckets(),
            "aws_s3_bucket_replication_configuration": {
                "r": _replication(source, f"{ARN}s3-data-usw2-x")
            },
        }
    )
    (replication,) = from_merged(document).replications
    assert (replication.source, replication.source_region) == ("s3-data-use1-x", "us-east-1")
    assert (replication.target, replication.target_region) == ("s3-data-usw2-x", "us-west-2")
    assert replication.stack == "drkit-links"


def test_a_replication_to_a_bucket_of_no_stack_is_refused():
    """A rule whose destination no stack makes is refused naming the rule and the ARN."""
    document = _document(
        {
            "aws_s3_bucket": _buckets(),
            "aws_s3_bucket_replication_configuration": {
                "r": _replication("s3-data-use1-x", f"{ARN}s3-gone")
            },
        }
    )
    with pytest.raises(StackReadError, match=r"configuration\.r: .*s3-gone.* is no bucket"):
        from_merged(document)


def test_records_in_a_zone_no_stack_makes_name_its_id():
    """Weighted records in a zone given by id: the entry says the zone is an existing one."""
    document = _document(
        {
            "aws_apigatewayv2_domain_name": {
                "d": {"provider": "aws.usw2", "domain_name": "api.ex.com", "//stack": "drkit-usw2"}
            },
            "aws_route53_record": {
                "r": {
                    "provider": "aws.use1",
                    "name": "api.ex.com",
                    "zone_id": "Z0123456789",
                    "alias": {"name": "${aws_apigatewayv2_domain_name.d.domain_name}"},
                    "weighted_routing_policy": {"weight": 100},
                    "//stack": "drkit-routing",
                }
            },
        }
    )
    drawing = draw(from_merged(document))
    assert drawing.entry.label == (
        "api.ex.com<br/>drkit-routing's weighted records<br/>in the existing zone Z0123456789"
    )
    (edge,) = drawing.edges
    assert (edge.target, edge.label) == ("usw2_api", "weight 100<br/>NO HEALTH CHECK")
