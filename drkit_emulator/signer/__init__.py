"""AWS Signer: signing jobs that sign Lambda code archives; unknown profiles answered as AWS does.

Signing jobs
------------
The gap (moto 5.2.5): moto's Signer has signing profiles (``PutSigningProfile``,
``GetSigningProfile``, ``CancelSigningProfile``, ``ListSigningPlatforms``, tags)
but no signing jobs: ``StartSigningJob``, ``DescribeSigningJob`` and
``ListSigningJobs`` are not routed (404), so nothing can sign code for a Lambda
function with a code-signing configuration, and Terraform's
``aws_signer_signing_job`` cannot be created.

What this extension does, after AWS's API reference
(https://docs.aws.amazon.com/signer/latest/api/API_StartSigningJob.html,
https://docs.aws.amazon.com/signer/latest/api/API_DescribeSigningJob.html,
https://docs.aws.amazon.com/signer/latest/api/API_ListSigningJobs.html) and its
guide to Lambda signing jobs
(https://docs.aws.amazon.com/signer/latest/developerguide/signing-jobs-lambda.html):

* ``StartSigningJob`` (``POST /signing-jobs``) takes ``source.s3``
  (``bucketName``, ``key``, ``version``), ``destination.s3`` (``bucketName``,
  ``prefix``) and ``profileName``, and answers ``jobId`` (a UUID) and
  ``jobOwner``. A repeated ``clientRequestToken`` answers the first call's job.
* **The job runs to its end inside the call**, so it is never seen
  ``InProgress`` (AWS runs it asynchronously; the provider's waiter polls
  ``DescribeSigningJob`` until ``Succeeded`` and finds it at once).
* The call is refused (``ValidationException``, 400) when the API page's
  requirements fail: a bucket that does not exist, a source bucket that is not
  version enabled, a bucket in another region than the profile ("Cross-Region
  signing isn't supported"), a missing source field; an unknown profile is
  ``ResourceNotFoundException`` (404), a canceled one ``ValidationException``.
  Where the documentation does not say whether the call or the job fails (a
  missing bucket), the emulator refuses the call.
* The job fails (``status`` ``Failed``, ``statusReason`` saying why) when the
  object itself cannot be signed: the exact source version does not exist,
  or, as the Lambda signing-jobs page lists, the ZIP is empty, malformed or
  signed already; and for platforms other than ``AWSLambda-SHA384-ECDSA``
  (only Lambda's signature format is emulated).
* A job that succeeds reads the exact source version from the emulated S3,
  writes the signed archive to the destination bucket as
  ``<prefix><jobId>.zip`` (the key AWS uses for a Lambda ZIP, as measured by
  https://github.com/ministackorg/ministack/pull/1663; the API pages do not
  name it), and reports ``Succeeded`` with ``statusReason`` "Signing
  Succeeded".
* ``DescribeSigningJob`` (``GET /signing-jobs/{jobId}``) answers AWS's shape:
  ``jobId``, ``source``, ``signedObject.s3.{bucketName,key}``, ``profileName``,
  ``profileVersion``, ``platformId``, ``platformDisplayName``,
  ``signingMaterial`` (when the profile has one), ``createdAt``,
  ``completedAt``, ``signatureExpiresAt`` (the profile's
  ``signatureValidityPeriod`` after signing, 135 months by default),
  ``status``, ``statusReason``, ``requestedBy``, ``jobOwner``, ``jobInvoker``.
  AWS's answer has no ``destination`` and no ``profileVersionArn`` (the
  signature inside the archive names the version ARN); neither does this one.
  An unknown job is ``ResourceNotFoundException``.
* ``ListSigningJobs`` lists the region's jobs, oldest first, filtered by
  ``status`` and ``platformId``, paged by ``maxResults``/``nextToken``.

The signature (:mod:`.signatures`) is the emulator's own: an HMAC-SHA384 keyed
by a secret of the emulator process, in the ZIP's archive comment, so the signed
archive extracts and runs unchanged and the emulated Lambda
(:mod:`drkit_emulator.awslambda`) can check it. Not emulated: real ECDSA
signatures and certificates (``signingMaterial`` is stored, never used),
signatures that verify in another emulator process, ``RevokeSignature``,
``RevokeSigningProfile`` and revocation records (``isRevoked`` is always
false), ``signingParameters`` and ``overrides``, cross-account
``profileOwner``, the other platforms' formats, ``requestedBy`` naming the
calling principal (it names the account's root).

Unknown signing profiles
------------------------
The gap (moto 5.2.5): ``GetSigningProfile`` and ``CancelSigningProfile`` of a
profile that does not exist raise ``KeyError``, a 500; AWS answers
``ResourceNotFoundException`` (404), on which Terraform's
``aws_signer_signing_profile`` removes a profile deleted outside it from its
state.

What this extension does: both answer ``ResourceNotFoundException``. moto's
``PutSigningProfile`` and ``GetSigningProfile`` already return
``profileVersion`` and ``profileVersionArn``
(``arn:aws:signer:<region>:<account>:/signing-profiles/<name>/<version>``),
as AWS does; a profile keeps its version until it is put again.
"""

from __future__ import annotations

from moto.signer.models import signer_backends

from drkit_emulator.core.routing import install_backend
from drkit_emulator.signer import models


def install() -> None:
    """Make every Signer backend created from now on drkit's. Idempotent."""
    install_backend(signer_backends, models.DrkitSignerBackend)
