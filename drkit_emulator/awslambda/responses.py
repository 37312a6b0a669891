"""drkit's Lambda request handler: ``GetAccountSettings``."""

from __future__ import annotations

import json
from typing import Any

from moto.awslambda.responses import LambdaResponse
from moto.core.responses import TYPE_RESPONSE


class DrkitLambdaResponse(LambdaResponse):
    """moto's Lambda handler, also serving ``GetAccountSettings``."""

    def get_account_settings(self) -> TYPE_RESPONSE:
        backend: Any = self.backend  # drkit's backend: see .models
        return 200, {}, json.dumps(backend.account_settings())
