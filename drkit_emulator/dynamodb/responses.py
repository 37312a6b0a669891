"""drkit's DynamoDB request handler: ``UpdateTable`` with ``ReplicaUpdates`` (global tables)."""

from __future__ import annotations

from typing import Any, cast

from moto.dynamodb.responses import DynamoHandler


class DrkitDynamoHandler(DynamoHandler):
    """moto's handler, passing the ``ReplicaUpdates`` its ``update_table`` drops to the backend."""

    def update_table(self) -> Any:
        backend: Any = self.dynamodb_backend  # drkit's backend: see .models
        replica_updates = self.body.get("ReplicaUpdates")
        if replica_updates:
            backend.update_replicas(self.body["TableName"], replica_updates)
        result = super().update_table()
        backend.add_replica_descriptions(cast(dict[str, Any], result.result)["TableDescription"])
        return result
