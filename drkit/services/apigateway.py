"""API Gateway: a regional HTTP API in front of the region's function, on the shared custom name.

``/health`` is open (Route 53's checkers cannot sign requests, and it returns
no data); the records routes require SigV4 (``AWS_IAM``) so only authorized
callers reach patient records.
"""

from __future__ import annotations

import json

import attrs
from constructs import Construct

from drkit.aws import (
    Apigatewayv2Api,
    Apigatewayv2ApiMapping,
    Apigatewayv2DomainName,
    Apigatewayv2DomainNameDomainNameConfiguration,
    Apigatewayv2Integration,
    Apigatewayv2Route,
    Apigatewayv2Stage,
    Apigatewayv2StageAccessLogSettings,
    Apigatewayv2StageDefaultRouteSettings,
    LambdaPermission,
)
from drkit.errors import SpecError
from drkit.regions.naming import ResourceType
from drkit.services.acm import Certificate
from drkit.services.kms import EncryptionKey
from drkit.services.lambda_ import RegionalFunction
from drkit.services.logs import LogGroup, LogGroupProps
from drkit.services.placement import Placement

#: route key -> authorization type.
ROUTES = {
    "GET /health": "NONE",
    "GET /records/{id}": "AWS_IAM",
    "PUT /records/{id}": "AWS_IAM",
}
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "caller": "$context.identity.caller",
        "userArn": "$context.identity.userArn",
        "requestTime": "$context.requestTime",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "integrationLatency": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
    },
    separators=(",", ":"),
)


@attrs.frozen(kw_only=True)
class HttpApiProps:
    """Props of :class:`HttpApi`.

    Attributes:
        placement: Region, provider and naming.
        function: Serves every route; same region.
        domain_name: The shared API name this region also answers to.
        certificate: Covers ``domain_name``, in this region.
        key: Encrypts the access-log group.
        log_retention_days: Access-log retention.
        throttling_burst_limit: Stage burst limit.
        throttling_rate_limit: Stage steady-state requests per second.
    """

    placement: Placement
    function: RegionalFunction
    domain_name: str
    certificate: Certificate
    key: EncryptionKey
    log_retention_days: int = 365
    throttling_burst_limit: int = 500
    throttling_rate_limit: int = 1000

    def __attrs_post_init__(self) -> None:
        if self.function.region != self.placement.region:
            raise SpecError(
                "function", self.function.region, f"a function in {self.placement.region}"
            )


class HttpApi(Construct):
    """The region's HTTP API and its custom domain.

    Attributes:
        api_id: The API's id.
        endpoint_host: The API's own ``execute-api`` host name (what the
            region's health check probes).
        target_domain_name: The custom domain's regional target (for the alias).
        target_zone_id: The hosted zone id of that target.
    """

    def __init__(self, scope: Construct, id: str, *, props: HttpApiProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self._placement = p
        name = p.name(ResourceType.API, "records")
        self.resource = Apigatewayv2Api(
            self,
            "resource",
            provider=p.provider,
            name=name,
            protocol_type="HTTP",
            description=f"drkit records API, {p.region}",
            tags=p.tagged(name),
        )
        self.api_id: str = self.resource.id
        self.endpoint_host = f"{self.api_id}.execute-api.{p.region}.amazonaws.com"
        stage = self._stage(props)
        self._routes(props.function)
        self._custom_domain(props, stage)

    def _stage(self, props: HttpApiProps) -> Apigatewayv2Stage:
        """The auto-deployed default stage: access-logged (encrypted), throttled."""
        p = self._placement
        access_logs = LogGroup(
            self,
            "access-logs",
            props=LogGroupProps(
                placement=p,
                log_group_name=p.name(ResourceType.LOG_GROUP, "apiaccess"),
                key=props.key,
                retention_days=props.log_retention_days,
            ),
        )
        return Apigatewayv2Stage(
            self,
            "stage",
            provider=p.provider,
            api_id=self.api_id,
            name="$default",
            auto_deploy=True,
            access_log_settings=Apigatewayv2StageAccessLogSettings(
                destination_arn=access_logs.log_group_arn, format=ACCESS_LOG_FORMAT
            ),
            default_route_settings=Apigatewayv2StageDefaultRouteSettings(
                throttling_burst_limit=props.throttling_burst_limit,
                throttling_rate_limit=props.throttling_rate_limit,
                detailed_metrics_enabled=True,
            ),
            tags=p.tagged(),
        )

    def _routes(self, function: RegionalFunction) -> None:
        """Every route to the function, which API Gateway may invoke from this API only."""
        p = self._placement
        integration = Apigatewayv2Integration(
            self,
            "integration",
            provider=p.provider,
            api_id=self.api_id,
            integration_type="AWS_PROXY",
            integration_uri=function.invoke_arn,
            integration_method="POST",
            payload_format_version="2.0",
            # HTTP APIs cap integrations at 30 s, the function's own limit too.
            timeout_milliseconds=30000,
        )
        for route_key, authorization in ROUTES.items():
            Apigatewayv2Route(
                self,
                _route_id(route_key),
                provider=p.provider,
                api_id=self.api_id,
                route_key=route_key,
                authorization_type=authorization,
                target=f"integrations/{integration.id}",
            )
        LambdaPermission(
            self,
            "invoke-permission",
            provider=p.provider,
            statement_id="AllowApiGatewayInvoke",
            action="lambda:InvokeFunction",
            function_name=function.function_name,
            principal="apigateway.amazonaws.com",
            source_arn=f"{self.resource.execution_arn}/*/*",
            depends_on=[function.resource],
        )

    def _custom_domain(self, props: HttpApiProps, stage: Apigatewayv2Stage) -> None:
        """The shared API name on this region's API (TLS 1.2, the region's certificate)."""
        p = self._placement
        domain = Apigatewayv2DomainName(
            self,
            "domain",
            provider=p.provider,
            domain_name=props.domain_name,
            domain_name_configuration=Apigatewayv2DomainNameDomainNameConfiguration(
                certificate_arn=props.certificate.certificate_arn,
                endpoint_type="REGIONAL",
                security_policy="TLS_1_2",
            ),
            tags=p.tagged(props.domain_name),
        )
        Apigatewayv2ApiMapping(
            self,
            "mapping",
            provider=p.provider,
            api_id=self.api_id,
            domain_name=domain.id,
            stage=stage.id,
        )
        self.target_domain_name: str = domain.domain_name_configuration.target_domain_name
        self.target_zone_id: str = domain.domain_name_configuration.hosted_zone_id


def _route_id(route_key: str) -> str:
    """``GET /records/{id}`` -> ``route-get-records-id`` (construct ids are a contract)."""
    compact = route_key.replace(" ", "").replace("/", "-").replace("{", "").replace("}", "")
    return "route-" + compact.lower()
