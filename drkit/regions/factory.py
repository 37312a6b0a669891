"""RegionFactory: turns each RegionSpec into an identical RegionalFootprint."""

from __future__ import annotations

from collections.abc import Mapping

from constructs import Construct

from drkit.regions.footprint import RegionalFootprint, SharedResources
from drkit.regions.spec import RegionSpec
from drkit.services.context import Placement


class RegionFactory:
    """Builds footprints that differ only by their spec.

    Args:
        scope: Where footprints are added (the stack).
        placements: One placement (provider) per region, made once by the stack.
        shared: Zone, code and the deployment spec every footprint uses.
    """

    def __init__(
        self, scope: Construct, *, placements: Mapping[str, Placement], shared: SharedResources
    ) -> None:
        self._scope = scope
        self._placements = placements
        self._shared = shared

    def build(self, spec: RegionSpec) -> RegionalFootprint:
        """The footprint of ``spec``; its construct id is the region name (a contract)."""
        return RegionalFootprint(
            self._scope,
            spec.region,
            spec=spec,
            placement=self._placements[spec.region],
            shared=self._shared,
        )
