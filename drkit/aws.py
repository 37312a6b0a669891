"""The AWS provider classes drkit uses, loaded through :mod:`drkit.bindings`.

This is the only module that imports from ``cdktf_cdktf_provider_aws``; going
through it guarantees the fast loader is installed first, so no part of drkit
pays for the ~2,100 submodules it does not use.
"""

from drkit import bindings

bindings.install()

# ruff: noqa: E402
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.acm_certificate_validation import AcmCertificateValidation
from cdktf_cdktf_provider_aws.apigatewayv2_api import Apigatewayv2Api
from cdktf_cdktf_provider_aws.apigatewayv2_api_mapping import Apigatewayv2ApiMapping
from cdktf_cdktf_provider_aws.apigatewayv2_domain_name import (
    Apigatewayv2DomainName,
    Apigatewayv2DomainNameDomainNameConfiguration,
)
from cdktf_cdktf_provider_aws.apigatewayv2_integration import Apigatewayv2Integration
from cdktf_cdktf_provider_aws.apigatewayv2_route import Apigatewayv2Route
from cdktf_cdktf_provider_aws.apigatewayv2_stage import (
    Apigatewayv2Stage,
    Apigatewayv2StageAccessLogSettings,
    Apigatewayv2StageDefaultRouteSettings,
    Apigatewayv2StageRouteSettings,
)
from cdktf_cdktf_provider_aws.backup_plan import (
    BackupPlan,
    BackupPlanRule,
    BackupPlanRuleCopyAction,
    BackupPlanRuleCopyActionLifecycle,
    BackupPlanRuleLifecycle,
)
from cdktf_cdktf_provider_aws.backup_selection import BackupSelection
from cdktf_cdktf_provider_aws.backup_vault import BackupVault
from cdktf_cdktf_provider_aws.backup_vault_lock_configuration import (
    BackupVaultLockConfiguration,
)
from cdktf_cdktf_provider_aws.cloudtrail import (
    Cloudtrail,
    CloudtrailEventSelector,
    CloudtrailEventSelectorDataResource,
)
from cdktf_cdktf_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import (
    CloudwatchEventTarget,
    CloudwatchEventTargetInputTransformer,
)
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.cloudwatch_log_resource_policy import CloudwatchLogResourcePolicy
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import (
    CloudwatchMetricAlarm,
    CloudwatchMetricAlarmMetricQuery,
    CloudwatchMetricAlarmMetricQueryMetric,
)
from cdktf_cdktf_provider_aws.data_aws_availability_zones import (
    DataAwsAvailabilityZones,
    DataAwsAvailabilityZonesFilter,
)
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.data_aws_route53_zone import DataAwsRoute53Zone
from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableReplica,
    DynamodbTableServerSideEncryption,
)
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.lambda_alias import LambdaAlias
from cdktf_cdktf_provider_aws.lambda_code_signing_config import (
    LambdaCodeSigningConfig,
    LambdaCodeSigningConfigAllowedPublishers,
    LambdaCodeSigningConfigPolicies,
)
from cdktf_cdktf_provider_aws.lambda_event_source_mapping import (
    LambdaEventSourceMapping,
    LambdaEventSourceMappingFilterCriteria,
    LambdaEventSourceMappingFilterCriteriaFilter,
)
from cdktf_cdktf_provider_aws.lambda_function import (
    LambdaFunction,
    LambdaFunctionDeadLetterConfig,
    LambdaFunctionEnvironment,
    LambdaFunctionLoggingConfig,
    LambdaFunctionTracingConfig,
    LambdaFunctionVpcConfig,
)
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
from cdktf_cdktf_provider_aws.provider import (
    AwsProvider,
    AwsProviderDefaultTags,
    AwsProviderEndpoints,
)
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route53_health_check import Route53HealthCheck
from cdktf_cdktf_provider_aws.route53_hosted_zone_dnssec import Route53HostedZoneDnssec
from cdktf_cdktf_provider_aws.route53_key_signing_key import Route53KeySigningKey
from cdktf_cdktf_provider_aws.route53_query_log import Route53QueryLog
from cdktf_cdktf_provider_aws.route53_record import (
    Route53Record,
    Route53RecordAlias,
    Route53RecordWeightedRoutingPolicy,
)
from cdktf_cdktf_provider_aws.route53_zone import Route53Zone
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionTransition,
    S3BucketLifecycleConfigurationRuleTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA as S3BucketLogging
