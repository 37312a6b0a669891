"""Extensions that fill the gaps drkit found in moto, applied before the emulator serves requests.

Each extension is one small module whose docstring names the gap, the moto
version it was found in and what the extension does; ``docs/emulator.md``
lists them. They were written against moto 5.2.5 (the version the ``local``
extra pins). :func:`install` checks that the moto in use still has the shape
they rely on and refuses, with :class:`~drkit.deploy.errors.MotoExtensionError`,
when it does not; another version that still fits only earns a warning.

Importing this package does not import moto; :func:`install` does.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import warnings

from drkit.deploy.errors import MotoExtensionError

SUPPORTED_MOTO_VERSION = "5.2.5"

EXTENSIONS = (
    "drkit.deploy.moto_ext.dynamodb_global_tables",
    "drkit.deploy.moto_ext.dynamodb_stream_region",
    "drkit.deploy.moto_ext.dynamodb_tags",
    "drkit.deploy.moto_ext.apigatewayv2_domain_names",
    "drkit.deploy.moto_ext.backup_selections",
    "drkit.deploy.moto_ext.backup_recovery_points",
    "drkit.deploy.moto_ext.backup_tags",
    "drkit.deploy.moto_ext.route53_dnssec",
    "drkit.deploy.moto_ext.route53_query_logging",
    "drkit.deploy.moto_ext.acm_key_algorithm",
    "drkit.deploy.moto_ext.kms_rotation_period",
    "drkit.deploy.moto_ext.lambda_function_config",
    "drkit.deploy.moto_ext.s3_bucket_configs",
    "drkit.deploy.moto_ext.ec2_security_group_rules",
    "drkit.deploy.moto_ext.ec2_security_group_rule_ids",
)
"""The extension modules, in the order docs/emulator.md lists them."""

# Method -> the parameters the extensions pass by name or position.
_BACKEND_SIGNATURES = {
    "create_table": (
        "name",
        "schema",
        "throughput",
        "attr",
        "global_indexes",
        "indexes",
        "streams",
        "billing_mode",
        "sse_specification",
        "tags",
        "deletion_protection_enabled",
        "warm_throughput",
    ),
    "delete_table": ("name",),
    "describe_table": ("name",),
    "get_table": ("table_name",),
    "get_keys_value": ("table", "keys"),
    "put_item": ("table_name", "item_attrs"),
    "update_item": ("table_name", "key"),
    "delete_item": ("table_name", "key"),
    "transact_write_items": ("transact_items",),
    "execute_statement": ("statement", "parameters"),
    "update_time_to_live": ("table_name", "ttl_spec"),
    "tag_resource": ("arn", "tags"),
}

# The other extensions: (module, class) -> method -> the parameters they pass
# (the first by position, the rest by name) or, for methods moto calls on the
# extensions' overrides, the parameters moto passes. () only requires the method.
_CLASS_SIGNATURES: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("moto.apigatewayv2.models", "ApiGatewayV2Backend"): {
        "create_domain_name": (
            "domain_name",
            "domain_name_configurations",
            "mutual_tls_authentication",
            "tags",
        ),
        "get_domain_name": ("domain_name",),
        "delete_domain_name": ("domain_name",),
        "get_tags": ("resource_id",),
        "tag_resource": ("resource_arn", "tags"),
    },
    ("moto.apigatewayv2.models", "DomainName"): {
        "__init__": (
            "domain_name",
            "domain_name_configurations",
            "mutual_tls_authentication",
            "tags",
            "backend",
        ),
        "to_json": (),
    },
    ("moto.backup.models", "BackupBackend"): {
        "create_backup_plan": ("backup_plan", "backup_plan_tags", "creator_request_id"),
        "delete_backup_plan": ("backup_plan_id",),
        "describe_backup_vault": ("backup_vault_name",),
        "list_tags": ("resource_arn",),
    },
    ("moto.route53.models", "Route53Backend"): {
        "get_hosted_zone": ("id_",),
        "delete_hosted_zone": ("id_",),
        "create_query_logging_config": ("hosted_zone_id", "log_group_arn"),
        "get_dnssec": ("zone_id",),
    },
    ("moto.route53.models", "QueryLoggingConfig"): {
        "__init__": (
            "query_logging_config_id",
            "hosted_zone_id",
            "cloudwatch_logs_log_group_arn",
        ),
    },
    ("moto.acm.models", "AWSCertificateManagerBackend"): {"get_certificate": ("arn",)},
    ("moto.acm.models", "CertBundle"): {
        "describe": (),
        "validate_pk": (),
        "validate_certificate": (),
    },
    ("moto.acm.responses", "AWSCertificateManagerResponse"): {"request_certificate": ()},
    ("moto.kms.models", "KmsBackend"): {"describe_key": ("key_id",)},
    ("moto.kms.responses", "KmsResponse"): {
        "enable_key_rotation": (),
        "get_key_rotation_status": (),
        "_validate_cmk_id": ("key_id",),
    },
    ("moto.awslambda.models", "LambdaFunction"): {
        "__init__": ("account_id", "spec"),
        "get_configuration": ("on_create",),
        "update_configuration": ("config_updates",),
    },
    ("moto.s3.models", "S3Backend"): {
        "get_bucket_notification_configuration": ("bucket_name",),
        "get_bucket_replication": ("bucket_name",),
    },
    ("moto.s3.responses", "S3Response"): {
        "get_bucket_notification": (),
        "get_bucket_replication": (),
        "serialized": ("action_result",),
    },
    ("moto.ec2.models.security_groups", "SecurityGroupBackend"): {
        "revoke_security_group_ingress": ("group_name_or_id", "security_rule_ids", "vpc_id"),
        "revoke_security_group_egress": ("group_name_or_id", "security_rule_ids", "vpc_id"),
        "get_security_group_by_name_or_id": ("group_name_or_id", "vpc_id"),
    },
    ("moto.ec2.models.security_groups", "SecurityGroupRule"): {
        "__init__": (
            "ec2_backend",
            "ip_protocol",
            "group_id",
            "from_port",
            "to_port",
            "ip_range",
            "source_group",
            "prefix_list_id",
        ),
    },
}

# (URL module, handler class): the extensions route the handler's paths to their subclass.
_ROUTES = (
    ("moto.apigatewayv2.urls", "moto.apigatewayv2.responses", "ApiGatewayV2Response"),
    # moto serves API Gateway v2 through v1's URL module.
    ("moto.apigateway.urls", "moto.apigatewayv2.responses", "ApiGatewayV2Response"),
    ("moto.backup.urls", "moto.backup.responses", "BackupResponse"),
    ("moto.route53.urls", "moto.route53.responses", "Route53"),
    ("moto.acm.urls", "moto.acm.responses", "AWSCertificateManagerResponse"),
    ("moto.kms.urls", "moto.kms.responses", "KmsResponse"),
    ("moto.s3.urls", "moto.s3.responses", "S3Response"),
)

_BACKEND_DICTS = (
    ("moto.apigatewayv2.models", "apigatewayv2_backends"),
    ("moto.apigateway.models", "apigateway_backends"),
    ("moto.backup.models", "backup_backends"),
    ("moto.route53.models", "route53_backends"),
    ("moto.acm.models", "acm_backends"),
    ("moto.kms.models", "kms_backends"),
    ("moto.s3.models", "s3_backends"),
)

_installed = False


def moto_version() -> str | None:
    """The installed moto's version, or ``None`` when moto is not installed."""
    try:
        return importlib.metadata.version("moto")
    except importlib.metadata.PackageNotFoundError:
        return None


