"""API Gateway: a regional HTTP API in front of the region's functions, on the shared custom name.

``/health`` is open (Route 53's checkers cannot sign requests, and it returns
no data) and served by a function of its own, so no volume of records traffic
can throttle it; the records routes require SigV4 (``AWS_IAM``) so only
authorized callers reach patient records.
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
    Apigatewayv2StageRouteSettings,
    LambdaPermission,
)
from drkit.errors import SpecError
from drkit.regions import names
from drkit.regions.quotas import ROUTE53_CHECKER_PEAK_RPS
from drkit.services.acm import Certificate
from drkit.services.kms import EncryptionKey
from drkit.services.lambda_ import RegionalFunction
from drkit.services.logs import LogGroup, LogGroupProps
from drkit.services.placement import Placement
from drkit_runtime.contract import HEALTH_PATH

HEALTH_ROUTE = f"GET {HEALTH_PATH}"
#: route key -> authorization type of the records function's routes.
ROUTES = {
    "GET /records/{id}": "AWS_IAM",
    "PUT /records/{id}": "AWS_IAM",
}

#: The auto-deployed stage every name maps to.
STAGE_NAME = "$default"
#: The anonymous /health route's own throttle: a flood of it is refused at the route before it
#: reaches the health function, and it leaves Route 53's checkers (ROUTE53_CHECKER_PEAK_RPS,
#: drkit.regions.quotas) ten times their peak. API Gateway
#: lets a stage set limits per route that override the stage's defaults
#: (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html,
#: "Route-level throttling"). Above it a flood gets 429s, and so do some checkers: the
#: residual risk stated in docs/architecture.md.
HEALTH_RATE_LIMIT = 100
HEALTH_BURST_LIMIT = 200
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
        function: Serves the records routes; same region.
        health_function: Serves ``GET /health`` alone, with a reservation of its own; same
            region, never the records function.
        domain_name: The shared API name this region also answers to.
        regional_domain_name: The name only this region answers to (its health check's).
        certificate: Covers both names, in this region.
        key: Encrypts the access-log group.
        log_retention_days: Access-log retention.
        throttling_burst_limit: Stage burst limit.
        throttling_rate_limit: Stage steady-state requests per second.
        health_burst_limit: Burst limit of ``GET /health`` alone.
        health_rate_limit: Steady-state requests per second of ``GET /health`` alone; at
            least ten times what Route 53's checkers send, at most the stage's rate.
    """

    placement: Placement
    function: RegionalFunction
    health_function: RegionalFunction
    domain_name: str
    regional_domain_name: str
    certificate: Certificate
    key: EncryptionKey
    log_retention_days: int = 365
    throttling_burst_limit: int = 500
    throttling_rate_limit: int = 1000
    health_burst_limit: int = HEALTH_BURST_LIMIT
    health_rate_limit: int = HEALTH_RATE_LIMIT

    def __attrs_post_init__(self) -> None:
        for field in ("function", "health_function"):
            region = getattr(self, field).region
            if region != self.placement.region:
                raise SpecError(field, region, f"a function in {self.placement.region}")
        if self.health_function is self.function:
            raise SpecError(
                "health_function",
                self.health_function.function_name,
                "a function other than the records routes' (it must not share their concurrency)",
            )
        for name in (self.domain_name, self.regional_domain_name):
            if name not in self.certificate.domain_names:
                raise SpecError(
                    "certificate", self.certificate.domain_names, f"a certificate covering {name}"
                )
        floor = 10 * ROUTE53_CHECKER_PEAK_RPS
        if not floor <= self.health_rate_limit <= self.throttling_rate_limit:
            raise SpecError(
                "health_rate_limit",
                self.health_rate_limit,
                f"{floor} (ten times Route 53's checkers) to the stage's"
                f" {self.throttling_rate_limit} requests per second",
            )
        if self.health_burst_limit < self.health_rate_limit / 10:
            raise SpecError(
                "health_burst_limit",
                self.health_burst_limit,
                f"at least {self.health_rate_limit // 10} (a tenth of health_rate_limit)",
            )


