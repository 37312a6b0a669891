"""What each function calls, declared once, beside the contract.

The stack derives every permission of the functions' roles, the KMS grants, the VPC
endpoints, their policies and the security-group rules from these declarations; the
tests check both ways that the synthesized stack grants exactly this and that every
declared call has a network path. Standard library only (shipped to Lambda).

A call names what it touches symbolically (``Target``); the stack resolves the
target to ARNs in each region it applies to (``Scope``).
"""

from __future__ import annotations

from drkit_runtime.calls import Call, Kind, Scope, Target, table
from drkit_runtime.contract import (
    AUDIT_CHAIN_PREFIX,
    AUDIT_LOGS,
    AUDIT_NAMESPACE,
    CANARY_OBJECT_PREFIX,
    HEALTH_PREFIX,
    HEARTBEAT_PREFIX,
    METRIC_NAMESPACE,
    PATIENT_RECORDS,
    WATCH_NAMESPACE,
)

__all__ = ["Call", "Kind", "Scope", "Target", "table"]


#: What the Lambda service does with every function's role: its logs, its network
#: interfaces, its traces, its dead letters.
PLATFORM = (
    Call(
        sid="WriteOwnLogs",
        service="logs",
        actions=("logs:CreateLogStream", "logs:PutLogEvents"),
        target=Target(kind=Kind.LOG_STREAMS),
        scope=Scope.PLATFORM,
    ),
    Call(
        sid="AttachToVpc",
        service="ec2",
        actions=(
            "ec2:AssignPrivateIpAddresses",
            "ec2:CreateNetworkInterface",
            "ec2:DeleteNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:UnassignPrivateIpAddresses",
        ),
        target=Target(kind=Kind.ANY),
        scope=Scope.PLATFORM,
    ),
    Call(
        sid="PublishTraces",
        service="xray",
        actions=("xray:PutTelemetryRecords", "xray:PutTraceSegments"),
        target=Target(kind=Kind.ANY),
        scope=Scope.PLATFORM,
    ),
    Call(
        sid="SendToDeadLetterQueue",
        service="sqs",
        actions=("sqs:SendMessage",),
        target=Target(kind=Kind.DEAD_LETTER_QUEUE),
        scope=Scope.PLATFORM,
    ),
)

#: The trail is append-only: whatever a compromised function tries, IAM refuses to change or
#: delete an entry (an overwriting PutItem is refused by the condition every audit write of the
#: records API carries; IAM cannot express that one).
NEVER_REWRITE_AUDIT_ENTRIES = Call(
    sid="NeverRewriteAuditEntries",
    service="dynamodb",
    actions=("dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"),
    target=table(AUDIT_LOGS),
    scope=Scope.EVERY,
    deny=True,
)

#: The audit chains' items (drkit_runtime.chain): every region's links and head.
CHAIN_ITEMS = (AUDIT_CHAIN_PREFIX + "*",)

