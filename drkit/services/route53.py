"""Route 53: the hosted zone, per-region health checks and weighted alias records."""

from __future__ import annotations

from typing import Any

import attrs
from cdktf import TerraformResourceLifecycle
from constructs import Construct

from drkit import iam
from drkit.aws import (
    CloudwatchLogResourcePolicy,
    DataAwsRoute53Zone,
    Route53HealthCheck,
    Route53HostedZoneDnssec,
    Route53KeySigningKey,
    Route53QueryLog,
    Route53Record,
    Route53RecordAlias,
    Route53RecordWeightedRoutingPolicy,
    Route53Zone,
)
from drkit.errors import SpecError
from drkit.regions import names
from drkit.regions.naming import ResourceType
from drkit.regions.spec import HEALTH_CHECK_INTERVALS
from drkit.services.kms import EncryptionKey
from drkit.services.kms_signing import DnssecSigningKey, SigningKeyProps
from drkit.services.logs import LogGroup, LogGroupProps
from drkit.services.placement import Placement
from drkit_runtime.contract import HEALTH_PATH


@attrs.frozen(kw_only=True)
class HostedZoneProps:
    """Props of :class:`HostedZone`.

    Attributes:
        placement: Provider and naming (Route 53 is global).
        zone_name: The zone's DNS name.
        existing_zone_id: Look this zone up instead of creating one.
        protect_data: Keep records that Terraform did not create on destroy.
    """

    placement: Placement
    zone_name: str
    existing_zone_id: str | None = None
    protect_data: bool = False


