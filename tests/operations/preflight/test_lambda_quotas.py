"""The Lambda checks with injected clients: the quotas a new or busy account has, and failures."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from drkit.operations.preflight import Level
from drkit.operations.preflight.lambda_quotas import CONCURRENCY, MEMORY, check_lambda
from drkit.regions.naming import Namer
from drkit.regions.quotas import (
    CONCURRENCY_QUOTA_CODE,
    REDUCED_MEMORY_MB,
    UNRESERVED_CONCURRENCY_MINIMUM,
    LambdaDemand,
)
from tests.operations.preflight.support import FakeLambda

REGION = "us-east-1"
NAMER = Namer("test")
DEFAULT = LambdaDemand.of(reserved_concurrency=100, memory_mb=3072)


def _check(client: FakeLambda, demand: LambdaDemand = DEFAULT, **kwargs):
    return {f.check: f for f in check_lambda(client, REGION, demand, NAMER, **kwargs)}


def test_a_new_account_is_refused_with_the_quota_to_request():
    """10 concurrent executions (a new account): refused, asking for 227 and naming the quota."""
    found = _check(FakeLambda(quota=10))
    refusal = found[CONCURRENCY]
    assert refusal.level is Level.REFUSED
    assert "so 227 must be available and only 10 is" in refusal.message
    assert f"lambda {CONCURRENCY_QUOTA_CODE}) of at least 227 in us-east-1" in refusal.message
    assert "no lambda_reserved_concurrency fits until then" in refusal.message


def test_a_new_account_refuses_3072_mb_and_names_the_reported_cap():
    """Reduced concurrency means a reduced memory quota: 3,072 MB is refused, naming 3008."""
    refusal = _check(FakeLambda(quota=10))[MEMORY]
    assert refusal.level is Level.REFUSED
    assert "lambda_memory_mb=3072" in refusal.message
    assert f"set lambda_memory_mb to at most {REDUCED_MEMORY_MB}" in refusal.message
    assert "--lambda-memory-quota" in refusal.message


def test_memory_at_the_reported_cap_passes_on_a_new_account():
    """3,008 MB on a new account is within what such accounts report."""
    demand = LambdaDemand.of(reserved_concurrency=100, memory_mb=REDUCED_MEMORY_MB)
    assert _check(FakeLambda(quota=10), demand)[MEMORY].level is Level.OK


def test_a_confirmed_memory_quota_decides_instead():
    """--lambda-memory-quota: 10,240 confirmed passes 3,072; 2,048 confirmed refuses it."""
    assert _check(FakeLambda(quota=10), memory_quota_mb=10240)[MEMORY].level is Level.OK
    refusal = _check(FakeLambda(), memory_quota_mb=2048)[MEMORY]
    assert refusal.level is Level.REFUSED
    assert "set lambda_memory_mb to at most 2048" in refusal.message


def test_a_busy_account_names_the_largest_reservation_that_fits():
    """1,000 with 850 reserved by others: 150 unreserved, so the API may reserve at most 23
    (100 stay unreserved; the canary, the watcher, /health's function and the auditor hold 27)."""
    refusal = _check(FakeLambda(unreserved=150))[CONCURRENCY]
    assert refusal.level is Level.REFUSED
    assert "or set lambda_reserved_concurrency to at most 23." in refusal.message


def test_reservations_drkit_already_holds_are_available_again():
    """A re-deploy: 100 unreserved plus the 127 drkit holds is exactly enough."""
    held = {f.name(NAMER, REGION): f.reserved_concurrency for f in DEFAULT.functions}
    found = _check(FakeLambda(quota=227, unreserved=100, held=held))[CONCURRENCY]
    assert found.level is Level.OK
    assert "plus 127 that drkit's functions already hold" in found.message
    assert found.message.endswith(": 0 to spare.")


def test_an_unreadable_lambda_is_a_refusal_naming_the_permissions():
    """AccessDenied (or a region not enabled): one refusal naming what the preflight calls."""
    (refusal,) = check_lambda(FakeLambda(error="AccessDeniedException"), REGION, DEFAULT, NAMER)
    assert refusal.level is Level.REFUSED
    assert "lambda:GetAccountSettings" in refusal.message and "AccessDenied" in refusal.message


@given(
    quota=st.integers(0, 5000),
    taken=st.integers(0, 5000),
    held=st.integers(0, 905),
    reserved=st.integers(1, 900),
)
# Exactly the 100 + 6 + 100 needed, then one short (unreserved + held == needed, needed - 1).
@example(quota=1000, taken=794, held=0, reserved=100)
@example(quota=1000, taken=795, held=0, reserved=100)
@example(quota=1000, taken=894, held=100, reserved=100)
def test_refused_exactly_when_the_reservations_would_leave_less_than_100(
    quota, taken, held, reserved
):
    """Refused iff unreserved + held < what drkit reserves + 100; each change named then fits."""
    demand = LambdaDemand.of(reserved_concurrency=reserved, memory_mb=512)
    unreserved = max(0, quota - taken)
    api = demand.functions[0].name(NAMER, REGION)
    client = FakeLambda(quota=quota, unreserved=unreserved, held={api: held} if held else {})
    finding = _check(client, demand)[CONCURRENCY]
    short = unreserved + held < demand.reserved_concurrency + UNRESERVED_CONCURRENCY_MINIMUM
    assert (finding.level is Level.REFUSED) == short
    if short:
        largest = demand.largest_api_reservation(unreserved + held)
        if largest:
            smaller = LambdaDemand.of(reserved_concurrency=largest, memory_mb=512)
            assert _check(client, smaller)[CONCURRENCY].level is Level.OK


@pytest.mark.parametrize("quota", [999, 1000])
def test_memory_is_inferred_from_the_concurrency_quota(quota):
    """No memory quota given: 3,072 MB is refused below the 1,000 default and passes at it."""
    expected = Level.REFUSED if quota < 1000 else Level.OK
    assert _check(FakeLambda(quota=quota))[MEMORY].level is expected


def test_a_confirmed_memory_quota_equal_to_the_memory_passes():
    """--lambda-memory-quota 3072 for a 3,072 MB function passes; 3071 refuses it."""
    assert _check(FakeLambda(quota=10), memory_quota_mb=3072)[MEMORY].level is Level.OK
    assert _check(FakeLambda(quota=10), memory_quota_mb=3071)[MEMORY].level is Level.REFUSED


def test_memory_one_above_the_reported_cap_is_refused_on_a_new_account():
    """3,009 MB on a new account is past the 3,008 such accounts report."""
    demand = LambdaDemand.of(reserved_concurrency=100, memory_mb=REDUCED_MEMORY_MB + 1)
    assert _check(FakeLambda(quota=10), demand)[MEMORY].level is Level.REFUSED


@pytest.mark.parametrize("available, largest", [(127, 0), (128, 1)])
def test_the_largest_reservation_that_fits_leaves_exactly_100(available, largest):
    """With 127 available the canary, the watcher, /health's function and the auditor (27) and
    Lambda's 100 leave none for the API; with 128, one."""
    assert DEFAULT.largest_api_reservation(available) == largest
    refusal = _check(FakeLambda(unreserved=available))[CONCURRENCY]
    fits = f"at most {largest}." if largest else "no lambda_reserved_concurrency fits"
    assert fits in refusal.message
