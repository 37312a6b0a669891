"""drkit's API Gateway v2 backend: domain names completed, updatable, deleted with their mappings.

Also the v1 backend, which moto's server uses to serve v2 paths. The gap and
what is emulated: :mod:`drkit_emulator.apigatewayv2`.
"""

from __future__ import annotations

import hashlib
import logging
import string
from types import ModuleType, SimpleNamespace
from typing import Any

from moto.apigateway.models import APIGatewayBackend
from moto.apigatewayv2.exceptions import DomainNameAlreadyExists, DomainNameNotFound
from moto.apigatewayv2.models import ApiGatewayV2Backend, DomainName
from moto.core.utils import utcnow

from drkit_emulator.apigatewayv2 import urls

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
"""The Route 53 hosted zone of API Gateway's regional (``execute-api``) endpoints, per region.

Every commercial region.

From the "Amazon API Gateway endpoints and quotas" page of the AWS General
Reference (https://docs.aws.amazon.com/general/latest/gr/apigateway.html),
as mirrored by two independent public sources that agree on every entry.
Edge-optimized endpoints use ``Z2FDTNDATAQYW2`` everywhere (not emulated).
"""

UNKNOWN_REGION_HOSTED_ZONE_ID = "ZDRKITUNKNOWNREGION"
"""The hosted zone reported in a region missing from :data:`REGIONAL_HOSTED_ZONE_IDS`.

Obviously not AWS's.
"""

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
    """moto's domain name, answering with drkit's tags and without an unset mutual TLS block."""

    def __init__(self, *, backend: ApiGatewayV2Backend, **kwargs: Any) -> None:
        super().__init__(backend=backend, **kwargs)
        self._backend = backend

    def to_json(self) -> dict[str, Any]:
        result = super().to_json()
        if not (self.mutual_tls_authentication or {}).get("truststoreUri"):
            result.pop("mutualTlsAuthentication", None)
        result["tags"] = self._backend.get_tags(self.domain_name_arn)
        return result


class DrkitApiGatewayV2Backend(ApiGatewayV2Backend):
    """moto's backend, completing domain-name configurations, with ``update_domain_name``."""

    @property
    def _url_module(self) -> ModuleType:
        return urls

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


def _mutual_tls(settings: dict[str, Any] | None) -> dict[str, Any]:
    """Mutual TLS as stored: empty unless a truststore URI is set (an empty URI turns it off)."""
    if not settings or not settings.get("truststoreUri"):
        return {}
    return dict(settings)


class DrkitAPIGatewayBackend(APIGatewayBackend):
    """moto's API Gateway (v1) backend, routing the v2 paths it serves to drkit's handler."""

    @property
    def _url_module(self) -> SimpleNamespace:
        return urls.V1_ROUTES
