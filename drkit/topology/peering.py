"""VPC peering: a full mesh, routes both ways, HTTPS from functions to the peers' endpoints only."""

from __future__ import annotations

import itertools

import attrs
from constructs import Construct

from drkit.aws import Route, VpcPeeringConnection, VpcPeeringConnectionAccepter
from drkit.footprint import RegionalFootprint
from drkit.regions.naming import ResourceType


@attrs.frozen(kw_only=True)
class PeeringMeshProps:
    """Props of :class:`PeeringMesh`.

    Attributes:
        footprints: The regions to peer, every pair once.
    """

    footprints: tuple[RegionalFootprint, ...] = attrs.field(converter=tuple)


class PeeringMesh(Construct):
    """Peers every pair of footprints: requested from the first, accepted in the second.

    Attributes:
        connections: ``(requester region, accepter region) -> peering connection``.
    """

    def __init__(self, scope: Construct, id: str, *, props: PeeringMeshProps) -> None:
        super().__init__(scope, id)
        footprints = props.footprints
        self.connections: dict[tuple[str, str], VpcPeeringConnection] = {}
        for a, b in itertools.combinations(footprints, 2):
            pair = f"{a.spec.short}-{b.spec.short}"
            name = a.placement.namer(ResourceType.NAME_TAG, f"pcx-{pair}")
            connection = VpcPeeringConnection(
                self,
                f"{pair}",
                provider=a.placement.provider,
                vpc_id=a.network.vpc_id,
                peer_vpc_id=b.network.vpc_id,
                peer_region=b.region,
                peer_owner_id=a.placement.account.account_id,
                auto_accept=False,
                tags=a.placement.tagged(name),
            )
            accepter = VpcPeeringConnectionAccepter(
                self,
                f"{pair}-accepter",
                provider=b.placement.provider,
                vpc_peering_connection_id=connection.id,
                auto_accept=True,
                tags=b.placement.tagged(name),
            )
            self.connections[(a.region, b.region)] = connection
            for local, peer in ((a, b), (b, a)):
                for index, table_id in enumerate(local.network.route_table_ids):
                    Route(
                        self,
                        f"{pair}-route-{local.spec.short}-{index}",
                        provider=local.placement.provider,
                        route_table_id=table_id,
                        destination_cidr_block=peer.spec.cidr,
                        vpc_peering_connection_id=connection.id,
                        # Routes through a connection that is not yet active fail.
                        depends_on=[accepter],
                    )
                # Peers reach only the endpoints meant for them; nothing reaches the functions.
                local.network.allow_peer(
                    f"peer-{peer.spec.short}",
                    cidr=peer.spec.cidr,
                    description=f"HTTPS from peer VPC {peer.region} to its interface endpoints",
                )
                local.network.allow_https_out(
                    f"peer-{peer.spec.short}",
                    cidr=peer.spec.cidr,
                    description=f"HTTPS to peer VPC {peer.region}",
                )
