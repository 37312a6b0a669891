"""VPC: private subnets in two AZs, gateway and interface endpoints, flow logs, closed defaults.

There is no internet or NAT gateway: the functions reach DynamoDB and S3
through gateway endpoints and SSM and CloudWatch through interface endpoints, so
patient data never leaves the AWS network. Peer regions are reached over VPC
peering, which the topology adds (routes and security-group rules).
"""

from __future__ import annotations

import attrs
from cdktf import Fn
from constructs import Construct

from drkit.aws import (
    DataAwsAvailabilityZones,
    DataAwsAvailabilityZonesFilter,
    DefaultSecurityGroup,
    FlowLog,
    RouteTable,
    RouteTableAssociation,
    SecurityGroup,
    Subnet,
    Vpc,
    VpcEndpoint,
    VpcSecurityGroupEgressRule,
    VpcSecurityGroupIngressRule,
)
from drkit.regions import names
from drkit.regions.names import Name
from drkit.regions.naming import ResourceType
from drkit.regions.region import RegionSpec
from drkit.services.kms import EncryptionKey
from drkit.services.logs import LogGroup, LogGroupProps
from drkit.services.placement import Placement
from drkit.services.policy import PolicyDocument

HTTPS = 443
#: The only services with gateway endpoints (free, routed, own region only; they cannot be
#: used across VPC peering): https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
GATEWAY_SERVICES = ("s3", "dynamodb")


@attrs.frozen(kw_only=True)
class NetworkProps:
    """Props of :class:`Network`.

    Attributes:
        placement: Region, provider and naming.
        region_spec: Gives the VPC range and its subnets.
        key: Encrypts the flow-log group.
        flow_logs_role_arn: The role VPC Flow Logs writes the group with (the IAM stack's).
        own_services: Services the functions call in this region (a gateway endpoint for
            DynamoDB and S3, an interface endpoint with private DNS for the others).
        peer_services: Services other regions' functions call here: an interface endpoint
            each, in a group of its own that admits the peers' ranges (``allow_peer``).
        log_retention_days: Flow-log retention.
    """

    placement: Placement
    region_spec: RegionSpec
    key: EncryptionKey
    flow_logs_role_arn: str
    own_services: tuple[str, ...] = ()
    peer_services: tuple[str, ...] = ()
    log_retention_days: int = 365

    def __attrs_post_init__(self) -> None:
        if self.region_spec.region != self.placement.region:
            raise ValueError("region_spec and placement name different regions")


