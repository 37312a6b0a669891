"""drkit's API Gateway v2 request handler: ``UpdateDomainName``, which moto's handler lacks."""

from __future__ import annotations

import json
from typing import Any

from moto.apigatewayv2.responses import ApiGatewayV2Response


class DrkitApiGatewayV2Response(ApiGatewayV2Response):
    """moto's API Gateway v2 handler, serving ``UpdateDomainName`` too."""

    def update_domain_name(self) -> Any:
        backend: Any = self.apigatewayv2_backend  # drkit's backend: see .models
        params = json.loads(self.body or "{}")
        domain = backend.update_domain_name(
            domain_name=self.path.split("/")[-1],
            domain_name_configurations=params.get("domainNameConfigurations"),
            mutual_tls_authentication=params.get("mutualTlsAuthentication"),
        )
        return 200, {}, json.dumps(domain.to_json())
