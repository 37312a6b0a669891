"""The preflight against the emulator: moto's Lambda (with drkit's GetAccountSettings), Route 53
and STS answer as an account would; DNS is injected, since the emulator serves none."""

from __future__ import annotations

import uuid

import attrs

from drkit.operations.preflight import Level, run_preflight
from drkit.operations.preflight.parameter_store import THROUGHPUT
from drkit.regions.parameter_store import HIGH_THROUGHPUT_SETTING_ID
from drkit.regions.quotas import LambdaDemand
from drkit_emulator.runner import Emulator
from tests.emulator.lambda_support import lambda_role, zipped_handler
from tests.operations.preflight.conftest import PRIMARY, SECONDARY
from tests.operations.preflight.support import lookup_of


def _levels(report, check: str) -> dict[str, Level]:
    return {f.subject: f.level for f in report.findings if f.check == check}


def _zone(aws: Emulator, name: str, *, private: bool = False) -> tuple[str, frozenset[str]]:
    """A hosted zone in the emulator: its id and name servers."""
    route53 = aws.client("route53", "us-east-1")
    extra = (
        {
            "VPC": {"VPCRegion": "us-east-1", "VPCId": _vpc(aws)},
            "HostedZoneConfig": {"PrivateZone": True},
        }
        if private
        else {}
    )
    zone = route53.create_hosted_zone(Name=name, CallerReference=str(uuid.uuid4()), **extra)
    servers = zone.get("DelegationSet", {}).get("NameServers", [])
    return zone["HostedZone"]["Id"].removeprefix("/hostedzone/"), frozenset(
        s.lower().rstrip(".") for s in servers
    )


def _vpc(aws: Emulator) -> str:
    return aws.client("ec2", "us-east-1").create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]


def test_a_fresh_account_passes_every_lambda_check(aws, spec):
    """Default quotas (1,000 per region): both regions' concurrency and memory are OK."""
    report = run_preflight(spec, aws.client, lookup=None)
    assert report.account == "123456789012"
    assert _levels(report, "Lambda concurrency") == {PRIMARY: Level.OK, SECONDARY: Level.OK}
    assert _levels(report, "Lambda memory") == {PRIMARY: Level.OK, SECONDARY: Level.OK}
    assert report.passed


def test_what_drkits_functions_already_hold_counts_as_available(aws, spec):
    """A re-deploy: the region reads 127 fewer unreserved, and the preflight gives them back."""
    demand = LambdaDemand.of(
        reserved_concurrency=spec.lambda_reserved_concurrency, memory_mb=spec.lambda_memory_mb
    )
    client = aws.client("lambda", PRIMARY)
    before = client.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]
    role = lambda_role(aws, f"preflight-{uuid.uuid4().hex[:8]}")
    for function in demand.functions:
        name = function.name(spec.namer, PRIMARY)
        client.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": zipped_handler()},
        )
        client.put_function_concurrency(
            FunctionName=name, ReservedConcurrentExecutions=function.reserved_concurrency
        )
    report = run_preflight(spec, aws.client, lookup=None)
    (primary,) = [
        f for f in report.findings if f.subject == PRIMARY and f.check == "Lambda concurrency"
    ]
    assert primary.level is Level.OK
    assert f"{before - 127} unreserved (plus 127 that drkit's functions already hold)" in (
        primary.message
    )


def test_higher_throughput_is_read_from_the_emulated_account(aws, spec):
    """A layout counting on Parameter Store's higher throughput: refused where the account
    has the default (off), passed once the setting is on there."""
    big = attrs.evolve(spec, lambda_reserved_concurrency=400, parameter_store_high_throughput=True)
    assert _levels(run_preflight(big, aws.client, lookup=None), THROUGHPUT) == {
        PRIMARY: Level.REFUSED,
        SECONDARY: Level.REFUSED,
    }
    ssm = aws.client("ssm", PRIMARY)
    ssm.update_service_setting(SettingId=HIGH_THROUGHPUT_SETTING_ID, SettingValue="true")
    try:
        levels = _levels(run_preflight(big, aws.client, lookup=None), THROUGHPUT)
    finally:
        ssm.reset_service_setting(SettingId=HIGH_THROUGHPUT_SETTING_ID)
    assert levels == {PRIMARY: Level.OK, SECONDARY: Level.REFUSED}


def test_an_existing_zone_delegated_to_it_passes(aws, spec):
    """existing_zone_id of the zone, and public NS records naming its name servers: OK."""
    zone_id, servers = _zone(aws, spec.dns_zone_name)
    spec = attrs.evolve(spec, existing_zone_id=zone_id)
    report = run_preflight(spec, aws.client, lookup=lookup_of({spec.dns_zone_name: servers}))
    assert _levels(report, "delegation") == {spec.dns_zone_name: Level.OK}
    assert report.passed


def test_an_existing_zone_not_delegated_is_refused(aws, spec):
    """The zone exists but the parent does not delegate to it: refused, naming its servers."""
    zone_id, servers = _zone(aws, spec.dns_zone_name)
    spec = attrs.evolve(spec, existing_zone_id=zone_id)
    report = run_preflight(spec, aws.client, lookup=lookup_of({}))
    (refusal,) = report.refusals
    assert refusal.check == "delegation" and "not delegated at all" in refusal.message
    assert all(server in refusal.message for server in servers)


def test_a_missing_private_or_misnamed_zone_is_refused(aws, spec):
    """An id that is no zone, a private zone, a zone of another name: one refusal each."""
    private_id, _ = _zone(aws, spec.dns_zone_name, private=True)
    other_id, _ = _zone(aws, f"other-{spec.dns_zone_name}")
    for zone_id, says in (
        ("Z0000000000000NONE", "is no hosted zone of this account"),
        (private_id, "is a private zone"),
        (other_id, f"is the zone of other-{spec.dns_zone_name}, not of dns_zone_name"),
    ):
        report = run_preflight(
            attrs.evolve(spec, existing_zone_id=zone_id), aws.client, lookup=lookup_of({})
        )
        assert [f.check for f in report.refusals] == ["hosted zone"], says
        assert says in report.refusals[0].message


def test_a_created_zone_that_would_shadow_the_delegated_one_is_refused(aws, spec):
    """No existing_zone_id while the domain is delegated to a zone of this account: refused."""
    zone_id, servers = _zone(aws, spec.dns_zone_name)
    report = run_preflight(spec, aws.client, lookup=lookup_of({spec.dns_zone_name: servers}))
    (refusal,) = report.refusals
    assert f'set existing_zone_id = "{zone_id}"' in refusal.message
