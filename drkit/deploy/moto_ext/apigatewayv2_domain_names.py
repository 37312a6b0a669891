"""API Gateway v2 custom domain names that become AVAILABLE, with a target name and hosted zone.

The gap (moto 5.2.5): ``CreateDomainName`` and ``GetDomainName`` echo the
``DomainNameConfigurations`` as sent, without ``DomainNameStatus``,
``ApiGatewayDomainName`` or ``HostedZoneId``. Terraform's
``aws_apigatewayv2_domain_name`` waits for the status to become ``AVAILABLE``
and fails at once on the empty status ("unexpected state '', wanted target
'AVAILABLE'"); the stack's Route 53 alias records need the target name and
the hosted zone. Also: ``UpdateDomainName`` is not implemented (404); every
domain answers ``mutualTlsAuthentication: {}``, which the provider reads as a
configured (empty) mutual TLS block, so the next plan wants to remove it;
``DeleteDomainName`` raises (dictionary changed size during iteration, a 500)
when the domain still has an API mapping; and ``TagResource``/``GetTags`` on a
domain name's ARN (it contains ``/domainnames/``) find no route (404), while
the tags given at creation live apart from the tagging API.

What this extension does:

* Every configuration of a new or updated domain name gets
  ``DomainNameStatus: AVAILABLE``, an ``ApiGatewayDomainName`` of the form
  ``d-<10 lowercase letters and digits>.execute-api.<region>.amazonaws.com``
  (derived from account, region and domain name, so the same domain always
  gets the same target), the regional ``HostedZoneId`` API Gateway publishes
  for the region (:data:`REGIONAL_HOSTED_ZONE_IDS`), ``IpAddressType: ipv4``
  unless one was given, and ``CertificateUploadDate``. For a region missing
  from the table the hosted zone is :data:`UNKNOWN_REGION_HOSTED_ZONE_ID`, a
  placeholder that says so, and ``DomainNameStatusMessage`` explains it.
* ``UpdateDomainName`` replaces the configurations (completed as above) and
  the mutual TLS settings; an empty truststore URI removes mutual TLS, as in AWS.
* ``mutualTlsAuthentication`` is left out of responses when it was not set.
* ``DeleteDomainName`` deletes the domain's API mappings and tags with it.
* Tags given at creation and tags set later through ``TagResource`` are one
  set, read back by ``GetDomainName`` and ``GetTags``.

API mappings were already fine and are unchanged. Not emulated: the
``PENDING``/``UPDATING`` states, edge-optimized and private domain names,
certificate checks and ownership verification.
"""

from __future__ import annotations

import hashlib
import json
import logging
import string
from typing import TYPE_CHECKING, Any

from moto.apigatewayv2.exceptions import DomainNameAlreadyExists, DomainNameNotFound
from moto.apigatewayv2.models import DomainName
from moto.core.utils import utcnow

if TYPE_CHECKING:
    from moto.apigatewayv2.models import ApiGatewayV2Backend
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    _BackendBase = ApiGatewayV2Backend
    _HandlerBase = ApiGatewayV2Response
else:
    _BackendBase = object
    _HandlerBase = object

logger = logging.getLogger(__name__)

