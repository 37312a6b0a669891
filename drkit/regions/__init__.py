"""The model: what a deployment is, validated, with no cloud library loaded.

Specs, the region catalogue, physical names and the failover budget are plain
data and arithmetic (attrs only). Nothing here imports cdktf, jsii, the
provider bindings or moto; the layers above build on it.
"""

from drkit.regions.spec import DeploymentSpec, RegionSpec, Role, S3Backend, Target

__all__ = ["DeploymentSpec", "RegionSpec", "Role", "S3Backend", "Target"]