from cdktf_cdktf_provider_aws.s3_bucket_notification import S3BucketNotification
from cdktf_cdktf_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationA as S3BucketObjectLockConfiguration,
)
from cdktf_cdktf_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationRuleA as S3BucketObjectLockConfigurationRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationRuleDefaultRetentionA as S3BucketObjectLockConfigurationRuleDefaultRetention,  # noqa: E501 (the provider's names)
)
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationA as S3BucketReplicationConfiguration,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRule,
    S3BucketReplicationConfigurationRuleDeleteMarkerReplication,
    S3BucketReplicationConfigurationRuleDestination,
    S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration,
    S3BucketReplicationConfigurationRuleDestinationMetrics,
    S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold,
    S3BucketReplicationConfigurationRuleDestinationReplicationTime,
    S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime,
    S3BucketReplicationConfigurationRuleFilter,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteria,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaReplicaModifications,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects,
)
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration,
)
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationRuleA as S3BucketServerSideEncryptionConfigurationRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA as S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault,  # noqa: E501 (the provider's names)
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA as S3BucketVersioning,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningVersioningConfiguration,
)
from cdktf_cdktf_provider_aws.s3_object import S3Object
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.signer_signing_job import (
    SignerSigningJob,
    SignerSigningJobDestination,
    SignerSigningJobDestinationS3,
    SignerSigningJobSource,
    SignerSigningJobSourceS3,
)
from cdktf_cdktf_provider_aws.signer_signing_profile import SignerSigningProfile
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from cdktf_cdktf_provider_aws.vpc_peering_connection import VpcPeeringConnection
from cdktf_cdktf_provider_aws.vpc_peering_connection_accepter import (
    VpcPeeringConnectionAccepterA as VpcPeeringConnectionAccepter,
)
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule

