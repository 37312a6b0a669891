"""Lambda code-signing configurations, and the check of a code archive against one.

The gaps and what is emulated: :mod:`drkit_emulator.awslambda`.
"""

from __future__ import annotations

import string
import sys
import time
from typing import Any

from moto.awslambda.exceptions import LambdaClientError
from moto.core.utils import iso_8601_datetime_with_nanoseconds
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

from drkit_emulator.signer import signatures

POLICIES = ("Warn", "Enforce")
DEFAULT_POLICY = "Warn"  # CodeSigningPolicies.UntrustedArtifactOnDeployment's default
MAX_PUBLISHERS = 20


class NotFound(LambdaClientError):
    """``ResourceNotFoundException`` (404): the configuration, function or resource is unknown."""

    code = 404

    def __init__(self, message: str) -> None:
        super().__init__("ResourceNotFoundException", message)


class ConfigNotFound(LambdaClientError):
    """``CodeSigningConfigNotFoundException`` (404): a function names an unknown configuration."""

    code = 404

    def __init__(self, arn: str) -> None:
        super().__init__(
            "CodeSigningConfigNotFoundException", f"Code signing config {arn} not found"
        )


class InUse(LambdaClientError):
    """``ResourceConflictException`` (409): functions still use the configuration."""

    code = 409

    def __init__(self, message: str) -> None:
        super().__init__("ResourceConflictException", message)


class InvalidCodeSignature(LambdaClientError):
    """``InvalidCodeSignatureException`` (400): the integrity check failed, whatever the policy."""

    def __init__(self, message: str) -> None:
        super().__init__("InvalidCodeSignatureException", message)


class CodeVerificationFailed(LambdaClientError):
    """``CodeVerificationFailedException`` (400): mismatch, expiry or no signature, ``Enforce``."""

    def __init__(self, message: str) -> None:
        super().__init__("CodeVerificationFailedException", message)


def invalid(message: str) -> LambdaClientError:
    return LambdaClientError("InvalidParameterValueException", message)


class CodeSigningConfig:
    """One code-signing configuration of an account and region.

    Attributes:
        config_id: ``csc-`` and 17 lowercase letters and digits (AWS's pattern).
        arn: ``arn:<partition>:lambda:<region>:<account>:code-signing-config:<id>``.
        profile_version_arns: ``AllowedPublishers.SigningProfileVersionArns``.
        policy: ``CodeSigningPolicies.UntrustedArtifactOnDeployment``.
        description: As sent; empty when left out.
        tags: Its tags (``ListTags``, ``TagResource`` and ``UntagResource`` reach them).
        last_modified: ISO 8601, updated on each change.
    """

    def __init__(self, account_id: str, region: str, request: dict[str, Any]) -> None:
        alphabet = string.ascii_lowercase + string.digits
        self.config_id = "csc-" + "".join(mock_random.choice(alphabet) for _ in range(17))
        self.arn = (
            f"arn:{get_partition(region)}:lambda:{region}:{account_id}"
            f":code-signing-config:{self.config_id}"
        )
        self.profile_version_arns: list[str] = []
        self.policy = DEFAULT_POLICY
        self.description = ""
        self.tags: dict[str, str] = dict(request.get("Tags") or {})
        self.last_modified = ""
        if "AllowedPublishers" not in request:
            raise invalid("AllowedPublishers is required")
        self.update(request)

    def update(self, request: dict[str, Any]) -> None:
        """Apply the fields ``request`` has; the others stay (``UpdateCodeSigningConfig``)."""
        if "AllowedPublishers" in request:
            arns = list((request["AllowedPublishers"] or {}).get("SigningProfileVersionArns") or [])
            if not 1 <= len(arns) <= MAX_PUBLISHERS:
                raise invalid(
                    f"AllowedPublishers.SigningProfileVersionArns must have 1 to {MAX_PUBLISHERS} "
                    f"ARNs, not {len(arns)}"
                )
            self.profile_version_arns = arns
        if "CodeSigningPolicies" in request:
            policy = (request["CodeSigningPolicies"] or {}).get(
                "UntrustedArtifactOnDeployment", DEFAULT_POLICY
            )
            if policy not in POLICIES:
                raise invalid(
                    f"CodeSigningPolicies.UntrustedArtifactOnDeployment {policy!r} is not one "
                    f"of {', '.join(POLICIES)}"
                )
            self.policy = policy
        if "Description" in request:
            self.description = request["Description"] or ""
        self.last_modified = iso_8601_datetime_with_nanoseconds()

    def to_dict(self) -> dict[str, Any]:
        return {
            "CodeSigningConfigId": self.config_id,
            "CodeSigningConfigArn": self.arn,
            "Description": self.description,
            "AllowedPublishers": {"SigningProfileVersionArns": list(self.profile_version_arns)},
            "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": self.policy},
            "LastModified": self.last_modified,
        }


def check_archive(
    archive: bytes, config: CodeSigningConfig, function_name: str
) -> signatures.Signature | None:
    """The archive's signature, after Lambda's checks for deploying it under ``config``.

    https://docs.aws.amazon.com/lambda/latest/dg/configuration-codesigning.html

    Raises:
        InvalidCodeSignature: The archive changed after signing (any policy).
        CodeVerificationFailed: Unsigned, signed by a profile version the
            configuration does not allow, or expired, and the policy is ``Enforce``.
    """
    try:
        signature = signatures.read(archive)
    except signatures.IntegrityError as error:
        raise InvalidCodeSignature(
            f"Lambda cannot deploy the function {function_name}: the code signature failed "
            f"the integrity check ({error})"
        ) from error
    problem = untrusted(signature, config)
    if problem is None:
        return signature
    if config.policy == "Enforce":
        raise CodeVerificationFailed(
            f"Lambda cannot deploy the function {function_name}: {problem} "
            f"(code signing config {config.arn}, policy Enforce)"
        )
    # Warn: AWS deploys, publishes a SignatureValidationErrors metric and logs to CloudTrail.
    print(
        f"drkit emulator: code signing warning for {function_name}: {problem} "
        f"(code signing config {config.arn}, policy Warn)",
        file=sys.stderr,
        flush=True,
    )
    return signature


def untrusted(signature: signatures.Signature | None, config: CodeSigningConfig) -> str | None:
    """Why Lambda would not trust an intact signature under ``config``; ``None`` if it does."""
    if signature is None:
        return "the code is not signed"
    if signature.profile_version_arn not in config.profile_version_arns:
        return (
            f"the code is signed by signing profile version {signature.profile_version_arn}, "
            "which is not one of the configuration's allowed publishers"
        )
    if signature.expires_at <= time.time():
        return "the code's signature has expired"
    return None
