"""What the stack and the Lambda code must agree on, defined once and imported by both.

The stack (``drkit``) names tables, sets environment variables, grants access by
key prefix and alarms on metrics; the runtime reads, writes and publishes
exactly these. Standard library only: this module is imported by the
synthesizer and shipped to Lambda in the same archive as the handlers.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# ----- handlers ------------------------------------------------------------------
API_HANDLER = "drkit_runtime.api.handler"
#: GET /health has a function of its own, so records traffic cannot throttle it.
HEALTH_HANDLER = "drkit_runtime.health_api.handler"
CANARY_HANDLER = "drkit_runtime.canary.handler"
WATCHER_HANDLER = "drkit_runtime.watcher.handler"
#: Verifies its region's audit chain on a schedule (``drkit_runtime.chain``).
AUDITOR_HANDLER = "drkit_runtime.auditor.handler"

# ----- tables and stores -----------------------------------------------------------
PATIENT_RECORDS = "patient_records"
AUDIT_LOGS = "audit_logs"
#: Logical table name -> (hash key, range key or None); the physical name adds
#: drkit's prefix and the environment suffix.
TABLE_KEYS: Mapping[str, tuple[str, str | None]] = MappingProxyType(
    {PATIENT_RECORDS: ("record_id", None), AUDIT_LOGS: ("record_id", "event_id")}
)
#: The data bucket, as the canary's third store.
OBJECTS = "objects"
CANARY_STORES = (PATIENT_RECORDS, AUDIT_LOGS, OBJECTS)

# ----- keys drkit writes next to the customer's data ---------------------------------
#: Every reserved record id starts with this; the records API refuses such ids.
RESERVED_PREFIX = "__drkit"
HEALTH_PREFIX = "__drkit_health__#"
#: The event id of the audit entry /health rewrites under its reserved record id.
HEALTH_AUDIT_EVENT_ID = "health"
#: The path of the health endpoint: the API's route, Route 53's checks and the watchers.
HEALTH_PATH = "/health"
HEARTBEAT_PREFIX = "__drkit_heartbeat__#"
AUDIT_HEARTBEAT_EVENT_ID = "heartbeat"
#: Each region's audit chain: partition ``AUDIT_CHAIN_PREFIX + region`` of the audit table,
#: a link per entry (sort key: its zero-padded sequence number) and the head item.
AUDIT_CHAIN_PREFIX = "__drkit_chain__#"
AUDIT_CHAIN_HEAD = "head"
#: Every version of a record, kept once (``VERSION_PREFIX + record_id#version``), and the
#: marker of a record's last concurrent write (``CONFLICT_PREFIX + record_id``), in the patient
#: table beside the record (drkit_runtime.versions).
VERSION_PREFIX = "__drkit_version__#"
CONFLICT_PREFIX = "__drkit_conflict__#"
#: Objects the canary writes (``drkit-canary/<region>/latest.json``).
CANARY_OBJECT_PREFIX = "drkit-canary/"

# ----- metrics the canary publishes ------------------------------------------------
METRIC_NAMESPACE = "DrKit/Replication"
REPLICATION_LAG = "ReplicationLag"
HEARTBEAT_AGE = "HeartbeatAge"
#: Age of another region's newest canary object read at its source (not the replica):
#: low while HeartbeatAge is high means replication lags, not the source canary.
SOURCE_HEARTBEAT_AGE = "SourceHeartbeatAge"
#: 1 for each heartbeat of another region arriving here (counted wherever ReplicationLag is
#: measured), at one-second resolution: the stall alarm judges silence over 10 s periods.
HEARTBEAT_ARRIVALS = "HeartbeatArrivals"
#: Dimensions of every canary data point, in this order.
METRIC_DIMENSIONS = ("Store", "SourceRegion", "ReceivingRegion")

# ----- what the watcher publishes: every region's view of every other region ----------
WATCH_NAMESPACE = "DrKit/Watch"
#: 1 when the peer's /health (on the name its Route 53 health check probes) answered 2xx
#: or 3xx within the probe's timeout, as Route 53 judges; 0 otherwise.
PEER_HEALTHY = "PeerHealthy"
#: Dimensions of every watch data point, in this order.
WATCH_DIMENSIONS = ("WatchedRegion", "WatcherRegion")

# ----- what the auditor publishes: each region's verification of its own audit chain -----
AUDIT_NAMESPACE = "DrKit/Audit"
#: Breaks found in the region's chain by the last verification (0: whole).
AUDIT_CHAIN_BREAKS = "AuditChainBreaks"
#: Concurrent writes of one record in two regions, counted where the losing one was made.
WRITE_CONFLICTS = "WriteConflicts"
#: Dimensions of every audit data point.
AUDIT_DIMENSIONS = ("Region",)

# ----- the drain switch (an SSM SecureString per region) ----------------------------
DRAIN_ACTIVE = "active"
DRAIN_DRAINED = "drained"

#: Time budget of the whole ``/health`` check: half of the 2 s Route 53 gives an HTTPS
#: endpoint to answer once connected, leaving the rest to API Gateway and Lambda.
HEALTH_DEADLINE_MS = 1000
#: How long a container reuses each health check's outcome (drain switch, patient-table read
#: and write, audit append), so that the calls /health makes do not grow with the requests it
#: gets: at most one of each per container per interval. A drain takes effect within it.
HEALTH_CACHE_SECONDS = 5

# ----- environment variables the stack sets on every function -------------------------
ENV_REGION = "DRKIT_REGION"
ENV_ROLE = "DRKIT_ROLE"
ENV_REGIONS = "DRKIT_REGIONS"
ENV_PATIENT_TABLE = "DRKIT_PATIENT_TABLE"
ENV_AUDIT_TABLE = "DRKIT_AUDIT_TABLE"
ENV_BUCKET = "DRKIT_BUCKET"
ENV_BUCKETS = "DRKIT_BUCKETS"
ENV_DRAIN_PARAMETER = "DRKIT_DRAIN_PARAMETER"
ENV_METRIC_NAMESPACE = "DRKIT_METRIC_NAMESPACE"
ENV_HEALTH_DEADLINE_MS = "DRKIT_HEALTH_DEADLINE_MS"
#: The SSM parameter (in the function's own region) holding JSON ``{peer region: {service:
#: endpoint URL}}``: where this function reaches each service of another region (that
#: region's interface endpoint, over VPC peering). The peering stack writes it; the
#: function's own stack cannot know another region's endpoint names (their ids are random).
ENV_PEER_ENDPOINTS_PARAMETER = "DRKIT_PEER_ENDPOINTS_PARAMETER"
#: JSON ``{peer region: URL}``: what the watcher probes, the URL each peer's Route 53
#: health check requests (its fqdn and resource path).
ENV_WATCH_TARGETS = "DRKIT_WATCH_TARGETS"
#: The watcher's variables (it has no data access, so none of the others).
WATCHER_ENVIRONMENT = (ENV_REGION, ENV_WATCH_TARGETS)
#: Every variable of the API and canary functions, in the order the stack writes them.
ENVIRONMENT = (
    ENV_REGION,
    ENV_ROLE,
    ENV_REGIONS,
    ENV_PATIENT_TABLE,
    ENV_AUDIT_TABLE,
    ENV_BUCKET,
    ENV_BUCKETS,
    ENV_DRAIN_PARAMETER,
    ENV_METRIC_NAMESPACE,
    ENV_HEALTH_DEADLINE_MS,
    ENV_PEER_ENDPOINTS_PARAMETER,
)
