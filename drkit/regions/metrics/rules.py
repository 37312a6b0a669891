"""The kinds of rule in the placement table: where a metric or event is, what silence means."""

from __future__ import annotations

import enum

import attrs

from drkit.regions.catalog import ROUTE53_METRICS_REGION


class Published(enum.Enum):
    """Which region holds a metric's data (or receives an event)."""

    #: The region the replicated data is written in (the source bucket, the replica
    #: table that took the write, the vault a copy job copies from).
    SOURCE = "source"
    #: The region the data is replicated to (the destination bucket, the receiving
    #: replica, the region whose canary measures the arrival).
    DESTINATION = "destination"
    #: us-east-1, whatever regions the deployment uses (Route 53 is global).
    US_EAST_1 = ROUTE53_METRICS_REGION
    #: The region of the resource the dimensions name (a function, a queue, a replica,
    #: a certificate, a key), or of the function that publishes it with PutMetricData.
    OWN = "own"

    def region(self, what: str, *, source: str = "", destination: str = "", own: str = "") -> str:
        """The region this rule picks out of the ones ``what``'s dimensions stand for."""
        chosen = {
            Published.SOURCE: source,
            Published.DESTINATION: destination,
            Published.US_EAST_1: ROUTE53_METRICS_REGION,
            Published.OWN: own,
        }[self]
        if not chosen:
            raise ValueError(f"{what} needs its {self.value}")
        return chosen


class MissingData(enum.Enum):
    """What an alarm counts a period without data as (CloudWatch's ``TreatMissingData``)."""

    #: Silence is a failure: the thing that publishes stopped.
    BREACHING = "breaching"
    #: Silence is normal: the metric is published only while something happens.
    NOT_BREACHING = "notBreaching"


@attrs.frozen(kw_only=True)
class MetricPlacement:
    """One metric: its dimensions as drkit uses them and where AWS publishes it.

    Attributes:
        namespace: CloudWatch namespace.
        metric_name: Metric name.
        dimensions: The dimensions drkit's alarms and widgets give it, in order.
        published: Which region holds its data.
        source: The AWS page that says so (drkit's own metrics: the code that publishes).
        missing_data: What an alarm on it counts a period without data as.
        missing_data_why: Why.
    """

    namespace: str
    metric_name: str
    dimensions: tuple[str, ...]
    published: Published
    source: str
    missing_data: MissingData
    missing_data_why: str

    @property
    def name(self) -> str:
        """``namespace/metric``, as errors and descriptions name it."""
        return f"{self.namespace}/{self.metric_name}"

    def region(self, *, source: str = "", destination: str = "", own: str = "") -> str:
        """The region holding this metric, given the regions its dimensions stand for."""
        return self.published.region(self.name, source=source, destination=destination, own=own)


@attrs.frozen(kw_only=True)
class EventPlacement:
    """One kind of event drkit's rules match, and the region EventBridge delivers it in.

    An EventBridge rule sees only its own region's default bus, as an alarm sees only its
    own region's metrics: a rule in another region never fires.

    Attributes:
        event_source: The event's ``source`` (``aws.kms``).
        detail_type: Its ``detail-type``.
        event_names: The API calls it reports (``detail.eventName``), for CloudTrail events.
        published: Which region's bus receives it.
        source: The AWS pages that say so.
    """

    event_source: str
    detail_type: str
    event_names: tuple[str, ...]
    published: Published
    source: str

    @property
    def name(self) -> str:
        return f"{self.event_source} {'/'.join(self.event_names)}"

    def region(self, *, own: str) -> str:
        """The region whose bus receives the event about a resource of ``own``."""
        return self.published.region(self.name, own=own)
