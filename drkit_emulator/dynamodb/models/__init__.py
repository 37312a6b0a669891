"""drkit's DynamoDB backend (global tables, tags that overwrite) and regional stream records.

The gaps each part fills are described in :mod:`drkit_emulator.dynamodb`.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models import table as table_module

from drkit_emulator.dynamodb import urls
from drkit_emulator.dynamodb.models.global_tables import GlobalTablesBackendMixin

_MOTO_STREAM_RECORD = table_module.StreamRecord


class DrkitDynamoDBBackend(GlobalTablesBackendMixin, DynamoDBBackend):
    """moto's DynamoDB backend with global tables, and ``TagResource`` replacing existing keys."""

    @property
    def _url_module(self) -> ModuleType:
        # moto derives the URL module from the class's module name; name ours outright.
        return urls

    def tag_resource(self, arn: str, tags: dict[str, str]) -> None:
        for table in self.tables.values():
            if table.table_arn == arn:
                table.tags = [t for t in table.tags if t["Key"] not in tags]
        super().tag_resource(arn, tags)


class RegionalStreamRecord(_MOTO_STREAM_RECORD):
    """A stream record whose ``awsRegion`` is its table's region."""

    def __init__(self, table: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(table, *args, **kwargs)
        self.record["awsRegion"] = table.region_name


def install_stream_records() -> None:
    """Make new stream records regional (moto looks the class up in its module). Idempotent."""
    table_module.StreamRecord = RegionalStreamRecord  # type: ignore[misc]