# The public names: mypy (strict, no implicit re-export) and readers see exactly what this
# module hands on.
__all__ = [
    "AcmCertificate",
    "AcmCertificateValidation",
    "Apigatewayv2Api",
    "Apigatewayv2ApiMapping",
    "Apigatewayv2DomainName",
    "Apigatewayv2DomainNameDomainNameConfiguration",
    "Apigatewayv2Integration",
    "Apigatewayv2Route",
    "Apigatewayv2Stage",
    "Apigatewayv2StageAccessLogSettings",
    "Apigatewayv2StageDefaultRouteSettings",
    "Apigatewayv2StageRouteSettings",
    "AwsProvider",
    "AwsProviderDefaultTags",
    "AwsProviderEndpoints",
    "BackupPlan",
    "BackupPlanRule",
    "BackupPlanRuleCopyAction",
    "BackupPlanRuleCopyActionLifecycle",
    "BackupPlanRuleLifecycle",
    "BackupSelection",
    "BackupVault",
    "BackupVaultLockConfiguration",
    "Cloudtrail",
    "CloudtrailEventSelector",
    "CloudtrailEventSelectorDataResource",
    "CloudwatchDashboard",
    "CloudwatchEventRule",
    "CloudwatchEventTarget",
    "CloudwatchEventTargetInputTransformer",
    "CloudwatchLogGroup",
    "CloudwatchLogResourcePolicy",
    "CloudwatchMetricAlarm",
    "CloudwatchMetricAlarmMetricQuery",
    "CloudwatchMetricAlarmMetricQueryMetric",
    "DataAwsAvailabilityZones",
    "DataAwsAvailabilityZonesFilter",
    "DataAwsCallerIdentity",
    "DataAwsPartition",
    "DataAwsRoute53Zone",
    "DefaultSecurityGroup",
    "DynamodbTable",
    "DynamodbTableAttribute",
    "DynamodbTablePointInTimeRecovery",
    "DynamodbTableReplica",
    "DynamodbTableServerSideEncryption",
    "FlowLog",
    "IamRole",
    "IamRolePolicy",
    "IamRolePolicyAttachment",
    "KmsAlias",
    "KmsKey",
    "LambdaAlias",
    "LambdaCodeSigningConfig",
    "LambdaCodeSigningConfigAllowedPublishers",
    "LambdaCodeSigningConfigPolicies",
    "LambdaEventSourceMapping",
    "LambdaEventSourceMappingFilterCriteria",
    "LambdaEventSourceMappingFilterCriteriaFilter",
    "LambdaFunction",
    "LambdaFunctionDeadLetterConfig",
    "LambdaFunctionEnvironment",
    "LambdaFunctionLoggingConfig",
    "LambdaFunctionTracingConfig",
    "LambdaFunctionVpcConfig",
    "LambdaPermission",
    "Route",
    "Route53HealthCheck",
    "Route53HostedZoneDnssec",
    "Route53KeySigningKey",
    "Route53QueryLog",
    "Route53Record",
    "Route53RecordAlias",
    "Route53RecordWeightedRoutingPolicy",
    "Route53Zone",
    "RouteTable",
    "RouteTableAssociation",
    "S3Bucket",
    "S3BucketLifecycleConfiguration",
    "S3BucketLifecycleConfigurationRule",
    "S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload",
    "S3BucketLifecycleConfigurationRuleExpiration",
    "S3BucketLifecycleConfigurationRuleFilter",
    "S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration",
    "S3BucketLifecycleConfigurationRuleNoncurrentVersionTransition",
    "S3BucketLifecycleConfigurationRuleTransition",
    "S3BucketLogging",
    "S3BucketNotification",
    "S3BucketObjectLockConfiguration",
    "S3BucketObjectLockConfigurationRule",
    "S3BucketObjectLockConfigurationRuleDefaultRetention",
    "S3BucketOwnershipControls",
    "S3BucketOwnershipControlsRule",
    "S3BucketPolicy",
    "S3BucketPublicAccessBlock",
    "S3BucketReplicationConfiguration",
    "S3BucketReplicationConfigurationRule",
    "S3BucketReplicationConfigurationRuleDeleteMarkerReplication",
    "S3BucketReplicationConfigurationRuleDestination",
    "S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration",
    "S3BucketReplicationConfigurationRuleDestinationMetrics",
    "S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold",
    "S3BucketReplicationConfigurationRuleDestinationReplicationTime",
    "S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime",
    "S3BucketReplicationConfigurationRuleFilter",
    "S3BucketReplicationConfigurationRuleSourceSelectionCriteria",
    "S3BucketReplicationConfigurationRuleSourceSelectionCriteriaReplicaModifications",
    "S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects",
    "S3BucketServerSideEncryptionConfiguration",
    "S3BucketServerSideEncryptionConfigurationRule",
    "S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefault",
    "S3BucketVersioning",
    "S3BucketVersioningVersioningConfiguration",
    "S3Object",
    "SecurityGroup",
    "SignerSigningJob",
    "SignerSigningJobDestination",
    "SignerSigningJobDestinationS3",
    "SignerSigningJobSource",
    "SignerSigningJobSourceS3",
    "SignerSigningProfile",
    "SnsTopic",
    "SnsTopicPolicy",
    "SnsTopicSubscription",
    "SqsQueue",
    "SsmParameter",
    "Subnet",
    "Vpc",
    "VpcEndpoint",
    "VpcPeeringConnection",
    "VpcPeeringConnectionAccepter",
    "VpcSecurityGroupEgressRule",
    "VpcSecurityGroupIngressRule",
]
