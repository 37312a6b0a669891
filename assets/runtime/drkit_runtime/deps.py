"""What a handler depends on, bundled so tests can swap any piece (config, clients, clock)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from drkit_runtime.aws import Clients
from drkit_runtime.config import Config
from drkit_runtime.memo import Memos

Clock = Callable[[], float]
"""Returns the current time as epoch seconds, like time.time."""


@dataclass(frozen=True, kw_only=True)
class Deps:
    """A handler's collaborators.

    Attributes:
        config: Settings from the environment.
        clients: Cached boto3 clients for this region.
        clock: Wall clock in epoch seconds; time.time when left out.
        memos: Outcomes this container reuses for a while (the health checks'); empty
            when left out.
    """

    config: Config
    clients: Clients
    clock: Clock = time.time
    memos: Memos = field(default_factory=Memos)

    @classmethod
    def from_environ(cls) -> Deps:
        """Production wiring: settings from os.environ, real clients, real clock."""
        config = Config.from_environ()
        return cls(config=config, clients=Clients(config))

    def now_ms(self) -> int:
        """The clock in whole epoch milliseconds."""
        return int(self.clock() * 1000)
