"""Lambda: a function in the private subnets, traced, with an encrypted DLQ and log group,
running signed code, published as versions and invoked through its alias."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
from constructs import Construct

from drkit.aws import (
    LambdaAlias,
    LambdaCodeSigningConfig,
    LambdaCodeSigningConfigAllowedPublishers,
    LambdaCodeSigningConfigPolicies,
    LambdaFunction,
    LambdaFunctionDeadLetterConfig,
    LambdaFunctionEnvironment,
    LambdaFunctionLoggingConfig,
    LambdaFunctionTracingConfig,
    LambdaFunctionVpcConfig,
    SqsQueue,
)
from drkit.errors import SpecError
from drkit.regions.names import FUNCTION_ALIAS, FUNCTIONS
from drkit.services.kms import EncryptionKey
from drkit.services.logs import LogGroup, LogGroupProps
from drkit.services.placement import Placement
from drkit.services.signer import SignedArchive, SigningProfile
from drkit.services.vpc import Network

RUNTIME = "python3.12"
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
#: Lambda refuses to create or update a function whose code is unsigned, signed by another
#: profile, altered or expired (``Warn`` would deploy it and only log).
ENFORCE = "Enforce"
#: Lambda's default level of JSON logs, application and system alike
#: (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html).
LOG_LEVEL = "INFO"


class CodeSigningConfig(Construct):
    """The region's code-signing configuration: only code its own profile signed deploys.

    Attributes:
        region: Its region.
        config_arn: Its ARN (a function's ``code_signing_config_arn``).
    """

    def __init__(
        self, scope: Construct, id: str, *, placement: Placement, profile: SigningProfile
    ) -> None:
        if profile.region != placement.region:
            raise SpecError("profile", profile.region, f"a profile in {placement.region}")
        super().__init__(scope, id)
        p = placement
        self.region = p.region
        self.resource = LambdaCodeSigningConfig(
            self,
            "resource",
            provider=p.provider,
            description=f"drkit: code signed by the release profile of {p.region}, enforced",
            allowed_publishers=LambdaCodeSigningConfigAllowedPublishers(
                signing_profile_version_arns=[profile.version_arn]
            ),
            policies=LambdaCodeSigningConfigPolicies(untrusted_artifact_on_deployment=ENFORCE),
            tags=p.tagged(),
        )
        self.config_arn: str = self.resource.arn


@attrs.frozen(kw_only=True)
class RegionalFunctionProps:
    """Props of :class:`RegionalFunction`.

    Attributes:
        placement: Region, provider and naming.
        purpose: Names the function, queue and log group (``drkit.regions.names.FUNCTIONS``).
        role_arn: Its execution role (made by the IAM stack, from ``drkit.access``).
        code: The signed release archive (``assets/runtime``), same region.
        code_signing: The region's code-signing configuration, which refuses any other code.
        handler: Dotted handler name inside the package.
        network: The region's VPC; the function runs in its private subnets. None: outside
            any VPC, with the Lambda service's own internet access (the watcher only).
        key: Encrypts the environment, the DLQ and the log group; same region.
        memory_mb: Memory (128-10240).
        timeout_seconds: Timeout (1-900).
        reserved_concurrency: Reserved concurrent executions.
        log_retention_days: Retention of the function's log group.
        environment: Environment variables (no secrets; they are KMS-encrypted anyway).
    """

    placement: Placement
    purpose: str
    role_arn: str
    code: SignedArchive
    code_signing: CodeSigningConfig
    handler: str
    network: Network | None
    key: EncryptionKey
    memory_mb: int = 3072
    timeout_seconds: int = 30
    reserved_concurrency: int = 100
    log_retention_days: int = 365
    environment: Mapping[str, str] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if not 128 <= self.memory_mb <= 10240:
            raise SpecError("memory_mb", self.memory_mb, "128 to 10240")
        if not 1 <= self.timeout_seconds <= 900:
            raise SpecError("timeout_seconds", self.timeout_seconds, "1 to 900")
        for field in ("key", "code", "code_signing"):
            region = getattr(self, field).region
            if region != self.placement.region:
                raise SpecError(field, region, f"the function's region {self.placement.region}")
        reserved = [k for k in self.environment if k.startswith("AWS_")]
        if reserved:
            raise SpecError(
                "environment", reserved, "names not starting with AWS_ (reserved by Lambda)"
            )


class RegionalFunction(Construct):
    """One function of a regional footprint.

    Attributes:
        purpose: What it is for (``api``, ``canary``).
        function_name: Its name.
        function_arn: Its unqualified ARN (metrics and logs; never invoked by it).
        alias_name: The alias every caller invokes (``names.FUNCTION_ALIAS``).
        alias_arn: The alias's ARN (event targets, stream mappings).
        alias_invoke_arn: The alias's invoke ARN (API integrations).
        role_arn: Its execution role.
        dead_letter_queue: The encrypted DLQ for failed asynchronous invocations.
        log_group: Its encrypted log group.
    """

    def __init__(self, scope: Construct, id: str, *, props: RegionalFunctionProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self.region = p.region
        self.purpose = props.purpose
        self._names = FUNCTIONS[props.purpose]
        self.function_name = p.named(self._names.function)
        self.role_arn = props.role_arn
        self._logs_and_dead_letters(props)
        self.resource = self._function(props)
        self.function_arn: str = self.resource.arn
        self.alias_name = FUNCTION_ALIAS
        # Callers invoke the alias, so a region is rolled back by moving it to the previous
        # version, without a rebuild; Terraform moves it to each version it publishes.
        self.alias = LambdaAlias(
            self,
            "alias",
            provider=p.provider,
            name=FUNCTION_ALIAS,
            description=f"drkit {props.purpose}: the version callers run",
            function_name=self.resource.function_name,
            function_version=self.resource.version,
        )
        self.alias_arn: str = self.alias.arn
        self.alias_invoke_arn: str = self.alias.invoke_arn

    def _logs_and_dead_letters(self, props: RegionalFunctionProps) -> None:
        """The encrypted log group and dead-letter queue, both named after the function."""
        p = props.placement
        self.log_group = LogGroup(
            self,
            "log-group",
            props=LogGroupProps(
                placement=p,
                log_group_name=p.named(self._names.log_group),
                key=props.key,
                retention_days=props.log_retention_days,
            ),
        )
        queue_name = p.named(self._names.dead_letter_queue)
        self.dead_letter_queue = SqsQueue(
            self,
            "dlq",
            provider=p.provider,
            name=queue_name,
            kms_master_key_id=props.key.key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            tags=p.tagged(queue_name),
        )
        self.dead_letter_queue_arn: str = self.dead_letter_queue.arn

    def _function(self, props: RegionalFunctionProps) -> LambdaFunction:
        p = props.placement
        return LambdaFunction(
            self,
            "resource",
            provider=p.provider,
            function_name=self.function_name,
            description=f"drkit {props.purpose} function, {p.region}",
            role=self.role_arn,
            runtime=RUNTIME,
            architectures=["arm64"],
            handler=props.handler,
            # The signed copy (a new key per signing job, so new code is a new key), checked
            # by Lambda against the configuration on every deployment.
            s3_bucket=props.code.s3_bucket,
            s3_key=props.code.s3_key,
            code_signing_config_arn=props.code_signing.config_arn,
            publish=True,
            memory_size=props.memory_mb,
            timeout=props.timeout_seconds,
            reserved_concurrent_executions=props.reserved_concurrency,
            kms_key_arn=props.key.key_arn,
            environment=LambdaFunctionEnvironment(variables=dict(props.environment)),
            vpc_config=LambdaFunctionVpcConfig(
                subnet_ids=props.network.private_subnet_ids,
                security_group_ids=[props.network.workload_security_group_id],
            )
            if props.network is not None
            else None,
            tracing_config=LambdaFunctionTracingConfig(mode="Active"),
            dead_letter_config=LambdaFunctionDeadLetterConfig(
                target_arn=self.dead_letter_queue_arn
            ),
            # The levels are AWS's defaults for JSON logs, spelled out: left unset, the
            # provider's publish check sees them change on every plan and publishes a new
            # version each apply (hashicorp/terraform-provider-aws#33383, #42660).
            logging_config=LambdaFunctionLoggingConfig(
                log_format="JSON",
                log_group=self.log_group.log_group_name,
                application_log_level=LOG_LEVEL,
                system_log_level=LOG_LEVEL,
            ),
            tags=p.tagged(self.function_name),
            # The group must exist first, or Lambda creates an unencrypted one.
            depends_on=[self.log_group.resource],
        )
