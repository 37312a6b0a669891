"""The region model: what a region is (specs) and how one becomes a footprint (factory).

Names are resolved lazily: the spec classes are plain data, while the factory
and footprint load the AWS provider bindings, so each is imported only when
asked for (and ``drkit.naming`` can use the region catalogue without a cycle).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drkit.regions.factory import RegionFactory
    from drkit.regions.footprint import RegionalFootprint
    from drkit.regions.spec import DeploymentSpec, RegionSpec, Role, S3Backend, Target

_HOMES = {
    "DeploymentSpec": "drkit.regions.spec",
    "RegionSpec": "drkit.regions.spec",
    "Role": "drkit.regions.spec",
    "S3Backend": "drkit.regions.spec",
    "Target": "drkit.regions.spec",
    "RegionFactory": "drkit.regions.factory",
    "RegionalFootprint": "drkit.regions.footprint",
}
__all__ = [
    "DeploymentSpec",
    "RegionFactory",
    "RegionSpec",
    "RegionalFootprint",
    "Role",
    "S3Backend",
    "Target",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(name)
