"""The Lambda demand drkit preflight checks is exactly what the synthesized stack deploys."""

from __future__ import annotations

import pytest

from drkit.regions.quotas import LambdaDemand
from tests.helpers import region_of, resources

pytestmark = pytest.mark.synth


def test_every_synthesized_function_is_in_the_demand_with_its_numbers(case):
    """Per region: the functions, their reserved concurrency and memory are the model's."""
    spec, stack = case
    demand = LambdaDemand.of(
        reserved_concurrency=spec.lambda_reserved_concurrency, memory_mb=spec.lambda_memory_mb
    )
    deployed = {
        (region_of(stack, body), body["function_name"]): (
            body["reserved_concurrent_executions"],
            body["memory_size"],
        )
        for body in resources(stack, "aws_lambda_function").values()
    }
    expected = {
        (r.region, f.name(spec.namer, r.region)): (f.reserved_concurrency, f.memory_mb)
        for r in spec.regions
        for f in demand.functions
    }
    assert deployed == expected
