"""Run every preflight check of a layout against one account; read only."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from drkit.operations.budget.inputs import region_labels
from drkit.operations.drill.clients import ClientFactory
from drkit.operations.preflight.delegation import NameServerLookup
from drkit.operations.preflight.findings import Finding, PreflightReport, refused
from drkit.operations.preflight.lambda_quotas import check_lambda
from drkit.operations.preflight.parameter_store import check_parameter_store
from drkit.operations.preflight.zone import check_zone
from drkit.regions.quotas import LambdaDemand
from drkit.regions.spec import DeploymentSpec

#: Route 53 and STS are global; their calls go to this region's endpoint.
GLOBAL_REGION = "us-east-1"


def run_preflight(
    spec: DeploymentSpec,
    clients: ClientFactory,
    *,
    lookup: NameServerLookup | None,
    memory_quota_mb: int | None = None,
    source: str = "",
) -> PreflightReport:
    """Check the account behind ``clients`` for ``spec``; nothing is written.

    Args:
        spec: The layout to deploy.
        clients: ``(service, region) -> boto3 client``.
        lookup: Public name-server lookup; None skips it (an emulator serves no DNS).
        memory_quota_mb: The Lambda memory quota AWS confirmed for the account,
            if any (no API reads it).
        source: Where the spec came from, for the title.
    """
    findings: list[Finding] = []
    account = _account(clients, findings)
    if account is not None:
        for region in spec.regions:
            reserved = spec.reserved_concurrency(region.region)
            demand = LambdaDemand.of(reserved_concurrency=reserved, memory_mb=spec.lambda_memory_mb)
            findings += check_lambda(
                clients("lambda", region.region),
                region.region,
                demand,
                spec.namer,
                memory_quota_mb=memory_quota_mb,
            )
            if spec.parameter_store_high_throughput:
                findings.append(
                    check_parameter_store(
                        clients("ssm", region.region),
                        region.region,
                        reserved_concurrency=reserved,
                    )
                )
        findings += check_zone(clients("route53", GLOBAL_REGION), spec, lookup)
    return PreflightReport(
        account=account,
        regions=region_labels(spec),
        source=source,
        findings=tuple(findings),
    )


def _account(clients: ClientFactory, findings: list[Finding]) -> str | None:
    """The credentials' account; a refusal (and None) when there are none that work."""
    try:
        return str(clients("sts", GLOBAL_REGION).get_caller_identity()["Account"])
    except (ClientError, BotoCoreError) as err:
        findings.append(
            refused(
                "account",
                "credentials",
                f"no working AWS credentials ({err}). Change: configure the account to deploy "
                "to (AWS_PROFILE, or the default credential chain), then run drkit preflight "
                "again.",
            )
        )
        return None