REGIONAL_HOSTED_ZONE_IDS = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-east-2": "ZOJJZC49E0EPZ",
    "us-west-1": "Z2MUQ32089INYE",
    "us-west-2": "Z2OJLYMUO9EFXC",
    "af-south-1": "Z2DHW2332DAMTN",
    "ap-east-1": "Z3FD1VL90ND7K5",
    "ap-east-2": "Z02909591O7FG9Q56HWB1",
    "ap-south-1": "Z3VO1THU9YC4UR",
    "ap-south-2": "Z0853509Q1135NJ66RUH",
    "ap-southeast-1": "ZL327KTPIQFUL",
    "ap-southeast-2": "Z2RPCDW04V8134",
    "ap-southeast-3": "Z10132843TYUYSLUG4HA3",
    "ap-southeast-4": "Z092189423Y7RJK61311D",
    "ap-southeast-5": "Z0314042F0KBUTZ3X5HF",
    "ap-southeast-7": "Z048508712PZLK5NKG8R0",
    "ap-northeast-1": "Z1YSHQZHG15GKL",
    "ap-northeast-2": "Z20JF4UZKIW1U8",
    "ap-northeast-3": "Z22ILHG95FLSZ2",
    "ca-central-1": "Z19DQILCV0OWEC",
    "ca-west-1": "Z04745493436AWVTG1OQY",
    "eu-central-1": "Z1U9ULNL0V5AJ3",
    "eu-central-2": "Z09222482MK253X48U76H",
    "eu-west-1": "ZLY8HYME6SFDD",
    "eu-west-2": "ZJ5UAJN8Y3Z2Q",
    "eu-west-3": "Z3KY65QIEKYHQQ",
    "eu-south-1": "Z3BT4WSQ9TDYZV",
    "eu-south-2": "Z02499852UI5HEQ5JVWX3",
    "eu-north-1": "Z3UWIKFBOOGXPP",
    "il-central-1": "Z07264553HBI44N5X2CKP",
    "me-south-1": "Z20ZBPC0SS8806",
    "me-central-1": "Z08780021BKYYY8U0YHTV",
    "mx-central-1": "Z00020171WIGL5M88SHRM",
    "sa-east-1": "ZCMLWB8V5SYIT",
}
"""Route 53 hosted zone of API Gateway's regional (``execute-api``) endpoints, per commercial region.

From the "Amazon API Gateway endpoints and quotas" page of the AWS General
Reference (https://docs.aws.amazon.com/general/latest/gr/apigateway.html),
as mirrored by two independent public sources that agree on every entry.
Edge-optimized endpoints use ``Z2FDTNDATAQYW2`` everywhere (not emulated).
"""

UNKNOWN_REGION_HOSTED_ZONE_ID = "ZDRKITUNKNOWNREGION"
"""The hosted zone reported in a region :data:`REGIONAL_HOSTED_ZONE_IDS` lacks: obviously not AWS's."""

_TARGET_ALPHABET = string.ascii_lowercase + string.digits


def target_domain_name(account_id: str, region: str, domain_name: str) -> str:
    """The ``d-xxxxxxxxxx.execute-api.<region>.amazonaws.com`` name API Gateway serves a domain on.

    Derived from the inputs, so recreating a domain gives it the same target.
    """
    number = int.from_bytes(
        hashlib.sha256(f"{account_id}/{region}/{domain_name}".encode()).digest(), "big"
    )
    letters = []
    for _ in range(10):
        number, index = divmod(number, len(_TARGET_ALPHABET))
        letters.append(_TARGET_ALPHABET[index])
    return f"d-{''.join(letters)}.execute-api.{region}.amazonaws.com"


def regional_hosted_zone_id(region: str) -> str | None:
    """API Gateway's regional hosted zone in ``region``, or ``None`` when drkit does not know it."""
    return REGIONAL_HOSTED_ZONE_IDS.get(region)


class RegionalDomainName(DomainName):
    """moto's domain name, answering with the extension's tags and without an unset mutual TLS block."""

    def __init__(self, *, backend: ApiGatewayV2Backend, **kwargs: Any) -> None:
        super().__init__(backend=backend, **kwargs)
        self._backend = backend

    def to_json(self) -> dict[str, Any]:
        result = super().to_json()
        if not (self.mutual_tls_authentication or {}).get("truststoreUri"):
            result.pop("mutualTlsAuthentication", None)
        result["tags"] = self._backend.get_tags(self.domain_name_arn)
        return result


