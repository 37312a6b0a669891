"""DynamoDB stream records name the region of their table.

The gap (moto 5.2.5): every stream record says ``"awsRegion": "us-east-1"``,
whatever the table's region (``StreamRecord.__init__`` hard-codes it). With
global tables the same change shows up in each replica's stream, and a
consumer that reads ``awsRegion`` (to tell which region's copy it is looking
at) would be told the wrong region for every replica.

What this extension does: a ``StreamRecord`` subclass sets ``awsRegion`` to the
table's region, and moto's table module is pointed at it (``StreamShard.add``
looks the class up there at call time). Records are otherwise unchanged.
"""

from __future__ import annotations

from typing import Any

from moto.dynamodb.models import table as table_module

_ORIGINAL = table_module.StreamRecord


class RegionalStreamRecord(_ORIGINAL):  # type: ignore[misc, valid-type]
    """A stream record whose ``awsRegion`` is its table's region."""

    def __init__(self, table: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(table, *args, **kwargs)
        self.record["awsRegion"] = table.region_name


def install() -> None:
    """Make new stream records regional. Idempotent."""
    table_module.StreamRecord = RegionalStreamRecord  # type: ignore[misc]
