"""Every named resource of a deployment, defined once.

Each constant is one resource's name: its kind (the service's naming rule), its purpose and
whether the name carries the region. The construct that makes the resource, every stack that
refers to it (a regional stack knows another stack's resources only by these names and the
ARNs AWS derives from them), and the deploy and operations code take it from here; nobody
spells a ``(kind, purpose)`` pair anywhere else (``tests/model/test_names.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from drkit.regions.naming import Namer, ResourceType
from drkit_runtime.contract import AUDIT_LOGS, PATIENT_RECORDS

#: The functions every region runs, by purpose (``drkit_runtime.access.FUNCTIONS``'s keys).
FUNCTION_PURPOSES = ("api", "canary", "watcher", "health", "auditor")
#: The alias every function is invoked through (API routes, schedules, stream mappings): a
#: release publishes a version and moves the alias to it; a rollback moves it back.
FUNCTION_ALIAS = "live"


@attrs.frozen(kw_only=True)
class Account:
    """The AWS account and partition, as the stack that uses them knows them (tokens there).

    Attributes:
        account_id: The deploying account's id.
        partition: The partition (``aws`` for commercial regions).
    """

    account_id: str
    partition: str

    def arn(self, service: str, region: str, resource: str) -> str:
        """An ARN in this account, e.g. ``arn(logs, us-east-1, log-group:x)``."""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"

    @property
    def root_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:root"


@attrs.frozen
class Name:
    """One named resource.

    Attributes:
        kind: The service's naming rule (and ARN form).
        purpose: What it is for; the middle of the name.
        regional: The name carries the region (one per region); False: one per deployment.
    """

    kind: ResourceType
    purpose: str
    regional: bool = True

    def __call__(self, namer: Namer, region: str | None = None) -> str:
        """The physical name (in ``region``, for a regional name)."""
        if self.regional and region is None:
            raise ValueError(f"{self.kind.name}/{self.purpose} is per region: name the region")
        return namer(self.kind, self.purpose, region if self.regional else None)

    def arn(self, namer: Namer, account: Account, region: str) -> str:
        """The ARN AWS gives the resource of this name in ``region``."""
        form = self.kind.value.arn
        if not form:
            raise ValueError(f"{self.kind.name} has a random id in its ARN: no ARN from a name")
        return form.format(
            partition=account.partition,
            region=region,
            account=account.account_id,
            name=self(namer, region),
        )


@attrs.frozen
class FunctionNames:
    """The names of one function and of what is made for it alone.

    Attributes:
        purpose: ``api``, ``canary``, ``watcher`` or ``health``.
    """

    purpose: str

    @property
    def function(self) -> Name:
        return Name(ResourceType.LAMBDA_FUNCTION, self.purpose)

    @property
    def role(self) -> Name:
        return Name(ResourceType.IAM_ROLE, self.purpose)

    @property
    def policy(self) -> Name:
        return Name(ResourceType.IAM_POLICY, self.purpose)

    @property
    def log_group(self) -> Name:
        return Name(ResourceType.LAMBDA_LOG_GROUP, self.purpose)

    @property
    def dead_letter_queue(self) -> Name:
        return Name(ResourceType.SQS_QUEUE, f"{self.purpose}-dlq")

    @property
    def names(self) -> tuple[Name, ...]:
        return (self.function, self.role, self.policy, self.log_group, self.dead_letter_queue)

    def alias_arn(self, namer: Namer, account: Account, region: str) -> str:
        """The ARN of the function's alias (:data:`FUNCTION_ALIAS`) in ``region``: what a
        stack that invokes the function from outside its own names."""
        return f"{self.function.arn(namer, account, region)}:{FUNCTION_ALIAS}"


@attrs.frozen
class RoleNames:
    """A service role and its inline policy (one pair per purpose)."""

    purpose: str
    regional: bool = True

    @property
    def role(self) -> Name:
        return Name(ResourceType.IAM_ROLE, self.purpose, self.regional)

    @property
    def policy(self) -> Name:
        return Name(ResourceType.IAM_POLICY, self.purpose, self.regional)


FUNCTIONS: Mapping[str, FunctionNames] = MappingProxyType(
    {p: FunctionNames(p) for p in FUNCTION_PURPOSES}
)

# ----- data ---------------------------------------------------------------------------------
DATA_BUCKET = Name(ResourceType.S3_BUCKET, "data")
ACCESS_LOG_BUCKET = Name(ResourceType.S3_BUCKET, "accesslogs")
TRAIL_BUCKET = Name(ResourceType.S3_BUCKET, "cloudtrail")
#: Table purpose (the runtime's logical name) -> its name, the same in every region.
TABLES: Mapping[str, Name] = MappingProxyType(
    {
        PATIENT_RECORDS: Name(ResourceType.DYNAMODB_TABLE, PATIENT_RECORDS, regional=False),
        AUDIT_LOGS: Name(ResourceType.DYNAMODB_TABLE, AUDIT_LOGS, regional=False),
    }
)
DATA_KEY = Name(ResourceType.KMS_ALIAS, "data")
BACKUP_VAULT = Name(ResourceType.BACKUP_VAULT, "tables")
BACKUP_PLAN = Name(ResourceType.BACKUP_PLAN, "tables")
BACKUP_SELECTION = Name(ResourceType.BACKUP_SELECTION, "tables")

# ----- releases: the signed code every function deploys ---------------------------------------
#: The region's bucket of release archives and their signed copies (Signer is regional and
#: signs only objects in its own region, so every region has one).
RELEASE_BUCKET = Name(ResourceType.S3_BUCKET, "releases")
#: The region's signing profile (a name prefix: Terraform completes it).
SIGNING_PROFILE = Name(ResourceType.SIGNING_PROFILE, "rel")
#: Where a release archive is uploaded (one key: each upload is a new version of it, and the
#: signing job signs that exact version).
RELEASE_ARCHIVE_KEY = "releases/runtime.zip"
#: Where Signer writes the signed archives (``<prefix><job id>.zip``).
SIGNED_PREFIX = "signed/"

# ----- roles that AWS services assume ----------------------------------------------------------
S3_REPLICATION = RoleNames("s3replication")
TRAIL_REPLICATION = RoleNames("trailreplication")
FLOW_LOGS = RoleNames("flowlogs")
TRAIL_LOGS = RoleNames("cloudtrail")
BACKUP = RoleNames("backup")
OPERATOR = RoleNames("operator", regional=False)
BREAK_GLASS = RoleNames("breakglass", regional=False)

# ----- network, API, switches, schedules -------------------------------------------------------
WORKLOAD_SECURITY_GROUP = Name(ResourceType.SECURITY_GROUP, "workload")
ENDPOINTS_SECURITY_GROUP = Name(ResourceType.SECURITY_GROUP, "endpoints")
PEER_ENDPOINTS_SECURITY_GROUP = Name(ResourceType.SECURITY_GROUP, "peerendpoints")
API = Name(ResourceType.API, "records")
DRAIN_SWITCH = Name(ResourceType.SSM_PARAMETER, "drain")
#: The URLs of the peers' interface endpoints, written by the peering stack in each region.
PEER_ENDPOINTS = Name(ResourceType.SSM_PARAMETER, "peerendpoints")
CANARY_SCHEDULE = Name(ResourceType.EVENT_RULE, "canary-schedule")
CANARY_OBJECTS = Name(ResourceType.EVENT_RULE, "canary-objects")
WATCH_SCHEDULE = Name(ResourceType.EVENT_RULE, "watch-schedule")
AUDIT_SCHEDULE = Name(ResourceType.EVENT_RULE, "audit-schedule")
#: The rule on calls that disable the region's key or schedule its deletion.
KEY_WATCH = Name(ResourceType.EVENT_RULE, "keywatch")
#: The rule on every assumption of the break-glass role seen in the region.
BREAK_GLASS_WATCH = Name(ResourceType.EVENT_RULE, "breakglass")
ALERT_TOPIC = Name(ResourceType.SNS_TOPIC, "alerts")

# ----- logs and audit ------------------------------------------------------------------------
VPC_FLOW_LOG_GROUP = Name(ResourceType.LOG_GROUP, "vpcflow")
API_ACCESS_LOG_GROUP = Name(ResourceType.LOG_GROUP, "apiaccess")
TRAIL_LOG_GROUP = Name(ResourceType.LOG_GROUP, "cloudtrail")
TRAIL = Name(ResourceType.CLOUDTRAIL, "audit")
TRAIL_DELIVERY_TOPIC = Name(ResourceType.SNS_TOPIC, "traildelivery")

# ----- the global stacks' own (in us-east-1) ----------------------------------------------------
#: The key and topic of the alarms on Route 53's metrics and of the zone's query logs.
DNS_KEY = Name(ResourceType.KMS_ALIAS, "dns")
DNS_ALERT_TOPIC = Name(ResourceType.SNS_TOPIC, "dnsalerts")
DNSSEC_KEY = Name(ResourceType.KMS_ALIAS, "dnssec")
KEY_SIGNING_KEY = Name(ResourceType.KEY_SIGNING_KEY, "dnssec", regional=False)
QUERY_LOG_GROUP = Name(ResourceType.QUERY_LOG_GROUP, "queries", regional=False)
QUERY_LOG_POLICY = Name(ResourceType.IAM_POLICY, "route53-querylogs", regional=False)
HEALTH_CHECK = Name(ResourceType.HEALTH_CHECK, "api")


def _catalogue() -> tuple[Name, ...]:
    names: list[Name] = [n for f in FUNCTIONS.values() for n in f.names]
    names += [n for roles in _ROLES for n in (roles.role, roles.policy)]
    names += list(TABLES.values())
    names += [v for v in globals().values() if isinstance(v, Name)]
    return tuple(dict.fromkeys(names))


_ROLES = (
    S3_REPLICATION, TRAIL_REPLICATION, FLOW_LOGS, TRAIL_LOGS, BACKUP, OPERATOR, BREAK_GLASS,
)  # fmt: skip
#: Every fixed name a deployment makes. A spec is valid only if each is legal for every
#: region it names. Names made per pair of regions or per metric (alarms, dashboards, Name
#: tags) have generous limits and are checked when they are made.
CATALOGUE: tuple[Name, ...] = _catalogue()


def check_all(namer: Namer, regions: Iterable[str]) -> None:
    """Make every name of the catalogue for ``regions`` (raises on the first bad one)."""
    regions = tuple(regions)
    for name in CATALOGUE:
        for region in regions if name.regional else (None,):
            name(namer, region)