def compatibility_problems() -> list[str]:
    """Check the parts of moto the extensions override or call; return what no longer fits."""
    from moto.core.base_backend import BackendDict
    from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
    from moto.dynamodb.models import table as table_module
    from moto.dynamodb.responses import DynamoHandler

    problems = []
    for method, params in _BACKEND_SIGNATURES.items():
        function = getattr(DynamoDBBackend, method, None)
        if function is None:
            problems.append(f"DynamoDBBackend.{method} is gone")
            continue
        names = list(inspect.signature(function).parameters)[1:]
        # The first parameter is passed by position, the others by name.
        if not names or names[0] != params[0] or not set(params) <= set(names):
            problems.append(f"DynamoDBBackend.{method}{tuple(names)} no longer takes {params}")
    if not isinstance(dynamodb_backends, BackendDict) or not hasattr(dynamodb_backends, "backend"):
        problems.append("moto.dynamodb.models.dynamodb_backends is no longer a BackendDict")
    if not callable(getattr(DynamoHandler, "update_table", None)):
        problems.append("DynamoHandler.update_table is gone")
    record = getattr(table_module, "StreamRecord", None)
    if record is None:
        problems.append("moto.dynamodb.models.table.StreamRecord is gone")
    elif list(inspect.signature(record.__init__).parameters)[1:2] != ["table"]:
        problems.append("StreamRecord.__init__ no longer takes the table first")
    for method in ("all_items", "get_item", "put_item", "delete_item", "describe"):
        if not callable(getattr(table_module.Table, method, None)):
            problems.append(f"Table.{method} is gone")
    problems.extend(_other_service_problems())
    return problems


