"""ACM: a regional certificate for the API's names, and the DNS records that validate them.

ACM's DNS validation record belongs to the account and the domain name, not to one
certificate or Region: "the CNAME validation token works for any region", and the record
must stay in place for ACM to renew
(https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html; a second region's
certificate for a name gets the same record, hashicorp/terraform-provider-aws#13653). So
the DNS stack makes each name's record once, from a certificate of its own in us-east-1
that covers every name (ACM hands out a name's record only through a certificate), before
any region's stack; a region's certificate then only waits for ACM to see the record, and
its stack never writes Route 53.
"""

from __future__ import annotations

import re

import attrs
from constructs import Construct

from drkit.aws import AcmCertificate, AcmCertificateValidation, Route53Record
from drkit.errors import SpecError
from drkit.regions.validators import to_strings
from drkit.services.placement import Placement
from drkit.services.route53 import HostedZone


@attrs.frozen(kw_only=True)
class DomainValidationProps:
    """Props of :class:`DomainValidation`.

    Attributes:
        placement: Provider for the records (Route 53 is global).
        zone: The zone the names and their records live in.
    """

    placement: Placement
    zone: HostedZone


class DomainValidation(Construct):
    """One validation record per domain name, shared by every certificate for that name.

    A record is made by the first certificate that asks for its name, from that
    certificate's validation options; the others only wait for it. Records are
    children of this construct, so removing a region removes only the names no other
    region's certificate covers (its regional name), never the shared one.
    """

    def __init__(self, scope: Construct, id: str, *, props: DomainValidationProps) -> None:
        super().__init__(scope, id)
        self._placement = props.placement
        self._zone = props.zone
        self._records: dict[str, Route53Record] = {}

    @property
    def domain_names(self) -> tuple[str, ...]:
        """The names with a record, in the order they were first asked for."""
        return tuple(self._records)

    def record_fqdns(self, certificate: AcmCertificate, domain_names: tuple[str, ...]) -> list[str]:
        """The validation records' names for ``domain_names``, made from ``certificate``
        for any name that has none yet."""
        zone_name = self._zone.zone_name
        for name in domain_names:
            if name != zone_name and not name.endswith("." + zone_name):
                raise SpecError("domain_name", name, f"a name in the zone {zone_name}")
            if name not in self._records:
                self._records[name] = self._record(certificate, name)
        return [self._records[name].fqdn for name in domain_names]

    def _record(self, certificate: AcmCertificate, name: str) -> Route53Record:
        options = (
            f"{{for o in {certificate.fqn}.domain_validation_options : o.domain_name => o}}"
            f'["{name}"]'
        )
        label = name.removesuffix(self._zone.zone_name).rstrip(".") or "apex"
        return Route53Record(
            self,
            "record-" + re.sub(r"[^a-z0-9-]", "-", label),
            provider=self._placement.provider,
            zone_id=self._zone.zone_id,
            name=f"${{{options}.resource_record_name}}",
            type=f"${{{options}.resource_record_type}}",
            records=[f"${{{options}.resource_record_value}}"],
            ttl=60,
            # An existing zone may already hold it: the record is the account's for this
            # name, identical for any certificate, so writing it again changes nothing.
            allow_overwrite=True,
        )


@attrs.frozen(kw_only=True)
class CertificateProps:
    """Props of :class:`Certificate`.

    Attributes:
        placement: The region the certificate is used in (API Gateway needs a
            certificate in its own region).
        domain_name: The name it covers first (the shared API name).
        subject_alternative_names: Further names it covers (the region's own name).
        validation: Where the names' validation records are made; None: they are made
            elsewhere (the DNS stack) and the certificate waits until ACM has seen them.
    """

    placement: Placement
    domain_name: str
    validation: DomainValidation | None = None
    subject_alternative_names: tuple[str, ...] = attrs.field(default=(), converter=to_strings)

    def __attrs_post_init__(self) -> None:
        if self.domain_name in self.subject_alternative_names:
            raise SpecError(
                "subject_alternative_names",
                self.subject_alternative_names,
                f"names other than the domain name {self.domain_name}",
            )


class Certificate(Construct):
    """A DNS-validated certificate.

    Attributes:
        certificate_arn: The ARN, available only once validation completed (so
            the custom domains wait for a usable certificate).
        domain_names: Every name it covers, the domain name first.
    """

    def __init__(self, scope: Construct, id: str, *, props: CertificateProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.domain_names = (props.domain_name, *props.subject_alternative_names)
        self.resource = AcmCertificate(
            self,
            "resource",
            provider=p.provider,
            domain_name=props.domain_name,
            subject_alternative_names=list(props.subject_alternative_names) or None,
            validation_method="DNS",
            key_algorithm="EC_prime256v1",
            tags=p.tagged(props.domain_name),
            lifecycle={"create_before_destroy": True},
        )
        fqdns = (
            props.validation.record_fqdns(self.resource, self.domain_names)
            if props.validation is not None
            else None
        )
        validation = AcmCertificateValidation(
            self,
            "validation",
            provider=p.provider,
            certificate_arn=self.resource.arn,
            validation_record_fqdns=fqdns,
        )
        self.certificate_arn: str = validation.certificate_arn
