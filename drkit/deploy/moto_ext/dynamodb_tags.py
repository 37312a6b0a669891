"""DynamoDB ``TagResource`` overwrites existing keys, as in AWS.

The gap (moto 5.2.5): ``TagResource`` appends the new tags to the table's list
without removing existing tags of the same key, so changing a tag's value
leaves two entries with that key and ``ListTagsOfResource`` returns both.
Terraform changes a tag by calling ``TagResource`` with the new value (on the
table, and on every replica when ``propagate_tags`` is set).

What this extension does: drops the table's existing tags whose keys are being
set, then lets moto append the new ones. Tagging an unknown ARN still does
nothing, as in moto.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moto.dynamodb.models import DynamoDBBackend

    _BackendBase = DynamoDBBackend
else:
    _BackendBase = object


class TagOverwriteMixin(_BackendBase):
    """Makes ``tag_resource`` replace the values of keys that already exist."""

    def tag_resource(self, arn: str, tags: dict[str, str]) -> None:
        for table in self.tables.values():
            if table.table_arn == arn:
                table.tags = [t for t in table.tags if t["Key"] not in tags]
        super().tag_resource(arn, tags)
