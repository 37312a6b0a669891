"""VPC peering: a full mesh with routes both ways, and where each region reaches its peers.

The peering stack's own providers make every connection, accepter and route; the VPC,
route-table and endpoint ids come from the regions' stacks (their ids are random). Each
region's security groups admit its peers by range, which the region's own stack knows
from the spec. Each region's functions learn the peers' interface endpoints from a
parameter in their own region, which this stack writes.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import attrs
from cdktf import Fn
from constructs import Construct

from drkit.aws import Route, VpcPeeringConnection, VpcPeeringConnectionAccepter
from drkit.footprint import RegionalFootprint, to_footprints
from drkit.regions.naming import ResourceType
from drkit.regions.spec import DeploymentSpec, Target
from drkit.services.placement import Placement
from drkit.services.ssm import PeerEndpoints, PeerEndpointsProps
from drkit_runtime.access import peer_services


@attrs.frozen(kw_only=True)
class PeeringMeshProps:
    """Props of :class:`PeeringMesh`.

    Attributes:
        deployment: The deployment's spec.
        placements: The peering stack's placement (provider) in every region.
        footprints: The regions to peer, every pair once (each in its own stack).
    """

    deployment: DeploymentSpec
    placements: Mapping[str, Placement]
    footprints: tuple[RegionalFootprint, ...] = attrs.field(converter=to_footprints)


class PeeringMesh(Construct):
    """Peers every pair of footprints: requested from the first, accepted in the second.

    Attributes:
        connections: ``(requester region, accepter region) -> peering connection``.
    """

    def __init__(self, scope: Construct, id: str, *, props: PeeringMeshProps) -> None:
        super().__init__(scope, id)
        self._props = props
        self.connections: dict[tuple[str, str], VpcPeeringConnection] = {}
        for a, b in itertools.combinations(props.footprints, 2):
            self._pair(a, b)
        for f in props.footprints:
            PeerEndpoints(
                self,
                f"peer-endpoints-{f.spec.short}",
                props=PeerEndpointsProps(
                    placement=props.placements[f.region], endpoints=self._endpoints_for(f)
                ),
            )

    def _pair(self, a: RegionalFootprint, b: RegionalFootprint) -> None:
        pa, pb = self._props.placements[a.region], self._props.placements[b.region]
        pair = f"{a.spec.short}-{b.spec.short}"
        name = pa.namer(ResourceType.NAME_TAG, f"pcx-{pair}")
        connection = VpcPeeringConnection(
            self,
            pair,
            provider=pa.provider,
            vpc_id=a.network.vpc_id,
            peer_vpc_id=b.network.vpc_id,
            peer_region=b.region,
            peer_owner_id=pa.account.account_id,
            auto_accept=False,
            tags=pa.tagged(name),
        )
        accepter = VpcPeeringConnectionAccepter(
            self,
            f"{pair}-accepter",
            provider=pb.provider,
            vpc_peering_connection_id=connection.id,
            auto_accept=True,
            tags=pb.tagged(name),
        )
        self.connections[(a.region, b.region)] = connection
        for local, peer in ((a, b), (b, a)):
            place = self._props.placements[local.region]
            for index, table_id in enumerate(local.network.route_table_ids):
                Route(
                    self,
                    f"{pair}-route-{local.spec.short}-{index}",
                    provider=place.provider,
                    route_table_id=table_id,
                    destination_cidr_block=peer.spec.cidr,
                    vpc_peering_connection_id=connection.id,
                    # Routes through a connection that is not yet active fail.
                    depends_on=[accepter],
                )

    def _endpoints_for(self, f: RegionalFootprint) -> dict[str, dict[str, str]]:
        """``{peer region: {service: URL}}`` for ``f``'s functions' peer clients."""
        d = self._props.deployment
        return {
            o.region: {
                service: d.local_endpoint
                if d.target is Target.LOCAL and d.local_endpoint
                else endpoint_url(service, o.network.peer_endpoint_dns[service])
                for service in peer_services()
            }
            for o in self._props.footprints
            if o is not f
        }


def endpoint_url(service: str, dns_name: str) -> str:
    """The URL an SDK client uses for an interface endpoint's regional DNS name.

    S3's name is a wildcard (``*.vpce-....s3.<region>.vpce.amazonaws.com``) under which
    requests name the bucket: https://docs.aws.amazon.com/AmazonS3/latest/userguide/
    privatelink-interface-endpoints.html
    """
    if service == "s3":
        return "https://" + Fn.replace(dns_name, "*.", "bucket.")
    return f"https://{dns_name}"
