"""IAM: requests authorized against the caller's policies with the ARNs and context AWS uses.

The gap (moto 5.2.5): with IAM enforcement on (``INITIAL_NO_AUTH_ACTION_COUNT``),
moto checks most services' requests against the resource ``*``: a policy that
grants ``dynamodb:GetItem`` on one table (as every drkit policy does) matches
nothing and the call is refused, while a policy with ``Resource: "*"`` passes
for every table. It names the action by the signing name (``monitoring:`` for
CloudWatch, not ``cloudwatch:``), authorizes ``TransactWriteItems`` as itself
(AWS authorizes each item's action), names S3's ``HeadBucket`` and versioned
``GetObject`` by their API names (AWS: ``s3:ListBucket``,
``s3:GetObjectVersion``), and evaluates no condition of an identity policy.

What this extension does (:mod:`.models`): for DynamoDB (tables, their
streams, transactions item by item), SSM parameters, CloudWatch and S3 it
derives what AWS authorizes (the IAM action, the resource ARN, and the
condition context: ``aws:PrincipalArn``, ``aws:SecureTransport``,
``cloudwatch:namespace``, S3's encryption headers) and decides with its own
evaluator (:mod:`.evaluation`, :mod:`.conditions`, after AWS's evaluation-logic
and condition-operator pages): an explicit Deny in the caller's policies or the
bucket's policy wins, an Allow in either admits. moto's evaluator is not used
for these: it turns an Allow whose condition does not hold into a Deny, treats
every operator but ``StringEquals`` as met, and (for object requests) reads
bucket policies that way too, so a ``Deny`` with a ``Bool``/``Null``/
``...IfExists`` condition refuses everything. Other services keep moto's check.

Requests are taken to arrive as they would at AWS, over TLS 1.2 or later
(``aws:SecureTransport`` true): the emulator listens on plain HTTP on the
loopback only.

Signatures are not verified: moto recomputes them and gets some wrong (GET
requests of REST-JSON APIs, such as Lambda's ``GetFunctionConfiguration``);
the access key must still exist, so an unknown key is refused.

Not emulated: resource policies other than buckets' (key, topic, endpoint
policies), KMS grants and ``kms:ViaService`` (services never call KMS as the
caller here), permission boundaries, SCPs, session policies; the date and IP
condition operators (refused with a message saying so).
"""

from __future__ import annotations


def install() -> None:
    """Authorize requests as AWS does for the services drkit's functions call. Idempotent."""
    from drkit_emulator.iam import models  # imports moto: only in the server process

    models.install_authorizer()
