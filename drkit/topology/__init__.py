"""The topology: what connects footprints (peering, replication, DNS) and every region's alarms.

Each piece is a construct of the stack that holds it: the peering mesh of the peering stack,
the data plane of the data stack, weighted routing of the routing stack, the zone of the DNS
stack, and a region's alarms of its own stack. None of them is ever part of a region's
stack but its alarms.
"""

from drkit.topology.data import DataPlane, DataPlaneProps
from drkit.topology.dns import GlobalDns, GlobalDnsProps, ZoneContents, ZoneContentsProps
from drkit.topology.observability import RegionalObservability, RegionalObservabilityProps
from drkit.topology.peering import PeeringMesh, PeeringMeshProps
from drkit.topology.routing import WeightedRouting, WeightedRoutingProps

__all__ = [
    "DataPlane",
    "DataPlaneProps",
    "GlobalDns",
    "GlobalDnsProps",
    "PeeringMesh",
    "PeeringMeshProps",
    "RegionalObservability",
    "RegionalObservabilityProps",
    "WeightedRouting",
    "WeightedRoutingProps",
    "ZoneContents",
    "ZoneContentsProps",
]
