"""Route 53: DNSSEC key-signing keys and zone signing; query logging to a log group's plain ARN.

Route 53 is global: one backend per partition rather than per region.

DNSSEC
------
The gap (moto 5.2.5): ``CreateKeySigningKey``, ``ActivateKeySigningKey``,
``DeactivateKeySigningKey``, ``DeleteKeySigningKey``, ``EnableHostedZoneDNSSEC``
and ``DisableHostedZoneDNSSEC`` are not routed (404 with a body the Go SDK
cannot parse), and ``GetDNSSEC`` is a stub that always answers
``ServeSignature: NOT_SIGNING`` with no keys. Terraform's
``aws_route53_key_signing_key`` and ``aws_route53_hosted_zone_dnssec`` cannot
be created, read or destroyed.

What this extension does:

* ``CreateKeySigningKey`` checks the zone (public, existing), the name (3-128
  characters, unique in the zone, at most two per zone) and the KMS key: it
  must exist in the emulator's **us-east-1** KMS under the zone's account, be
  ``ECC_NIST_P256`` with ``SIGN_VERIFY`` usage and be enabled; otherwise
  ``InvalidKMSArn`` says which of these failed. The key is stored with the
  status asked for (``ACTIVE`` by default).
* Its ``DNSKEYRecord``, ``PublicKey``, ``KeyTag`` (RFC 4034 appendix B),
  ``DSRecord`` and ``DigestValue`` (SHA-256, RFC 4509) are computed from the
  KMS key's actual public key and the zone's name, so they are the records a
  parent zone would need. Nothing is ever signed, though: the emulator serves
  no DNS, and there are no RRSIGs anywhere.
* ``ActivateKeySigningKey``/``DeactivateKeySigningKey`` switch the status
  (deactivating the last active key of a signing zone is ``KeySigningKeyInUse``);
  ``DeleteKeySigningKey`` deletes an inactive key (an active one is
  ``InvalidKeySigningKeyStatus``, as in AWS).
* ``EnableHostedZoneDNSSEC`` needs an active key
  (``KeySigningKeyWithActiveStatusNotFound`` otherwise) and makes the zone
  ``SIGNING``; ``DisableHostedZoneDNSSEC`` makes it ``NOT_SIGNING``
  (``DNSSECNotFound`` when DNSSEC was never set up for the zone).
* ``GetDNSSEC`` returns the zone's ``ServeSignature`` and its keys; a private
  zone is ``InvalidArgument``, as in AWS.
* Every change answers a ``ChangeInfo`` that is ``INSYNC`` at once (moto's
  ``GetChange`` already says ``INSYNC`` for any id). Deleting a hosted zone
  forgets its DNSSEC state.

Not emulated: the KMS key policy (AWS needs it to allow
``dnssec-route53.amazonaws.com``), ``KeySigningKeyInParentDSRecord``, the
``ACTION_NEEDED``/``INTERNAL_FAILURE`` states, and signing itself.

Hosted zone ids
---------------
The gap (moto 5.2.5): a new zone's id is 22 random letters and digits, so it
starts with ``Z`` only by chance; every Route 53 zone id starts with ``Z``, and
drkit's spec refuses an ``existing_zone_id`` that does not.

What this extension does: a new zone whose id does not start with ``Z`` gets
its first character replaced by ``Z`` (another id if that one is taken), before
anything else refers to it.

Query logging
-------------
The gap (moto 5.2.5): ``CreateQueryLoggingConfig`` only accepts the log
group's ARN with a ``:*`` suffix (it compares the ARN with
``<log group ARN>:*``). Terraform passes ``aws_cloudwatch_log_group.arn``,
which the provider gives without the suffix, as the AWS documentation's
examples do, and AWS accepts both forms; moto answers
``NoSuchCloudWatchLogsLogGroup`` although the group exists in us-east-1.
moto also only looks at the first page (50 groups) of
``DescribeLogGroups``, so a group further down the list would be missed too.

What this extension does: the log group is looked up by the name in the ARN,
with or without ``:*``, in the us-east-1 logs backend of the account the ARN
names. The ARN is stored as given (Terraform compares it with its
configuration). The other checks (zone exists, ARN shape, one configuration
per zone) are moto's, unchanged in substance.
"""

from __future__ import annotations

from moto.route53.models import route53_backends

from drkit_emulator.core.routing import install_backend
from drkit_emulator.route53 import models


def install() -> None:
    """Make every Route 53 backend created from now on drkit's. Idempotent."""
    install_backend(route53_backends, models.DrkitRoute53Backend)
