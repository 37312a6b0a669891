"""The API's zone and what only us-east-1 can hold: DNSSEC, query logs, the names' validation.

Route 53 signs zones and writes query logs only with a key and a log group in us-east-1,
and publishes its metrics only there; so the DNS stack has a key and an alert topic of its
own in us-east-1, whatever regions the deployment uses. The zone stack writes into the
zone what the regions need first: every API name's certificate-validation record, once
(see ``drkit.services.acm``), and, in a zone drkit made, its DNSSEC signing and query
logging, whose fixed waits (a record's change, a key-signing key activated, then signing
enabled) then hold up neither the zone's making nor its removal.
"""

from __future__ import annotations

import attrs
from constructs import Construct

from drkit.regions import names
from drkit.regions.spec import DeploymentSpec
from drkit.services.acm import (
    Certificate,
    CertificateProps,
    DomainValidation,
    DomainValidationProps,
)
from drkit.services.cloudwatch import Alarm
from drkit.services.kms import EncryptionKey, EncryptionKeyProps
from drkit.services.placement import Placement
from drkit.services.route53 import HostedZone, HostedZoneProps, ZoneProtection, ZoneProtectionProps
from drkit.services.sns import AlertTopic, AlertTopicProps, TopicRef
from drkit.topology.alarms import AlarmSites, dnssec_alarms


@attrs.frozen(kw_only=True)
class GlobalDnsProps:
    """Props of :class:`GlobalDns`.

    Attributes:
        deployment: The deployment's spec (zone, API names, alert emails).
        placement: us-east-1 (the DNS stack's provider).
    """

    deployment: DeploymentSpec
    placement: Placement


class GlobalDns(Construct):
    """The hosted zone (created, or an existing one), and the us-east-1 key and topic.

    Attributes:
        key: The us-east-1 key of the query logs and the topic.
        topic: The us-east-1 alert topic (Route 53's alarms notify it).
        zone: The API's hosted zone.
    """

    def __init__(self, scope: Construct, id: str, *, props: GlobalDnsProps) -> None:
        super().__init__(scope, id)
        d, p = props.deployment, props.placement
        self.key = EncryptionKey(
            self,
            "key",
            props=EncryptionKeyProps(
                placement=p, name=names.DNS_KEY, deletion_window_days=30 if d.protect_data else 7
            ),
        )
        self.topic = AlertTopic(
            self,
            "alerts",
            props=AlertTopicProps(
                placement=p, key=self.key, emails=d.alert_emails, name=names.DNS_ALERT_TOPIC
            ),
        )
        self.zone = HostedZone(
            self,
            "zone",
            props=HostedZoneProps(
                placement=p,
                zone_name=d.dns_zone_name,
                existing_zone_id=d.existing_zone_id,
                protect_data=d.protect_data,
            ),
        )


@attrs.frozen(kw_only=True)
class ZoneContentsProps:
    """Props of :class:`ZoneContents`.

    Attributes:
        deployment: The deployment's spec.
        placement: us-east-1 (the zone stack's provider).
        dns: The DNS stack's zone, key and topic.
    """

    deployment: DeploymentSpec
    placement: Placement
    dns: GlobalDns


class ZoneContents(Construct):
    """The names' validation records; in a zone drkit made, DNSSEC, query logging, and the
    alarms on DNSSEC's signing.

    Attributes:
        validation: The names' certificate-validation records.
        certificate: The us-east-1 certificate the records are taken from (it serves nothing).
        alarms: The DNSSEC alarms (none for an existing zone).
    """

    def __init__(self, scope: Construct, id: str, *, props: ZoneContentsProps) -> None:
        super().__init__(scope, id)
        d, p, dns = props.deployment, props.placement, props.dns
        self.validation = DomainValidation(
            self, "certificate-validation", props=DomainValidationProps(placement=p, zone=dns.zone)
        )
        self.certificate = Certificate(
            self,
            "validation-certificate",
            props=CertificateProps(
                placement=p,
                domain_name=d.api_domain_name,
                subject_alternative_names=tuple(
                    d.regional_api_domain_name(r.region) for r in d.regions
                ),
                validation=self.validation,
            ),
        )
        self.alarms: list[Alarm] = []
        if d.existing_zone_id is None:
            self._signing(d, p, dns)

    def _signing(self, d: DeploymentSpec, p: Placement, dns: GlobalDns) -> None:
        ZoneProtection(
            self,
            "zone-protection",
            props=ZoneProtectionProps(
                placement=p,
                zone=dns.zone,
                log_key=dns.key,
                log_retention_days=d.log_retention_days,
                protect_data=d.protect_data,
            ),
        )
        topic = TopicRef(region=p.region, topic_arn=p.arn(names.DNS_ALERT_TOPIC))
        sites = AlarmSites(self, placement=p, topic=topic)
        dnssec_alarms(sites, dns.zone.zone_id, dns.zone.zone_name)
        self.alarms = sites.alarms
