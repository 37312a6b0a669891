"""AWS Backup ``ListTags`` finds the tags of the resource asked for.

The gap (moto 5.2.5): ``ListTags`` takes the resource ARN from the
second-to-last path segment, expecting ``/tags/<arn>/``. SDKs that drop the
trailing slash (the Go SDK behind Terraform sends ``/tags/<arn>``) get the
tags of a resource called ``tags``: none. Terraform then sees every backup
vault and plan as untagged and plans to add their tags again on every run.

What this extension does: ``ListTags`` reads the ARN from the request's
``resourceArn`` path parameter, with or without the trailing slash. Tagging
itself was already right.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from drkit.deploy.moto_ext._routing import uri_param

if TYPE_CHECKING:
    from moto.backup.responses import BackupResponse

    _HandlerBase = BackupResponse
else:
    _HandlerBase = object


class ListTagsHandlerMixin(_HandlerBase):
    """``ListTags`` by the ARN in the path, trailing slash or not."""

    def list_tags(self) -> str:
        tags = self.backup_backend.list_tags(resource_arn=uri_param(self, "resourceArn"))
        return json.dumps({"Tags": tags})
