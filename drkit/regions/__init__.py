"""The model: what a deployment is, validated, with no cloud library loaded.

Specs, the region catalogue, physical names, the cut into stacks and the failover budget
are plain data and arithmetic (attrs only). Nothing here imports cdktf, jsii, the
provider bindings or moto; the layers above build on it.
"""

from drkit.regions.backend import S3Backend
from drkit.regions.region import RegionSpec, Role
from drkit.regions.spec import DeploymentSpec, Target

__all__ = ["DeploymentSpec", "RegionSpec", "Role", "S3Backend", "Target"]
