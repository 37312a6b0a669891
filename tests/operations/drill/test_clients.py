"""The drill's boto3 clients: one per (service, region), sent to an endpoint when given."""

from __future__ import annotations

from drkit.operations.drill.clients import boto3_clients


def test_clients_are_made_once_and_point_at_the_endpoint():
    """The same (service, region) gives the same client; another region a new one."""
    clients = boto3_clients(endpoint_url="http://127.0.0.1:5999")
    ssm = clients("ssm", "us-west-2")
    assert clients("ssm", "us-west-2") is ssm
    assert clients("ssm", "eu-west-1") is not ssm
    assert ssm.meta.endpoint_url == "http://127.0.0.1:5999"
    assert ssm.meta.region_name == "us-west-2"
    assert ssm.meta.config.retries["mode"] == "standard"
