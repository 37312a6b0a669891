"""The spec against Parameter Store's throughput: /health's drain-switch reads (parameter_store)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from drkit.errors import SpecError
from drkit.regions.parameter_store import (
    GET_PARAMETER_DEFAULT_TPS,
    LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT,
    drain_reads_per_second,
)
from drkit.regions.spec import DeploymentSpec
from drkit_runtime.contract import HEALTH_CACHE_SECONDS


def test_the_largest_reservation_is_the_last_below_the_standard_throughput():
    """199 containers read at most 39.8 times a second; 200 would take all 40."""
    top = LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT
    assert drain_reads_per_second(containers=top) < GET_PARAMETER_DEFAULT_TPS
    assert drain_reads_per_second(containers=top + 1) >= GET_PARAMETER_DEFAULT_TPS


@given(st.integers(1, 2000), st.integers(1, 500))
def test_reads_are_one_per_container_per_interval_and_never_above_the_route_limit(n, limit):
    reads = drain_reads_per_second(containers=n, health_rate_limit=limit)
    assert reads == min(n / HEALTH_CACHE_SECONDS, limit)


@given(st.integers(1, 900), st.booleans())
@example(LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT, False)
@example(LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT + 1, False)
@example(LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT + 1, True)
def test_spec_refuses_exactly_the_reservations_standard_throughput_cannot_take(n, high):
    """Above 199 reserved, a spec builds only with parameter_store_high_throughput; the error
    names the field and the largest value allowed."""
    fields = {"lambda_reserved_concurrency": n, "parameter_store_high_throughput": high}
    if n <= LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT or high:
        assert DeploymentSpec.default(**fields).lambda_reserved_concurrency == n
        return
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.default(**fields)
    assert caught.value.field == "lambda_reserved_concurrency"
    assert "at most 199" in str(caught.value)
    assert "parameter_store_high_throughput = true" in str(caught.value)


def test_a_layout_file_turns_higher_throughput_on(tmp_path):
    layout = tmp_path / "big.toml"
    layout.write_text(
        "lambda_reserved_concurrency = 400\nparameter_store_high_throughput = true\n"
        '[[regions]]\nregion = "us-east-1"\nrole = "primary"\nweight = 70\n'
        'cidr = "10.0.0.0/16"\n'
        '[[regions]]\nregion = "us-west-2"\nrole = "secondary"\nweight = 30\n'
        'cidr = "10.1.0.0/16"\n'
    )
    spec = DeploymentSpec.from_toml(layout)
    assert (spec.lambda_reserved_concurrency, spec.parameter_store_high_throughput) == (400, True)


def test_the_largest_reservation_on_standard_throughput_builds_and_one_more_does_not():
    """199 reserved builds on standard throughput; 200 is refused, naming the field."""
    top = LARGEST_RESERVATION_ON_STANDARD_THROUGHPUT
    assert top == 199
    spec = DeploymentSpec.default(lambda_reserved_concurrency=top)
    assert spec.lambda_reserved_concurrency == top
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.default(lambda_reserved_concurrency=top + 1)
    assert caught.value.field == "lambda_reserved_concurrency"
