"""Lambda: dead-letter queue and logging configuration kept; account settings; code signing.

Dead-letter queue and logging
-----------------------------
The gap (moto 5.2.5): ``CreateFunction`` and ``UpdateFunctionConfiguration``
drop ``DeadLetterConfig`` and ``LoggingConfig``, and ``GetFunction`` /
``GetFunctionConfiguration`` never return them. Terraform's
``aws_lambda_function`` with ``dead_letter_config {}`` and
``logging_config {}`` blocks plans to add both again on every run.

What this extension does: functions are made from a ``LambdaFunction``
subclass that keeps ``DeadLetterConfig`` (``{"TargetArn": ...}``; an empty
``TargetArn`` on update removes it) and ``LoggingConfig``, and returns them
with the function's configuration, completed as AWS completes them:
``LogFormat`` defaults to ``Text``, ``LogGroup`` to ``/aws/lambda/<name>``,
and a ``JSON`` format gets ``ApplicationLogLevel``/``SystemLogLevel``
``INFO`` unless set (Lambda's defaults). moto's Lambda models module is
pointed at the subclass; ``create_function`` looks the class up there at call
time.
Nothing is ever sent to the queue (functions do not run without Docker).

Account settings
----------------
The gap (moto 5.2.5): ``GetAccountSettings`` (``GET
/2016-08-19/account-settings/``) answers 404 "Not yet implemented", so
``drkit preflight`` cannot read an emulated account's concurrency.

What this extension does: the route is served from the region's functions.
``AccountLimit.ConcurrentExecutions`` is 1,000 (Lambda's documented default)
or moto's own ``MOTO_LAMBDA_CONCURRENCY_QUOTA`` when the emulator's
environment sets it (moto then refuses reservations past it too, as AWS
does); ``UnreservedConcurrentExecutions`` is that minus the reserved
concurrency of the region's functions (never below 0). The code-size limits
are Lambda's documented defaults (250 MB unzipped, 50 MB zipped, 75 GB in
all); ``AccountUsage`` counts the region's functions and the size of their
code. Not emulated: the reduced quotas of a new account (unless set through
``MOTO_LAMBDA_CONCURRENCY_QUOTA``), and any memory quota (AWS has no API
for it either).

Code signing
------------
The gap (moto 5.2.5): moto stores a function's ``CodeSigningConfigArn`` and
answers ``GetFunctionCodeSigningConfig``, nothing more. The code-signing
configurations themselves (``CreateCodeSigningConfig`` & co.), and
``PutFunctionCodeSigningConfig`` / ``DeleteFunctionCodeSigningConfig``, are
not routed (404), and no code is ever checked, so Terraform's
``aws_lambda_code_signing_config`` cannot be created and a function's
``code_signing_config_arn`` refuses nothing.

What this extension does, after the API reference
(https://docs.aws.amazon.com/lambda/latest/api/API_CreateCodeSigningConfig.html,
https://docs.aws.amazon.com/lambda/latest/api/API_DeleteCodeSigningConfig.html,
https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionCodeSigningConfig.html,
https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html) and the
code-signing guide
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-codesigning.html):

* Configurations (``/2020-04-22/code-signing-configs``): ``Create`` (201;
  ``AllowedPublishers.SigningProfileVersionArns`` 1 to 20, ``CodeSigningPolicies``
  ``Warn`` by default or ``Enforce``, ``Description``, ``Tags``), ``Get``,
  ``Update`` (only the fields sent change), ``Delete`` (204; refused with
  ``ResourceConflictException``, 409, while a function uses it, as the API
  page says), ``List`` (``Marker``/``MaxItems``), ``ListFunctionsByCodeSigningConfig``.
  Ids are ``csc-`` and 17 lowercase letters and digits; ARNs
  ``arn:aws:lambda:<region>:<account>:code-signing-config:<id>``. An unknown
  one is ``ResourceNotFoundException`` (404). Their tags go through
  ``ListTags``/``TagResource``/``UntagResource`` as functions' do.
* A function's configuration (``/2020-06-30/functions/{name}/code-signing-config``):
  ``Put`` (an unknown configuration is ``CodeSigningConfigNotFoundException``,
  404), ``Get``, ``Delete`` (204); ``CodeSigningConfigArn`` on
  ``CreateFunction`` (unknown: the same 404). Attaching a configuration does
  not check the code already deployed ("only prevent new deployments").
* ``CreateFunction`` and ``UpdateFunctionCode`` of a function with a
  configuration check the archive (``ZipFile``, or ``S3Bucket``/``S3Key`` at the
  exact ``S3ObjectVersion``) with the Signer's signatures
  (:mod:`drkit_emulator.signer.signatures`), Lambda's four checks less
  revocation: **integrity** (the archive or its signature changed after
  signing) fails with ``InvalidCodeSignatureException`` (400) whatever the
  policy, as the API documents; **mismatch** (signed by a profile version not
  in ``AllowedPublishers``, or not signed at all) and **expiry** (past the
  profile's validity period) fail with ``CodeVerificationFailedException``
  (400) under ``Enforce``, and are deployed under ``Warn``. Nothing is
  created or changed when a check fails.
* Deployed signed code sets the function's ``SigningProfileVersionArn`` and
  ``SigningJobArn`` (``GetFunction``); the archive is deployed byte for byte
  (``CodeSha256`` is the signed archive's), and extracts as the unsigned one did.

Checked against hashicorp/aws 5.100.0's calls (by reading the provider's
``internal/service/lambda/code_signing_config.go`` and ``function.go``):
``CreateCodeSigningConfig`` with ``Description`` always sent (empty when
unset) and ``Tags``, then ``GetCodeSigningConfig`` and ``ListTags`` on its
ARN; ``UpdateCodeSigningConfig`` with the changed fields only;
``DeleteCodeSigningConfig`` taking ``ResourceNotFoundException`` as gone;
``CreateFunction`` with ``CodeSigningConfigArn``; on every read of a ``Zip``
function ``GetFunctionCodeSigningConfig`` (moto's null ARN when none reads as empty);
``PutFunctionCodeSigningConfig`` / ``DeleteFunctionCodeSigningConfig`` when
``code_signing_config_arn`` changes; ``signing_job_arn`` and
``signing_profile_version_arn`` read from ``GetFunction``.

Not emulated: the ``SignatureValidationErrors`` CloudWatch metric and the
CloudTrail warning of ``Warn`` (the emulator's log gets a line instead);
revocation (no profile or signature is ever revoked); signed layers (layers
are not checked); real signatures (see :mod:`drkit_emulator.signer`); moto
itself still deploys the latest S3 version when ``S3ObjectVersion`` names an
older one (the check reads the version named).
"""

from __future__ import annotations

from moto.awslambda.models import lambda_backends

from drkit_emulator.awslambda import models
from drkit_emulator.core.routing import install_backend


def install() -> None:
    """Functions keep their configuration; every new backend serves account settings and
    code signing."""
    models.install_functions()
    install_backend(lambda_backends, models.DrkitLambdaBackend)
