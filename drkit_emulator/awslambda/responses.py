"""drkit's Lambda request handler: ``GetAccountSettings`` and code-signing configurations."""

from __future__ import annotations

import json
from typing import Any

from moto.awslambda.responses import LambdaResponse
from moto.core.responses import TYPE_RESPONSE

from drkit_emulator.core.routing import uri_param


class DrkitLambdaResponse(LambdaResponse):
    """moto's Lambda handler, also serving ``GetAccountSettings`` and code signing."""

    @property
    def _backend(self) -> Any:
        """drkit's backend (see .models), which has the operations moto's lacks."""
        return self.backend

    def get_account_settings(self) -> TYPE_RESPONSE:
        return 200, {}, json.dumps(self._backend.account_settings())

    # -- code-signing configurations (API version 2020-04-22) ---------------------------

    def create_code_signing_config(self) -> TYPE_RESPONSE:
        config = self._backend.create_code_signing_config(self.json_body or {})
        return 201, {}, json.dumps({"CodeSigningConfig": config.to_dict()})

    def get_code_signing_config(self) -> str:
        config = self._backend.get_code_signing_config(self._config_arn())
        return json.dumps({"CodeSigningConfig": config.to_dict()})

    def update_code_signing_config(self) -> str:
        config = self._backend.update_code_signing_config(self._config_arn(), self.json_body or {})
        return json.dumps({"CodeSigningConfig": config.to_dict()})

    def delete_code_signing_config(self) -> TYPE_RESPONSE:
        self._backend.delete_code_signing_config(self._config_arn())
        return 204, {}, ""

    def list_code_signing_configs(self) -> str:
        configs = list(self._backend.code_signing_configs.values())
        start = int(self._get_param("Marker") or 0)
        size = int(self._get_param("MaxItems") or 50)
        answer: dict[str, Any] = {
            "CodeSigningConfigs": [c.to_dict() for c in configs[start : start + size]]
        }
        if start + size < len(configs):
            answer["NextMarker"] = str(start + size)
        return json.dumps(answer)

    def list_functions_by_code_signing_config(self) -> str:
        arn = self._backend.get_code_signing_config(self._config_arn()).arn
        return json.dumps({"FunctionArns": self._backend.functions_using(arn)})

    # -- a function's configuration (API version 2020-06-30) ----------------------------

    def put_function_code_signing_config(self) -> str:
        function = self._backend.put_function_code_signing_config(
            uri_param(self, "FunctionName"), (self.json_body or {}).get("CodeSigningConfigArn", "")
        )
        return json.dumps(function.get_function_code_signing_config())

    def delete_function_code_signing_config(self) -> TYPE_RESPONSE:
        self._backend.delete_function_code_signing_config(uri_param(self, "FunctionName"))
        return 204, {}, ""

    def _config_arn(self) -> str:
        return uri_param(self, "CodeSigningConfigArn")