def _other_service_problems() -> list[str]:
    """The checks of the extensions beyond DynamoDB: signatures, routes and backend dicts."""
    import importlib

    from moto.core.base_backend import BackendDict

    from drkit.deploy.moto_ext import _routing

    problems = []
    for (module_name, class_name), methods in _CLASS_SIGNATURES.items():
        cls = getattr(importlib.import_module(module_name), class_name, None)
        if cls is None:
            problems.append(f"{module_name}.{class_name} is gone")
            continue
        for method, params in methods.items():
            function = getattr(cls, method, None)
            if not callable(function):
                problems.append(f"{class_name}.{method} is gone")
                continue
            names = list(inspect.signature(function).parameters)[1:]
            if params and (names[:1] != [params[0]] or not set(params) <= set(names)):
                problems.append(f"{class_name}.{method}{tuple(names)} no longer takes {params}")
    for urls_name, responses_name, handler_name in _ROUTES:
        handler = getattr(importlib.import_module(responses_name), handler_name, None)
        if handler is None:
            problems.append(f"{responses_name}.{handler_name} is gone")
            continue
        try:
            _routing.routed_url_module(
                importlib.import_module(urls_name),
                handler,
                handler,
                keep_other_handlers=urls_name == "moto.apigateway.urls",
            )
        except MotoExtensionError as error:
            problems.append(str(error))
    for module_name, dict_name in _BACKEND_DICTS:
        backends = getattr(importlib.import_module(module_name), dict_name, None)
        if not isinstance(backends, BackendDict):
            problems.append(f"{module_name}.{dict_name} is no longer a BackendDict")
    return problems


def install() -> None:
    """Apply every extension to the moto in this process. Idempotent.

    Raises:
        MotoExtensionError: moto is missing, or its shape no longer fits the
            extensions; the message names the version and what changed.
    """
    global _installed
    if _installed:
        return
    version = moto_version()
    if version is None:
        raise MotoExtensionError("moto is not installed; pip install 'drkit[local]'")
    problems = compatibility_problems()
    if problems:
        raise MotoExtensionError(
            f"drkit's moto extensions were written for moto {SUPPORTED_MOTO_VERSION}; "
            f"moto {version} differs where they depend on it:\n"
            + "\n".join(f"  - {p}" for p in problems)
            + f"\nInstall moto[server]=={SUPPORTED_MOTO_VERSION} (pip install 'drkit[local]')."
        )
    if version != SUPPORTED_MOTO_VERSION:
        warnings.warn(
            f"drkit's moto extensions were written for moto {SUPPORTED_MOTO_VERSION}, "
            f"running on {version}; the checked interfaces still fit",
            stacklevel=2,
        )
    from drkit.deploy.moto_ext import (
        acm,
        apigatewayv2,
        backup,
        dynamodb,
        ec2_security_group_rule_ids,
        ec2_security_group_rules,
        kms,
        lambda_function_config,
        route53,
        s3,
    )

    dynamodb.install()
    apigatewayv2.install()
    backup.install()
    route53.install()
    acm.install()
    kms.install()
    lambda_function_config.install()
    s3.install()
    ec2_security_group_rules.install()
    ec2_security_group_rule_ids.install()
    _installed = True


def installed() -> bool:
    """Whether :func:`install` has run in this process."""
    return _installed
