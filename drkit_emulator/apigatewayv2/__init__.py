"""API Gateway v2: custom domain names that become AVAILABLE, with a target name and hosted zone.

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
  for the region (:data:`.models.REGIONAL_HOSTED_ZONE_IDS`), ``IpAddressType: ipv4``
  unless one was given, and ``CertificateUploadDate``. For a region missing
  from the table the hosted zone is :data:`.models.UNKNOWN_REGION_HOSTED_ZONE_ID`, a
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

from moto.apigateway.models import apigateway_backends
from moto.apigatewayv2.models import apigatewayv2_backends

from drkit_emulator.apigatewayv2 import models
from drkit_emulator.core.routing import install_backend


def install() -> None:
    """Make every API Gateway v1/v2 backend created from now on one of drkit's. Idempotent."""
    install_backend(apigatewayv2_backends, models.DrkitApiGatewayV2Backend)
    install_backend(apigateway_backends, models.DrkitAPIGatewayBackend)
