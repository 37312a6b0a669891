"""Network: private subnets, closed defaults, flow logs and the VPC endpoints the code needs."""

from __future__ import annotations

import pytest

from drkit.services.vpc import Network, NetworkProps
from tests.constructs.conftest import ROLE_ARN
from tests.helpers import only, resources

pytestmark = pytest.mark.synth


def test_network_is_private_with_closed_defaults(h):
    """No public IPs or gateways, a closed default group, HTTPS-only ingress, all flows logged."""
    key = h.key()
    Network(
        h.stack,
        "net",
        props=NetworkProps(
            placement=h["us-east-1"],
            region_spec=h.spec.primary,
            key=key,
            flow_logs_role_arn=ROLE_ARN,
            own_services=("dynamodb", "monitoring", "s3", "ssm"),
            peer_services=("dynamodb",),
        ),
    )
    out = h.synth()
    assert len(resources(out, "aws_subnet")) == 2
    assert all(s["map_public_ip_on_launch"] is False for s in resources(out, "aws_subnet").values())
    default = only(out, "aws_default_security_group")
    assert "ingress" not in default and "egress" not in default
    assert not resources(out, "aws_internet_gateway") and not resources(out, "aws_nat_gateway")
    for rule in resources(out, "aws_vpc_security_group_ingress_rule").values():
        assert rule.get("cidr_ipv4") != "0.0.0.0/0" and rule["from_port"] == rule["to_port"] == 443
    flow = only(out, "aws_flow_log")
    assert flow["traffic_type"] == "ALL" and flow["log_destination_type"] == "cloud-watch-logs"
    assert flow["iam_role_arn"] == ROLE_ARN  # the IAM stack's role, named by ARN
    endpoints = sorted(
        (e["service_name"].rsplit(".", 1)[1], e["vpc_endpoint_type"], e.get("private_dns_enabled"))
        for e in resources(out, "aws_vpc_endpoint").values()
    )
    # The own region's services by gateway or private DNS; the peers' DynamoDB by its own name.
    assert endpoints == [
        ("dynamodb", "Gateway", None),
        ("dynamodb", "Interface", False),
        ("monitoring", "Interface", True),
        ("s3", "Gateway", None),
        ("ssm", "Interface", True),
    ]


def test_network_refuses_a_spec_of_another_region(h):
    """A region spec of another region than the placement's is refused."""
    with pytest.raises(ValueError):
        NetworkProps(
            placement=h["us-west-2"],
            region_spec=h.spec.primary,
            key=h.key(),
            flow_logs_role_arn=ROLE_ARN,
        )
