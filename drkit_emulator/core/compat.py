"""Checks that the installed moto still has the shape drkit's extensions override and call.

The extensions were written against moto 5.2.5, the version the ``local``
extra pins. :func:`compatibility_problems` names what no longer fits: a class
or method gone, parameters renamed, a URL module that no longer routes to the
handler an extension subclasses, a backend registry that is no longer a
``BackendDict``. moto's modules are imported by name inside the checks, so
importing this module needs no moto.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect

from drkit_emulator.core import routing
from drkit_emulator.errors import MotoExtensionError

SUPPORTED_MOTO_VERSION = "5.2.5"

# (module, class) -> method -> the parameters the extensions pass (the first
# by position, the rest by name) or, for methods moto calls on the extensions'
# overrides, the parameters moto passes. () only requires the method.
_SIGNATURES: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("moto.dynamodb.models", "DynamoDBBackend"): {
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
    },
    ("moto.dynamodb.responses", "DynamoHandler"): {"update_table": ()},
    ("moto.dynamodb.models.table", "StreamRecord"): {"__init__": ("table",)},
    ("moto.dynamodb.models.table", "Table"): {
        "all_items": (),
        "get_item": (),
        "put_item": (),
        "delete_item": (),
        "describe": (),
    },
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
    ("moto.backup.models", "Plan"): {"__init__": ("backup_plan", "creator_request_id", "backend")},
    ("moto.backup.models", "BackupBackend"): {
        "create_backup_plan": ("backup_plan", "backup_plan_tags", "creator_request_id"),
        "get_backup_plan": ("backup_plan_id", "version_id"),
        "delete_backup_plan": ("backup_plan_id",),
        "describe_backup_vault": ("backup_vault_name",),
        "list_tags": ("resource_arn",),
    },
    ("moto.route53.models", "Route53Backend"): {
        "get_hosted_zone": ("id_",),
        "create_hosted_zone": ("name", "private_zone"),
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
    ("moto.cloudwatch.models", "CloudWatchBackend"): {"put_metric_alarm": ("name", "tags")},
    ("moto.awslambda.models", "LambdaBackend"): {
        "list_functions": ("func_version",),
        "create_function": ("spec",),
        "update_function_code": ("function_name", "qualifier", "body"),
        "get_function": ("function_name_or_arn", "qualifier"),
        "_get_resource_by_arn": ("arn",),
    },
    ("moto.awslambda.models", "LambdaFunction"): {
        "__init__": ("account_id", "spec"),
        "get_configuration": ("on_create",),
        "update_configuration": ("config_updates",),
        "get_function_code_signing_config": (),
    },
    ("moto.signer.models", "SignerBackend"): {
        "get_signing_profile": ("profile_name",),
        "cancel_signing_profile": ("profile_name",),
    },
    ("moto.signer.models", "SigningProfile"): {"to_dict": ("full",), "cancel": ()},
    ("moto.s3.models", "S3Backend"): {
        "get_bucket_notification_configuration": ("bucket_name",),
        "get_bucket_replication": ("bucket_name",),
        # The Signer reads and writes objects; Lambda reads a code version.
        "get_bucket": ("bucket_name",),
        "get_object": ("bucket_name", "key_name", "version_id"),
        "put_object": ("bucket_name", "key_name", "value"),
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

# (URL module, handler module, handler class): the extensions route the handler's paths.
_ROUTES = (
    ("moto.dynamodb.urls", "moto.dynamodb.responses", "DynamoHandler"),
    ("moto.apigatewayv2.urls", "moto.apigatewayv2.responses", "ApiGatewayV2Response"),
    # moto serves API Gateway v2 through v1's URL module.
    ("moto.apigateway.urls", "moto.apigatewayv2.responses", "ApiGatewayV2Response"),
    ("moto.backup.urls", "moto.backup.responses", "BackupResponse"),
    ("moto.route53.urls", "moto.route53.responses", "Route53"),
    ("moto.acm.urls", "moto.acm.responses", "AWSCertificateManagerResponse"),
    ("moto.kms.urls", "moto.kms.responses", "KmsResponse"),
    ("moto.awslambda.urls", "moto.awslambda.responses", "LambdaResponse"),
    ("moto.signer.urls", "moto.signer.responses", "SignerResponse"),
    ("moto.s3.urls", "moto.s3.responses", "S3Response"),
    ("moto.ssm.urls", "moto.ssm.responses", "SimpleSystemManagerResponse"),
)

# The backend registries whose class the extensions swap.
_BACKEND_DICTS = (
    ("moto.dynamodb.models", "dynamodb_backends"),
    ("moto.apigatewayv2.models", "apigatewayv2_backends"),
    ("moto.apigateway.models", "apigateway_backends"),
    ("moto.backup.models", "backup_backends"),
    ("moto.route53.models", "route53_backends"),
    ("moto.acm.models", "acm_backends"),
    ("moto.kms.models", "kms_backends"),
    ("moto.awslambda.models", "lambda_backends"),
    ("moto.signer.models", "signer_backends"),
    ("moto.s3.models", "s3_backends"),
    ("moto.ssm.models", "ssm_backends"),
    ("moto.cloudwatch.models", "cloudwatch_backends"),
)


def moto_version() -> str | None:
    """The installed moto's version, or ``None`` when moto is not installed."""
    try:
        return importlib.metadata.version("moto")
    except importlib.metadata.PackageNotFoundError:
        return None


def compatibility_problems() -> list[str]:
    """Check the parts of moto the extensions override or call; return what no longer fits."""
    return [*_signature_problems(), *_route_problems(), *_backend_dict_problems()]


def _signature_problems() -> list[str]:
    problems = []
    for (module_name, class_name), methods in _SIGNATURES.items():
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
    return problems


def _route_problems() -> list[str]:
    problems = []
    for urls_name, responses_name, handler_name in _ROUTES:
        handler = getattr(importlib.import_module(responses_name), handler_name, None)
        if handler is None:
            problems.append(f"{responses_name}.{handler_name} is gone")
            continue
        try:
            routing.routed_url_module(
                importlib.import_module(urls_name),
                handler,
                handler,
                keep_other_handlers=urls_name == "moto.apigateway.urls",
            )
        except MotoExtensionError as error:
            problems.append(str(error))
    return problems


def _backend_dict_problems() -> list[str]:
    backend_dict = importlib.import_module("moto.core.base_backend").BackendDict
    problems = []
    for module_name, dict_name in _BACKEND_DICTS:
        backends = getattr(importlib.import_module(module_name), dict_name, None)
        if not isinstance(backends, backend_dict):
            problems.append(f"{module_name}.{dict_name} is no longer a BackendDict")
    return problems
