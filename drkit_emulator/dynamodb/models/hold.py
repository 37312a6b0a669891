"""Replication on hold: lag between a global table's replicas, on demand.

The admin API (drkit_emulator.admin) switches the hold; global_tables applies it to writes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

# One lock for every DynamoDB write in the emulator. A write and its
# replication must be atomic with respect to writes in the other regions, or
# two concurrent writers could leave the replicas holding different items.
WRITE_LOCK = threading.RLock()


class ReplicationHold:
    """Regions whose replicas receive no replicated write until released: lag, on demand.

    AWS replicates asynchronously; the emulator does it at once, so a read in
    another region always finds a fresh write. Holding a region lets a test (or
    the demo) see what a lagging replica looks like, then catch it up.

    Attributes:
        regions: Regions being held.
        pending: ``(source backend, table name, hash key, range key, held region)`` of
            every write not yet applied there, in order.
    """

    def __init__(self) -> None:
        self.regions: set[str] = set()
        self.pending: list[tuple[Any, str, Any, Any, str]] = []

    def hold(self, regions: Iterable[str]) -> None:
        with WRITE_LOCK:
            self.regions.update(regions)

    def release(self) -> int:
        """Apply every held write (the source's current item), hold nothing; how many."""
        with WRITE_LOCK:
            pending, self.pending, self.regions = self.pending, [], set()
            for source, table_name, hash_key, range_key, region in pending:
                source.copy_item_to(table_name, hash_key, range_key, region)
            return len(pending)


HOLD = ReplicationHold()