class HostedZone(Construct):
    """The public zone that holds the API name (created, or an existing one).

    Attributes:
        zone_id: The zone's id.
        zone_name: Its DNS name.
        name_servers: Delegate the domain to these (created zones only; empty otherwise).
    """

    def __init__(self, scope: Construct, id: str, *, props: HostedZoneProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.zone_name = props.zone_name.rstrip(".")
        if props.existing_zone_id:
            self.resource: DataAwsRoute53Zone | Route53Zone = DataAwsRoute53Zone(
                self, "resource", provider=p.provider, zone_id=props.existing_zone_id
            )
            self.name_servers: list[str] | None = None
        else:
            zone = Route53Zone(
                self,
                "resource",
                provider=p.provider,
                name=self.zone_name,
                comment="drkit: multi-region API name",
                force_destroy=not props.protect_data,
                tags=p.tagged(
                    p.name(
                        ResourceType.NAME_TAG,
                        "zone-api",
                    )
                ),
            )
            self.resource = zone
            self.name_servers = zone.name_servers
        self.zone_id: str = self.resource.zone_id


@attrs.frozen(kw_only=True)
class HealthCheckProps:
    """Props of :class:`HealthCheck`.

    Attributes:
        placement: Provider and naming (Route 53 is global: the routing stack's).
        region: The region it judges.
        fqdn: Host name of the region's own endpoint (not the weighted name; Route 53's
            results are "unpredictable" when a check probes the name of the records it
            guards), also its TLS SNI name.
        resource_path: Path that answers 200 only when the region is healthy.
        interval_seconds: Request interval, 10 or 30.
        failure_threshold: Consecutive failures before the region fails out.
    """

    placement: Placement
    region: str
    fqdn: str
    resource_path: str = HEALTH_PATH
    interval_seconds: int = 10
    failure_threshold: int = 3

    def __attrs_post_init__(self) -> None:
        if self.interval_seconds not in HEALTH_CHECK_INTERVALS:
            raise SpecError(
                "interval_seconds", self.interval_seconds, "10 or 30 (Route 53's only values)"
            )
        if not 1 <= self.failure_threshold <= 10:
            raise SpecError("failure_threshold", self.failure_threshold, "1 to 10")


class HealthCheck(Construct):
    """An HTTPS health check on one region's ``/health``.

    Attributes:
        health_check_id: Its id (also the ``HealthCheckId`` metric dimension).
        region: The region it judges.
        fqdn: The host name it probes (with SNI).
    """

    #: A checker fails a probe that cannot connect within 4 s, or whose 2xx/3xx status does
    #: not arrive within 2 s of connecting (https://docs.aws.amazon.com/Route53/latest/
    #: DeveloperGuide/dns-failover-determining-health-of-endpoints.html).
    CONNECT_TIMEOUT_SECONDS = 4
    RESPONSE_TIMEOUT_SECONDS = 2

    def __init__(self, scope: Construct, id: str, *, props: HealthCheckProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.region = props.region
        self.fqdn = props.fqdn
        self.interval_seconds = props.interval_seconds
        self.failure_threshold = props.failure_threshold
        self.resource = Route53HealthCheck(
            self,
            "resource",
            provider=p.provider,
            type="HTTPS",
            fqdn=props.fqdn,
            port=443,
            resource_path=props.resource_path,
            request_interval=props.interval_seconds,
            failure_threshold=props.failure_threshold,
            # SNI makes API Gateway present this name's certificate. Route 53 does not
            # validate it (and retries without SNI when it names another host), so a bad
            # certificate passes the check: the watchers, which validate, alarm on it.
            enable_sni=True,
            measure_latency=True,
            tags=p.tagged(names.HEALTH_CHECK(p.namer, props.region)),
        )
        self.health_check_id: str = self.resource.id


@attrs.frozen(kw_only=True)
class WeightedAliasProps:
    """Props of :class:`WeightedAlias`.

    Attributes:
        placement: Provider (Route 53 is global: the routing stack's).
        region: The region the record sends traffic to (its set identifier).
        zone: The zone the record lives in.
        record_name: The shared API name, e.g. ``api.dr.example.com``.
        weight: This region's share (0-100).
        health_check: Judges this region; Route 53 skips the record while it fails.
        target_domain_name: The regional custom domain's target.
        target_zone_id: That target's hosted zone id.
    """

    placement: Placement
    region: str
    zone: HostedZone
    record_name: str
    weight: int
    health_check: HealthCheck
    target_domain_name: str
    target_zone_id: str

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.weight <= 100:
            raise SpecError("weight", self.weight, "0 to 100")
        if self.health_check.region != self.region:
            raise SpecError("health_check", self.health_check.region, f"the check of {self.region}")


class WeightedAlias(Construct):
    """One region's weighted alias record for the shared API name."""

    def __init__(self, scope: Construct, id: str, *, props: WeightedAliasProps) -> None:
        super().__init__(scope, id)
        self.set_identifier = props.region
        self.resource = _alias_record(
            self,
            props,
            evaluate_target_health=True,
            set_identifier=props.region,
            weighted_routing_policy=Route53RecordWeightedRoutingPolicy(weight=props.weight),
            health_check_id=props.health_check.health_check_id,
        )


@attrs.frozen(kw_only=True)
class RegionalAliasProps:
    """Props of :class:`RegionalAlias`.

    Attributes:
        placement: Provider (Route 53 is global: the routing stack's).
        region: The region named.
        zone: The zone the record lives in.
        record_name: The region's own API name, e.g. ``api-use1.dr.example.com``.
        target_domain_name: That name's custom-domain target in the region.
        target_zone_id: That target's hosted zone id.
    """

    placement: Placement
    region: str
    zone: HostedZone
    record_name: str
    target_domain_name: str
    target_zone_id: str

    def __attrs_post_init__(self) -> None:
        zone_name = self.zone.zone_name
        if not self.record_name.endswith("." + zone_name):
            raise SpecError("record_name", self.record_name, f"a name in the zone {zone_name}")


class RegionalAlias(Construct):
    """A region's own API name: a plain alias to its custom domain, what its check probes."""

    def __init__(self, scope: Construct, id: str, *, props: RegionalAliasProps) -> None:
        super().__init__(scope, id)
        self.region = props.region
        self.record_name = props.record_name
        self.resource = _alias_record(self, props, evaluate_target_health=False)


def _alias_record(
    scope: Construct,
    props: WeightedAliasProps | RegionalAliasProps,
    *,
    evaluate_target_health: bool,
    **routing: Any,
) -> Route53Record:
    """The A alias ``props.record_name`` -> the region's custom domain, as ``scope``'s resource."""
    return Route53Record(
        scope,
        "resource",
        provider=props.placement.provider,
        zone_id=props.zone.zone_id,
        name=props.record_name,
        type="A",
        alias=Route53RecordAlias(
            name=props.target_domain_name,
            zone_id=props.target_zone_id,
            evaluate_target_health=evaluate_target_health,
        ),
        **routing,
    )


@attrs.frozen(kw_only=True)
class ZoneProtectionProps:
    """Props of :class:`ZoneProtection`.

    Attributes:
        placement: us-east-1 (Route 53 writes query logs and signs only there).
        zone: A zone drkit created (an existing zone is its owner's to configure).
        log_key: Encrypts the query-log group; in us-east-1.
        log_retention_days: Query-log retention.
        protect_data: Give the signing key KMS's longest deletion window (30 days), and the
            key and the KSK Terraform's ``prevent_destroy``; off, both go with
            ``terraform destroy`` (the key after 7 days).
    """

    placement: Placement
    zone: HostedZone
    log_key: EncryptionKey
    log_retention_days: int = 365
    protect_data: bool = False

    def __attrs_post_init__(self) -> None:
        if self.placement.region != "us-east-1" or self.log_key.region != "us-east-1":
            raise SpecError(
                "placement", self.placement.region, "us-east-1 for the placement and the log key"
            )


class ZoneProtection(Construct):
    """DNSSEC signing and query logging for the API's public zone.

    DNSSEC protects the integrity of the answers that steer clients between
    regions; it takes effect once the parent zone holds the DS record (see
    docs/runbook.md). Query logs record who resolved the API name.
    """

    def __init__(self, scope: Construct, id: str, *, props: ZoneProtectionProps) -> None:
        super().__init__(scope, id)
        self._query_logging(props)
        self._dnssec(props)

    def _query_logging(self, props: ZoneProtectionProps) -> None:
        """Every query of the zone, in an encrypted log group Route 53 alone may write."""
        p = props.placement
        group = LogGroup(
            self,
            "query-logs",
            props=LogGroupProps(
                placement=p,
                log_group_name=names.QUERY_LOG_GROUP(p.namer),
                key=props.log_key,
                retention_days=props.log_retention_days,
            ),
        )
        policy = CloudwatchLogResourcePolicy(
            self,
            "query-log-policy",
            provider=p.provider,
            policy_name=names.QUERY_LOG_POLICY(p.namer),
            policy_document=iam.document(
                (
                    iam.Statement(
                        sid="Route53QueryLogs",
                        principals={"Service": ("route53.amazonaws.com",)},
                        actions=("logs:CreateLogStream", "logs:PutLogEvents"),
                        resources=(group.streams_arn,),
                        conditions={
                            "StringEquals": {"aws:SourceAccount": p.account.account_id},
                            "ArnLike": {
                                "aws:SourceArn": f"arn:{p.account.partition}:route53:::hostedzone/*"
                            },
                        },
                        resource_policy=True,
                    ),
                )
            ),
        )
        Route53QueryLog(
            self,
            "query-log",
            provider=p.provider,
            zone_id=props.zone.zone_id,
            cloudwatch_log_group_arn=group.log_group_arn,
            depends_on=[policy],
        )

    def _dnssec(self, props: ZoneProtectionProps) -> None:
        """Sign the zone with a key-signing key backed by an asymmetric KMS key."""
        p = props.placement
        signing_key = DnssecSigningKey(
            self,
            "signing-key",
            props=SigningKeyProps(
                placement=p,
                deletion_window_days=30 if props.protect_data else 7,
                prevent_destroy=props.protect_data,
            ),
        )
        # A new name or key replaces the KSK: the new one first, so the old is never the zone's
        # last active key when it is deactivated; Route 53 still refuses while the parent's DS
        # names it. A protected zone's plan must not try it at all (docs/runbook.md).
        ksk = Route53KeySigningKey(
            self,
            "ksk",
            provider=p.provider,
            hosted_zone_id=props.zone.zone_id,
            key_management_service_arn=signing_key.key_arn,
            name=names.KEY_SIGNING_KEY(p.namer),
            status="ACTIVE",
            lifecycle=TerraformResourceLifecycle(
                create_before_destroy=True, prevent_destroy=props.protect_data or None
            ),
        )
        Route53HostedZoneDnssec(
            self,
            "dnssec",
            provider=p.provider,
            hosted_zone_id=ksk.hosted_zone_id,
            signing_status="SIGNING",
        )
