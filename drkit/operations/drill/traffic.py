"""Traffic statistics: when requests to the shared API name stopped reaching one region."""

from __future__ import annotations

import math

import attrs

#: Requests that must all miss the drained region before it counts as out of DNS:
#: the chance of that happening while it still holds its weight is below 1 - this.
TRAFFIC_CONFIDENCE = 0.999


def required_misses(weight: int, confidence: float = TRAFFIC_CONFIDENCE) -> int | None:
    """Answers from other regions in a row that show a region of ``weight`` % is out of DNS.

    None for weight 0: such a region gets no traffic while the others are
    healthy, so there is nothing to see stop.
    """
    if weight <= 0:
        return None
    if weight >= 100:
        return 1
    return math.ceil(math.log(1 - confidence) / math.log(1 - weight / 100))


@attrs.define
class TrafficWatch:
    """When requests to the shared name stopped reaching one region.

    Attributes:
        region: The drained region.
        required: Answers from elsewhere in a row that confirm it is out.
        last_seen: Last time it answered (seconds after the flip).
        first_miss: First answer from elsewhere after that.
        misses: Answers from elsewhere since ``last_seen``.
    """

    region: str
    required: int
    last_seen: float | None = None
    first_miss: float | None = None
    misses: int = 0

    def record(self, at: float, answered_by: str | None) -> None:
        """One probe's answer at ``at`` seconds after the flip."""
        if answered_by is None:  # no answer says nothing about routing
            return
        if answered_by == self.region:
            self.last_seen, self.first_miss, self.misses = at, None, 0
        else:
            self.first_miss = at if self.first_miss is None else self.first_miss
            self.misses += 1

    @property
    def off_at(self) -> float | None:
        """Seconds after the flip when it stopped answering; None until confirmed.

        Needs one answer from the region after the flip: without it the drill
        cannot tell "already out" from "never picked by the weights".
        """
        if self.last_seen is None or self.misses < self.required:
            return None
        return self.first_miss
