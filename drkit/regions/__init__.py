"""The region model: what a region is (specs) and how one becomes a footprint (factory).

The spec classes are plain data; the factory and footprint load the AWS provider
bindings, so they are imported only when asked for.
"""

from typing import Any

from drkit.regions.spec import DeploymentSpec, RegionSpec, Role, S3Backend, Target

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
    if name == "RegionFactory":
        from drkit.regions.factory import RegionFactory

        return RegionFactory
    if name == "RegionalFootprint":
        from drkit.regions.footprint import RegionalFootprint

        return RegionalFootprint
    raise AttributeError(name)