#: drkit_runtime.api: the records API (record, its version's copy and audit entry in one
#: transaction; reads audited; a record not yet replicated here is read from a peer's
#: replica) and, from the patient replica's stream, the conflicts it records and counts.
API = (
    *PLATFORM,
    Call(
        sid="ReadWriteRecords",
        service="dynamodb",
        actions=("dynamodb:GetItem", "dynamodb:PutItem"),
        target=table(PATIENT_RECORDS),
        scope=Scope.OWN,
    ),
    Call(
        sid="AppendAuditEntries",
        service="dynamodb",
        actions=("dynamodb:PutItem",),
        target=table(AUDIT_LOGS),
        scope=Scope.OWN,
    ),
    Call(
        sid="ReadAuditChainHead",
        service="dynamodb",
        actions=("dynamodb:GetItem",),
        target=table(AUDIT_LOGS),
        scope=Scope.OWN,
        leading_keys=CHAIN_ITEMS,
    ),
    Call(
        sid="ReadPeerEndpoints",
        service="ssm",
        actions=("ssm:GetParameter",),
        target=Target(kind=Kind.PEER_ENDPOINTS),
        scope=Scope.OWN,
    ),
    Call(
        sid="ReadPeerRecords",
        service="dynamodb",
        actions=("dynamodb:GetItem",),
        target=table(PATIENT_RECORDS),
        scope=Scope.PEER,
    ),
    Call(
        sid="PublishConflictMetrics",
        service="monitoring",
        actions=("cloudwatch:PutMetricData",),
        target=Target(kind=Kind.METRICS, name=AUDIT_NAMESPACE),
        scope=Scope.OWN,
    ),
    Call(
        sid="ReadLocalRecordStreams",
        service="dynamodb",
        actions=("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
        target=Target(kind=Kind.TABLE_STREAMS, name=PATIENT_RECORDS),
        scope=Scope.PLATFORM,
    ),
    Call(
        sid="FindStreams",
        service="dynamodb",
        actions=("dynamodb:ListStreams",),
        target=Target(kind=Kind.ANY),
        scope=Scope.PLATFORM,
    ),
    NEVER_REWRITE_AUDIT_ENTRIES,
)

#: The health check's own items (drkit_runtime.keys.health_record_id), the only ones of the
#: tables it may touch: no patient record, no audit entry.
HEALTH_ITEMS = (HEALTH_PREFIX + "*",)

#: drkit_runtime.health_api: GET /health, which touches what a records request needs in its
#: region and nothing else: the drain switch, its own item in the patient-record replica (read
#: and conditional write), and its own entry in the audit replica (a conditional append).
HEALTH = (
    *PLATFORM,
    Call(
        sid="ReadDrainSwitch",
        service="ssm",
        actions=("ssm:GetParameter",),
        target=Target(kind=Kind.DRAIN_SWITCH),
        scope=Scope.OWN,
    ),
    Call(
        sid="ReadWriteHealthRecord",
        service="dynamodb",
        actions=("dynamodb:GetItem", "dynamodb:PutItem"),
        target=table(PATIENT_RECORDS),
        scope=Scope.OWN,
        leading_keys=HEALTH_ITEMS,
    ),
    Call(
        sid="AppendHealthAuditEntry",
        service="dynamodb",
        actions=("dynamodb:PutItem",),
        target=table(AUDIT_LOGS),
        scope=Scope.OWN,
        leading_keys=HEALTH_ITEMS,
    ),
    NEVER_REWRITE_AUDIT_ENTRIES,
)

#: The heartbeats' partition keys (every region's: the canary reads the peers' too), the only
#: items of the tables the canary may touch: no patient record, no audit entry.
HEARTBEATS = (HEARTBEAT_PREFIX + "*",)

#: drkit_runtime.canary: heartbeats in the local replicas and bucket, the lag it measures
#: (from the local streams, which the Lambda service reads), and the peers' own canary
#: objects, read at the source to tell stalled replication from a stopped canary.
CANARY = (
    *PLATFORM,
    Call(
        sid="WriteAndReadHeartbeats",
        service="dynamodb",
        actions=("dynamodb:GetItem", "dynamodb:PutItem"),
        target=table(PATIENT_RECORDS),
        scope=Scope.OWN,
        leading_keys=HEARTBEATS,
    ),
    Call(
        sid="WriteAndReadAuditHeartbeats",
        service="dynamodb",
        actions=("dynamodb:GetItem", "dynamodb:PutItem"),
        target=table(AUDIT_LOGS),
        scope=Scope.OWN,
        leading_keys=HEARTBEATS,
    ),
    Call(
        sid="WriteOwnCanaryObject",
        service="s3",
        actions=("s3:PutObject",),
        target=Target(kind=Kind.OBJECTS, name=CANARY_OBJECT_PREFIX + "{region}/*"),
        scope=Scope.OWN,
    ),
    Call(
        sid="ReadReplicatedCanaryObjects",
        service="s3",
        actions=("s3:GetObject", "s3:GetObjectVersion"),
        target=Target(kind=Kind.OBJECTS, name=CANARY_OBJECT_PREFIX + "*"),
        scope=Scope.OWN,
    ),
    Call(
        sid="ReadPeerEndpoints",
        service="ssm",
        actions=("ssm:GetParameter",),
        target=Target(kind=Kind.PEER_ENDPOINTS),
        scope=Scope.OWN,
    ),
    Call(
        sid="ReadPeerCanaryObjects",
        service="s3",
        actions=("s3:GetObject",),
        target=Target(kind=Kind.OBJECTS, name=CANARY_OBJECT_PREFIX + "{region}/*"),
        scope=Scope.PEER,
    ),
    Call(
        sid="PublishReplicationMetrics",
        service="monitoring",
        actions=("cloudwatch:PutMetricData",),
        target=Target(kind=Kind.METRICS, name=METRIC_NAMESPACE),
        scope=Scope.OWN,
    ),
    Call(
        sid="ReadLocalHeartbeatStreams",
        service="dynamodb",
        actions=("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
        target=Target(kind=Kind.TABLE_STREAMS, name=PATIENT_RECORDS),
        scope=Scope.PLATFORM,
    ),
    Call(
        sid="ReadLocalAuditHeartbeatStreams",
        service="dynamodb",
        actions=("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
        target=Target(kind=Kind.TABLE_STREAMS, name=AUDIT_LOGS),
        scope=Scope.PLATFORM,
    ),
    Call(
        sid="FindStreams",
        service="dynamodb",
        actions=("dynamodb:ListStreams",),
        target=Target(kind=Kind.ANY),
        scope=Scope.PLATFORM,
    ),
)

#: drkit_runtime.watcher: outside any VPC (it probes the peers' public names), so the Lambda
#: service attaches no network interface for it; it publishes what it saw, and touches no data.
WATCHER = (
    *(c for c in PLATFORM if c.sid != "AttachToVpc"),
    Call(
        sid="PublishPeerHealth",
        service="monitoring",
        actions=("cloudwatch:PutMetricData",),
        target=Target(kind=Kind.METRICS, name=WATCH_NAMESPACE),
        scope=Scope.PUBLIC,
    ),
)

#: drkit_runtime.auditor: walks its region's audit chain (its links, then the entries they
#: name) and publishes what it found. It reads; it writes no item.
AUDITOR = (
    *PLATFORM,
    Call(
        sid="WalkAuditChain",
        service="dynamodb",
        actions=("dynamodb:Query",),
        target=table(AUDIT_LOGS),
        scope=Scope.OWN,
        leading_keys=CHAIN_ITEMS,
    ),
    Call(
        sid="ReadChainedAuditEntries",
        service="dynamodb",
        actions=("dynamodb:BatchGetItem",),
        target=table(AUDIT_LOGS),
        scope=Scope.OWN,
    ),
    Call(
        sid="PublishAuditChainMetrics",
        service="monitoring",
        actions=("cloudwatch:PutMetricData",),
        target=Target(kind=Kind.METRICS, name=AUDIT_NAMESPACE),
        scope=Scope.OWN,
    ),
)

#: Table -> the DynamoDB operations the functions call on it, as CloudWatch's Operation
#: dimension names them: the API call, not the IAM action (a record written with its audit
#: entry is one TransactWriteItems, authorized by PutItem). The stack alarms on each table's
#: throttled requests and system errors per operation; tests/runtime/test_table_operations.py
#: reads the runtime's code for every DynamoDB call it makes. Only the audit chain is queried
#: and batch-read (drkit_runtime.chain).
TABLE_OPERATIONS: dict[str, tuple[str, ...]] = {
    PATIENT_RECORDS: ("GetItem", "PutItem", "TransactWriteItems"),
    AUDIT_LOGS: ("BatchGetItem", "GetItem", "PutItem", "Query", "TransactWriteItems"),
}

#: Function purpose (as the stack names functions) -> its calls.
FUNCTIONS: dict[str, tuple[Call, ...]] = {
    "api": API,
    "canary": CANARY,
    "watcher": WATCHER,
    "health": HEALTH,
    "auditor": AUDITOR,
}


def own_services() -> tuple[str, ...]:
    """The services some function calls in its own region (each needs an endpoint there)."""
    return _services(Scope.OWN)


def peer_services() -> tuple[str, ...]:
    """The services some function calls in a peer region (each needs an interface endpoint)."""
    return _services(Scope.PEER)


def _services(scope: Scope) -> tuple[str, ...]:
    calls = (c for calls in FUNCTIONS.values() for c in calls)
    return tuple(sorted({c.service for c in calls if c.scope is scope and not c.deny}))