class DomainNamesBackendMixin(_BackendBase):
    """Completes domain-name configurations and adds ``update_domain_name`` to moto's backend."""

    def create_domain_name(
        self,
        domain_name: str,
        domain_name_configurations: list[dict[str, Any]],
        mutual_tls_authentication: dict[str, Any],
        tags: dict[str, str],
    ) -> DomainName:
        if domain_name in self.domain_names:
            raise DomainNameAlreadyExists
        domain = RegionalDomainName(
            domain_name=domain_name,
            domain_name_configurations=[
                self._complete_configuration(domain_name, c) for c in domain_name_configurations
            ],
            mutual_tls_authentication=_mutual_tls(mutual_tls_authentication),
            tags={},
            backend=self,
        )
        self.domain_names[domain_name] = domain
        if tags:
            self.tag_resource(domain.domain_name_arn, tags)
        return domain

    def update_domain_name(
        self,
        domain_name: str,
        domain_name_configurations: list[dict[str, Any]] | None,
        mutual_tls_authentication: dict[str, Any] | None,
    ) -> DomainName:
        """Apply an ``UpdateDomainName`` request; omitted parts stay as they are."""
        domain = self.get_domain_name(domain_name)
        if domain_name_configurations:
            domain.domain_name_configurations = [
                self._complete_configuration(domain_name, c) for c in domain_name_configurations
            ]
        if mutual_tls_authentication is not None:
            domain.mutual_tls_authentication = _mutual_tls(mutual_tls_authentication)
        return domain

    def delete_domain_name(self, domain_name: str) -> None:
        if domain_name not in self.domain_names:
            raise DomainNameNotFound
        # moto deletes from the mapping dict while iterating over it.
        for mapping_id in [i for i, m in self.api_mappings.items() if m.domain_name == domain_name]:
            del self.api_mappings[mapping_id]
        domain = self.domain_names.pop(domain_name)
        self.tagger.delete_all_tags_for_resource(domain.domain_name_arn)

    def _complete_configuration(self, domain_name: str, config: dict[str, Any]) -> dict[str, Any]:
        completed = dict(config)
        completed.setdefault("endpointType", "REGIONAL")
        completed.setdefault("ipAddressType", "ipv4")
        # ISO 8601, as the API's model says; the Go SDK rejects epoch seconds here.
        completed.setdefault("certificateUploadDate", utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"))
        completed["apiGatewayDomainName"] = target_domain_name(
            self.account_id, self.region_name, domain_name
        )
        completed["domainNameStatus"] = "AVAILABLE"
        zone = regional_hosted_zone_id(self.region_name)
        if zone is None:
            zone = UNKNOWN_REGION_HOSTED_ZONE_ID
            message = (
                f"drkit emulator: API Gateway publishes no regional hosted zone ID for "
                f"{self.region_name} that drkit knows; {zone} is a placeholder"
            )
            logger.warning(message)
            completed["domainNameStatusMessage"] = message
        completed["hostedZoneId"] = zone
        return completed


class DomainNamesHandlerMixin(_HandlerBase):
    """Serves ``UpdateDomainName``, which moto's handler lacks."""

    def update_domain_name(self) -> Any:
        domain_name = self.path.split("/")[-1]
        params = json.loads(self.body or "{}")
        domain = self.apigatewayv2_backend.update_domain_name(  # type: ignore[attr-defined]
            domain_name=domain_name,
            domain_name_configurations=params.get("domainNameConfigurations"),
            mutual_tls_authentication=params.get("mutualTlsAuthentication"),
        )
        return 200, {}, json.dumps(domain.to_json())


def _mutual_tls(settings: dict[str, Any] | None) -> dict[str, Any]:
    """Mutual TLS as stored: empty unless a truststore URI is set (an empty URI turns it off)."""
    if not settings or not settings.get("truststoreUri"):
        return {}
    return dict(settings)


EXTRA_PATHS = (
    # GetTags/TagResource/UntagResource of a domain name: its ARN holds "/domainnames/".
    "{0}/v2/tags/(?P<resource_arn_pt1>[^/]+)/domainnames/(?P<resource_arn_pt2>[^/]+)$",
)
"""Paths moto does not route, which the extension's handler serves."""
