"""Replication on hold: lag between a global table's replicas, on demand, and across an outage.

The admin API (drkit_emulator.admin) switches the hold; global_tables applies it to writes.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from typing import Any

# One lock for every DynamoDB write in the emulator. A write and its
# replication must be atomic with respect to writes in the other regions, or
# two concurrent writers could leave the replicas holding different items.
WRITE_LOCK = threading.RLock()


class ReplicationHold:
    """Replicated writes that wait: into held regions, and into or out of regions that are out.

    AWS replicates asynchronously; the emulator does it at once, so a read in
    another region always finds a fresh write. Holding a region lets a test (or
    the demo) see what a lagging replica looks like, then catch it up. A region
    taken out of the emulator (drkit_emulator.outage) neither receives nor sends
    replicated writes until it is brought back, as a real global table catches
    an isolated replica up once its region recovers.

    Attributes:
        regions: Regions held on demand (``{"hold": [...]}``).
        out: Regions taken out of the emulator.
        pending: ``(source backend, table name, hash key, range key, target region)`` of
            every write not yet applied there, in order.
    """

    def __init__(self) -> None:
        self.regions: set[str] = set()
        self.out: frozenset[str] = frozenset()
        self.pending: list[tuple[Any, str, Any, Any, str]] = []
        # (region, table, item key) -> when the write the replica holds was made, in the
        # emulator's one write order: replication applies the later of two writes (below).
        self._written: dict[tuple[str, str, Any], int] = {}
        self._clock = itertools.count(1)

    def written(self, region: str, table: str, key: Any) -> None:
        """A write made in ``region`` now (not a replicated one)."""
        self._written[(region, table, key)] = next(self._clock)

    def newer_there(self, source: str, target: str, table: str, key: Any) -> bool:
        """Whether ``target`` holds a write of the item made after the one ``source`` holds:
        global tables settle concurrent writes by last writer wins ("global tables use a
        last writer wins reconciliation between concurrent updates",
        https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html),
        so replicating the earlier one there is discarded. Otherwise ``target`` now holds the
        source's write, with its time."""
        made = self._written.get((source, table, key), 0)
        if self._written.get((target, table, key), 0) > made:
            return True
        self._written[(target, table, key)] = made
        return False

    def holds(self, source: str, target: str) -> bool:
        """Whether a write replicated from ``source`` to ``target`` must wait."""
        return target in self.regions or target in self.out or source in self.out

    def hold(self, regions: Iterable[str]) -> None:
        with WRITE_LOCK:
            self.regions.update(regions)

    def release(self) -> int:
        """Hold no region on demand; apply the writes that may now flow; how many."""
        with WRITE_LOCK:
            self.regions = set()
            return self._flush()

    def set_out(self, regions: Iterable[str]) -> int:
        """The regions out are now ``regions``; apply the writes that may now flow; how many."""
        with WRITE_LOCK:
            self.out = frozenset(regions)
            return self._flush()

    def forget(self) -> None:
        """Drop every hold and pending write (a reset of the emulator forgot their tables)."""
        with WRITE_LOCK:
            self.regions, self.out, self.pending = set(), frozenset(), []
            self._written = {}

    def _flush(self) -> int:
        # Each write applies the source's current item, in the order they were made.
        ready = [p for p in self.pending if not self.holds(p[0].region_name, p[4])]
        self.pending = [p for p in self.pending if self.holds(p[0].region_name, p[4])]
        for source, table_name, hash_key, range_key, region in ready:
            source.copy_item_to(table_name, hash_key, range_key, region)
        return len(ready)


HOLD = ReplicationHold()
