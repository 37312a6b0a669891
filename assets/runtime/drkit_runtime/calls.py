"""The vocabulary of drkit_runtime.access: where a call goes (``Scope``), what it touches
(``Kind``, ``Target``) and the call itself (``Call``). Standard library only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Scope(enum.Enum):
    """Where the called resource is, and so which network path the call takes."""

    #: The function's own region, through its VPC's endpoints.
    OWN = "own"
    #: Every other region, through that region's interface endpoint over VPC peering.
    PEER = "peer"
    #: Every region (only for denials, which need no path).
    EVERY = "every"
    #: Called by the Lambda service with the function's role, never from the function's network.
    PLATFORM = "platform"
    #: The function's own region, through the service's public endpoint: only for a function
    #: outside any VPC (the watcher), whose calls take no VPC endpoint.
    PUBLIC = "public"


class Kind(enum.Enum):
    """What a call touches; the stack maps each kind to ARNs of one region."""

    TABLE = "table"
    TABLE_STREAMS = "table-streams"
    BUCKET = "bucket"
    OBJECTS = "objects"
    DRAIN_SWITCH = "drain-switch"
    #: The parameter naming the peers' interface endpoints (written by the peering stack).
    PEER_ENDPOINTS = "peer-endpoints"
    METRICS = "metrics"
    LOG_STREAMS = "log-streams"
    DEAD_LETTER_QUEUE = "dead-letter-queue"
    #: Actions AWS authorizes only on "*" (listed in drkit.iam.WILDCARD_RESOURCE_ACTIONS).
    ANY = "any"


@dataclass(frozen=True, kw_only=True)
class Target:
    """A resource of one region, by kind.

    Attributes:
        kind: What it is.
        name: A table's logical name, an object-key pattern (``{region}`` is the
            region the object key names), or the metric namespace.
    """

    kind: Kind
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class Call:
    """One thing a function does with AWS.

    Attributes:
        sid: Names the statement the stack writes for it.
        service: The AWS service endpoint it reaches (``dynamodb``, ``s3``, ``ssm``,
            ``monitoring``, ...), which decides the VPC endpoint.
        actions: The IAM actions it needs.
        target: What it touches.
        scope: Where that is.
        deny: An explicit denial instead of a grant (append-only data).
        leading_keys: For a table: the only partition keys it may touch (patterns with
            ``*``); empty: any. The stack writes them as ``dynamodb:LeadingKeys``.
    """

    sid: str
    service: str
    actions: tuple[str, ...]
    target: Target
    scope: Scope
    deny: bool = False
    leading_keys: tuple[str, ...] = ()


def table(name: str) -> Target:
    return Target(kind=Kind.TABLE, name=name)