class HttpApi(Construct):
    """The region's HTTP API and its custom domains: the shared name and its own.

    Attributes:
        api_id: The API's id.
        endpoint_host: The API's own ``execute-api`` host name.
        target_domain_name: The shared name's regional target (for the weighted alias).
        target_zone_id: The hosted zone id of that target.
        regional_domain_name: The name only this region answers to, on the same
            certificate and stage as the shared one (what its health check probes).
        regional_target_domain_name: That name's regional target (for its alias).
        regional_target_zone_id: The hosted zone id of that target.
        stage_name: The stage both names map to (also the ``Stage`` metric dimension).
        throttling_rate_limit: The stage's steady-state requests per second.
    """

    def __init__(self, scope: Construct, id: str, *, props: HttpApiProps) -> None:
        super().__init__(scope, id)
        p = props.placement
        self._placement = p
        name = p.named(names.API)
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
        self.stage_name = STAGE_NAME
        self.throttling_rate_limit = props.throttling_rate_limit
        routes = self._routes(props)
        stage = self._stage(props, routes)
        self._custom_domain(props, stage)

    def _stage(self, props: HttpApiProps, routes: list[Apigatewayv2Route]) -> Apigatewayv2Stage:
        """The auto-deployed default stage: access-logged (encrypted), throttled.

        ``GET /health`` has its own limits; API Gateway refuses route settings for a route
        that does not exist yet, so the stage waits for the routes.
        """
        p = self._placement
        access_logs = LogGroup(
            self,
            "access-logs",
            props=LogGroupProps(
                placement=p,
                log_group_name=p.named(names.API_ACCESS_LOG_GROUP),
                key=props.key,
                retention_days=props.log_retention_days,
            ),
        )
        return Apigatewayv2Stage(
            self,
            "stage",
            provider=p.provider,
            api_id=self.api_id,
            name=STAGE_NAME,
            auto_deploy=True,
            access_log_settings=Apigatewayv2StageAccessLogSettings(
                destination_arn=access_logs.log_group_arn, format=ACCESS_LOG_FORMAT
            ),
            default_route_settings=Apigatewayv2StageDefaultRouteSettings(
                throttling_burst_limit=props.throttling_burst_limit,
                throttling_rate_limit=props.throttling_rate_limit,
                detailed_metrics_enabled=True,
            ),
            route_settings=[
                Apigatewayv2StageRouteSettings(
                    route_key=HEALTH_ROUTE,
                    throttling_burst_limit=props.health_burst_limit,
                    throttling_rate_limit=props.health_rate_limit,
                    detailed_metrics_enabled=True,
                )
            ],
            depends_on=list(routes),
            tags=p.tagged(),
        )

    def _routes(self, props: HttpApiProps) -> list[Apigatewayv2Route]:
        """The records routes to the records function, ``GET /health`` to the health function.

        The records function keeps the construct ids it had when it served every route
        ("integration", "invoke-permission"); the health function's are new beside them.
        """
        records = self._integration("", props.function)
        health = self._integration("health-", props.health_function)
        targets = {**dict.fromkeys(ROUTES, records), HEALTH_ROUTE: health}
        authorizations = {**ROUTES, HEALTH_ROUTE: "NONE"}
        return [
            Apigatewayv2Route(
                self,
                _route_id(route_key),
                provider=self._placement.provider,
                api_id=self.api_id,
                route_key=route_key,
                authorization_type=authorizations[route_key],
                target=f"integrations/{integration.id}",
            )
            for route_key, integration in targets.items()
        ]

    def _integration(self, prefix: str, function: RegionalFunction) -> Apigatewayv2Integration:
        """A proxy integration of ``function``'s alias, which API Gateway may invoke from this
        API only (the permission is the alias's: the function's own would not cover it)."""
        p = self._placement
        integration = Apigatewayv2Integration(
            self,
            f"{prefix}integration",
            provider=p.provider,
            api_id=self.api_id,
            integration_type="AWS_PROXY",
            integration_uri=function.alias_invoke_arn,
            integration_method="POST",
            payload_format_version="2.0",
            # HTTP APIs cap integrations at 30 s, the function's own limit too.
            timeout_milliseconds=30000,
        )
        LambdaPermission(
            self,
            f"{prefix}invoke-permission",
            provider=p.provider,
            statement_id="AllowApiGatewayInvoke",
            action="lambda:InvokeFunction",
            function_name=function.function_name,
            qualifier=function.alias_name,
            principal="apigateway.amazonaws.com",
            source_arn=f"{self.resource.execution_arn}/*/*",
            depends_on=[function.alias],
        )
        return integration

    def _custom_domain(self, props: HttpApiProps, stage: Apigatewayv2Stage) -> None:
        """Both names on this region's API (TLS 1.2, the region's certificate).

        The shared name keeps its construct ids ("domain", "mapping"); the regional one is
        new beside it.
        """
        shared = self._domain("", props.domain_name, props, stage)
        self.target_domain_name: str = shared.domain_name_configuration.target_domain_name
        self.target_zone_id: str = shared.domain_name_configuration.hosted_zone_id
        regional = self._domain("regional-", props.regional_domain_name, props, stage)
        self.regional_domain_name = props.regional_domain_name
        self.regional_target_domain_name: str = (
            regional.domain_name_configuration.target_domain_name
        )
        self.regional_target_zone_id: str = regional.domain_name_configuration.hosted_zone_id

    def _domain(
        self, prefix: str, name: str, props: HttpApiProps, stage: Apigatewayv2Stage
    ) -> Apigatewayv2DomainName:
        p = self._placement
        domain = Apigatewayv2DomainName(
            self,
            f"{prefix}domain",
            provider=p.provider,
            domain_name=name,
            domain_name_configuration=Apigatewayv2DomainNameDomainNameConfiguration(
                certificate_arn=props.certificate.certificate_arn,
                endpoint_type="REGIONAL",
                security_policy="TLS_1_2",
            ),
            tags=p.tagged(name),
        )
        Apigatewayv2ApiMapping(
            self,
            f"{prefix}mapping",
            provider=p.provider,
            api_id=self.api_id,
            domain_name=domain.id,
            stage=stage.id,
        )
        return domain


def _route_id(route_key: str) -> str:
    """``GET /records/{id}`` -> ``route-get-records-id`` (construct ids are a contract)."""
    compact = route_key.replace(" ", "").replace("/", "-").replace("{", "").replace("}", "")
    return "route-" + compact.lower()
