"""ACM: a regional certificate for the API name, validated by DNS in the zone."""

from __future__ import annotations

import attrs
from cdktf import TerraformIterator, Token
from constructs import Construct

from drkit.aws import AcmCertificate, AcmCertificateValidation, Route53Record
from drkit.services.placement import Placement
from drkit.services.route53 import HostedZone


@attrs.frozen(kw_only=True)
class CertificateProps:
    """Props of :class:`Certificate`.

    Attributes:
        placement: The region the certificate is used in (API Gateway needs a
            certificate in its own region).
        domain_name: The name it covers.
        zone: The zone where the validation record goes.
    """

    placement: Placement
    domain_name: str
    zone: HostedZone


class Certificate(Construct):
    """A DNS-validated certificate.

    Attributes:
        certificate_arn: The ARN, available only once validation completed (so
            the custom domain waits for a usable certificate).
    """

    def __init__(self, scope: Construct, id: str, *, props: CertificateProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.resource = AcmCertificate(
            self,
            "resource",
            provider=p.provider,
            domain_name=props.domain_name,
            validation_method="DNS",
            key_algorithm="EC_prime256v1",
            tags=p.tagged(props.domain_name),
            lifecycle={"create_before_destroy": True},
        )
        options = TerraformIterator.from_complex_list(
            self.resource.domain_validation_options, "domain_name"
        )
        # Every region's certificate for the same name asks for the same record;
        # allow_overwrite lets each region own it without a conflict.
        record = Route53Record(
            self,
            "validation-record",
            provider=p.provider,
            for_each=options,
            zone_id=props.zone.zone_id,
            name=options.get_string("resource_record_name"),
            type=options.get_string("resource_record_type"),
            records=[options.get_string("resource_record_value")],
            ttl=60,
            allow_overwrite=True,
        )
        validation = AcmCertificateValidation(
            self,
            "validation",
            provider=p.provider,
            certificate_arn=self.resource.arn,
            validation_record_fqdns=Token.as_list(f"${{[for r in {record.fqn} : r.fqdn]}}"),
        )
        self.certificate_arn: str = validation.certificate_arn
