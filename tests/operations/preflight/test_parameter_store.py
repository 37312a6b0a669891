"""The Parameter Store check with injected clients: asked only by a spec that counts on higher
throughput, refused where the account does not have it."""

from __future__ import annotations

import attrs

from drkit.operations.preflight import Level, run_preflight
from drkit.operations.preflight.parameter_store import THROUGHPUT, check_parameter_store
from drkit.regions.parameter_store import HIGH_THROUGHPUT_SETTING_ID
from tests.operations.preflight.support import FakeSsm, lookup_of


def test_higher_throughput_on_passes_and_says_what_health_reads():
    found = check_parameter_store(
        FakeSsm(high_throughput="true"), "us-east-1", reserved_concurrency=400
    )
    assert found.level is Level.OK and "at most 4 times a second" in found.message


def test_standard_throughput_is_refused_naming_the_setting_and_the_fallback():
    """Above 199 the spec counts on higher throughput: refused where it is off, naming the
    setting, the reservation that fits, and what /health itself reads (its own function's)."""
    found = check_parameter_store(FakeSsm(), "us-east-1", reserved_concurrency=400)
    assert found.level is Level.REFUSED
    assert f"{HIGH_THROUGHPUT_SETTING_ID} is 'false'" in found.message
    assert "(here 400)" in found.message and "at most 4 times a second" in found.message
    assert "lambda_reserved_concurrency to at most 199" in found.message


def test_an_unreadable_setting_is_refused_naming_the_permission():
    found = check_parameter_store(
        FakeSsm(error="AccessDeniedException"), "us-east-1", reserved_concurrency=400
    )
    assert found.level is Level.REFUSED
    assert "AccessDeniedException" in found.message and "ssm:GetServiceSetting" in found.message


def test_only_a_spec_that_counts_on_higher_throughput_reads_it(aws, spec):
    """Without the flag no region's setting is read; with it, each region's is, and a region
    without higher throughput is refused."""
    ssm = {r.region: FakeSsm() for r in spec.regions}
    ssm[spec.primary.region] = FakeSsm(high_throughput="true")

    def clients(service, region):
        return ssm[region] if service == "ssm" else aws.client(service, region)

    report = run_preflight(spec, clients, lookup=lookup_of({}))
    assert all(not s.reads for s in ssm.values())
    assert THROUGHPUT not in {f.check for f in report.findings}

    big = attrs.evolve(spec, lambda_reserved_concurrency=400, parameter_store_high_throughput=True)
    report = run_preflight(big, clients, lookup=lookup_of({}))
    levels = {f.subject: f.level for f in report.findings if f.check == THROUGHPUT}
    assert levels == {spec.primary.region: Level.OK, spec.secondaries[0].region: Level.REFUSED}
    assert all(s.reads == [HIGH_THROUGHPUT_SETTING_ID] for s in ssm.values())
    assert not report.passed