class Network(Construct):
    """A region's private network.

    Attributes:
        vpc_id: The VPC.
        cidr: Its IPv4 range.
        private_subnet_ids: One subnet per AZ.
        route_table_ids: The private route tables (peering routes go here).
        workload_security_group_id: The functions' group: HTTPS out to the
            endpoints (and to peers, added by the topology); nothing in.
        endpoint_policies: ``service -> policy`` of the endpoint this region's functions use;
            rendered at synth, empty until the topology writes the declared calls in.
        peer_endpoint_policies: ``service -> policy`` of the endpoints peers use.
        peer_endpoint_dns: ``service -> DNS name`` of those endpoints (peers' clients use them).
    """

    def __init__(self, scope: Construct, id: str, *, props: NetworkProps) -> None:
        super().__init__(scope, id)
        self._placement = props.placement
        self.cidr = props.region_spec.cidr
        self._vpc()
        self._private_subnets(props.region_spec)
        self.endpoint_policies: dict[str, PolicyDocument] = {}
        self.peer_endpoint_policies: dict[str, PolicyDocument] = {}
        self.gateway_endpoints = self._gateway_endpoints(props.own_services)
        self._interface_endpoints(props.own_services)
        self.peer_endpoint_dns = self._peer_endpoints(props.peer_services)
        self._workload_group()
        self._flow_logs(props)

    def _vpc(self) -> None:
        """The VPC, with DNS (private endpoint names need it) and a closed default group."""
        p = self._placement
        self.resource = Vpc(
            self,
            "resource",
            provider=p.provider,
            cidr_block=self.cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=p.tagged(p.name(ResourceType.NAME_TAG, "vpc-main")),
        )
        self.vpc_id: str = self.resource.id
        # Nothing may use the default group: no rules at all.
        DefaultSecurityGroup(
            self,
            "default-sg",
            provider=p.provider,
            vpc_id=self.vpc_id,
            tags=p.tagged(p.name(ResourceType.NAME_TAG, "sg-default-closed")),
        )

    def _private_subnets(self, spec: RegionSpec) -> None:
        """One private subnet per AZ, each with its own route table (no internet route)."""
        p = self._placement
        # An allowlist of zone names (letters a-f): the subnets sit in the first
        # two of them, and a zone AWS adds later can never move a subnet.
        zones = DataAwsAvailabilityZones(
            self,
            "zones",
            provider=p.provider,
            state="available",
            filter=[
                DataAwsAvailabilityZonesFilter(
                    name="zone-name", values=[f"{p.region}{z}" for z in "abcdef"]
                )
            ],
        )
        self.private_subnet_ids: list[str] = []
        self.route_table_ids: list[str] = []
        for index, subnet_cidr in enumerate(spec.subnet_cidrs()):
            subnet = Subnet(
                self,
                f"private-{index}",
                provider=p.provider,
                vpc_id=self.vpc_id,
                cidr_block=subnet_cidr,
                availability_zone=Fn.element(zones.names, index),
                map_public_ip_on_launch=False,
                tags=p.tagged(p.name(ResourceType.NAME_TAG, f"subnet-private{index}")),
            )
            table = RouteTable(
                self,
                f"private-rt-{index}",
                provider=p.provider,
                vpc_id=self.vpc_id,
                tags=p.tagged(p.name(ResourceType.NAME_TAG, f"rt-private{index}")),
            )
            RouteTableAssociation(
                self,
                f"private-rta-{index}",
                provider=p.provider,
                subnet_id=subnet.id,
                route_table_id=table.id,
            )
            self.private_subnet_ids.append(subnet.id)
            self.route_table_ids.append(table.id)

    def _gateway_endpoints(self, services: tuple[str, ...]) -> dict[str, VpcEndpoint]:
        """DynamoDB and S3 of this region, on the private route tables."""
        p = self._placement
        endpoints = {}
        for service in (s for s in GATEWAY_SERVICES if s in services):
            policy = self.endpoint_policies[service] = PolicyDocument()
            endpoints[service] = VpcEndpoint(
                self,
                f"endpoint-{service}",
                provider=p.provider,
                vpc_id=self.vpc_id,
                service_name=f"com.amazonaws.{p.region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=self.route_table_ids,
                policy=policy.rendered(),
                tags=p.tagged(p.name(ResourceType.NAME_TAG, f"vpce-{service}")),
            )
        return endpoints

    def _interface_endpoints(self, services: tuple[str, ...]) -> None:
        """The other services, reached on HTTPS from inside the VPC by their private names."""
        endpoints_sg = self._security_group(
            names.ENDPOINTS_SECURITY_GROUP, "Interface endpoints: HTTPS from inside the VPC"
        )
        self._https_rule(
            "endpoints-https-in",
            ingress=True,
            security_group_id=endpoints_sg.id,
            cidr=self.cidr,
            description="HTTPS from this VPC to the interface endpoints",
        )
        for service in (s for s in services if s not in GATEWAY_SERVICES):
            policy = self.endpoint_policies[service] = PolicyDocument()
            self._interface_endpoint(service, endpoints_sg, policy, private_dns=True)

    def _peer_endpoints(self, services: tuple[str, ...]) -> dict[str, str]:
        """Interface endpoints other regions reach over peering, by their endpoint DNS names.

        Gateway endpoints serve only their own VPC; interface endpoints accept traffic from
        peered VPCs: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
        privatelink-interface-endpoints.html. No private DNS: peers resolve the
        endpoint-specific name, and this region's functions keep their gateway endpoints.
        """
        if not services:
            return {}
        self.peer_endpoints_sg = self._security_group(
            names.PEER_ENDPOINTS_SECURITY_GROUP,
            "Interface endpoints for peer regions: HTTPS from peer VPCs only",
        )
        dns = {}
        for service in services:
            policy = self.peer_endpoint_policies[service] = PolicyDocument()
            endpoint = self._interface_endpoint(
                service, self.peer_endpoints_sg, policy, private_dns=False, purpose="peer"
            )
            dns[service] = endpoint.dns_entry.get(0).dns_name
        return dns

    def _interface_endpoint(
        self,
        service: str,
        group: SecurityGroup,
        policy: PolicyDocument,
        *,
        private_dns: bool,
        purpose: str = "",
    ) -> VpcEndpoint:
        p = self._placement
        id_part = f"{purpose}-{service}" if purpose else service
        return VpcEndpoint(
            self,
            f"endpoint-{id_part}",
            provider=p.provider,
            vpc_id=self.vpc_id,
            service_name=f"com.amazonaws.{p.region}.{service}",
            vpc_endpoint_type="Interface",
            private_dns_enabled=private_dns,
            subnet_ids=self.private_subnet_ids,
            security_group_ids=[group.id],
            policy=policy.rendered(),
            tags=p.tagged(p.name(ResourceType.NAME_TAG, f"vpce-{id_part}")),
        )

    def _workload_group(self) -> None:
        """The functions' group: HTTPS out to the endpoints (peers are added by the topology)."""
        self.workload_security_group = self._security_group(
            names.WORKLOAD_SECURITY_GROUP,
            "Regional functions: HTTPS to AWS endpoints and to peer regions only",
        )
        self.workload_security_group_id: str = self.workload_security_group.id
        self.allow_https_out(
            "to-vpc-endpoints", cidr=self.cidr, description="HTTPS to the interface endpoints"
        )
        for service, endpoint in self.gateway_endpoints.items():
            self._https_rule(
                f"workload-https-{service}",
                ingress=False,
                security_group_id=self.workload_security_group_id,
                prefix_list_id=endpoint.prefix_list_id,
                description=f"HTTPS to {service} through its gateway endpoint",
            )

    def allow_peer(self, id: str, *, cidr: str, description: str) -> None:
        """Let a peer VPC's range reach the endpoints it is meant to use here, on HTTPS only."""
        self._https_rule(
            f"peerendpoints-in-{id}",
            ingress=True,
            security_group_id=self.peer_endpoints_sg.id,
            cidr=cidr,
            description=description,
        )

    def allow_https_out(self, id: str, *, cidr: str, description: str) -> None:
        """Let the workload group reach ``cidr`` on HTTPS."""
        self._https_rule(
            f"workload-out-{id}",
            ingress=False,
            security_group_id=self.workload_security_group_id,
            cidr=cidr,
            description=description,
        )

    def _https_rule(
        self,
        id: str,
        *,
        ingress: bool,
        security_group_id: str,
        description: str,
        cidr: str | None = None,
        prefix_list_id: str | None = None,
    ) -> None:
        """One HTTPS-only rule: every rule drkit writes allows port 443 and nothing else."""
        rule = VpcSecurityGroupIngressRule if ingress else VpcSecurityGroupEgressRule
        rule(
            self,
            id,
            provider=self._placement.provider,
            security_group_id=security_group_id,
            description=description,
            ip_protocol="tcp",
            from_port=HTTPS,
            to_port=HTTPS,
            cidr_ipv4=cidr,
            prefix_list_id=prefix_list_id,
            tags=self._placement.tagged(),
        )

    def _security_group(self, group: Name, description: str) -> SecurityGroup:
        p = self._placement
        name = p.named(group)
        # Rules are separate resources (so the topology can add peers); the
        # inline rule lists stay empty and Terraform leaves them alone.
        return SecurityGroup(
            self,
            f"sg-{group.purpose}",
            provider=p.provider,
            name=name,
            description=description,
            vpc_id=self.vpc_id,
            revoke_rules_on_delete=True,
            tags=p.tagged(name),
        )

    def _flow_logs(self, props: NetworkProps) -> None:
        p = self._placement
        group = LogGroup(
            self,
            "flow-log-group",
            props=LogGroupProps(
                placement=p,
                log_group_name=p.named(names.VPC_FLOW_LOG_GROUP),
                key=props.key,
                retention_days=props.log_retention_days,
            ),
        )
        FlowLog(
            self,
            "flow-log",
            provider=p.provider,
            vpc_id=self.vpc_id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.log_group_arn,
            iam_role_arn=props.flow_logs_role_arn,
            max_aggregation_interval=60,
            tags=p.tagged(p.name(ResourceType.NAME_TAG, "flowlog")),
        )
