"""S3: reads return the EventBridge notification and the replication rules as they were put.

The gap (moto 5.2.5): two S3 read APIs answer less than was stored.
``GetBucketNotificationConfiguration`` never includes
``EventBridgeConfiguration`` (moto stores it, but leaves it out), so
Terraform's ``aws_s3_bucket_notification`` with ``eventbridge = true`` reads
``false`` and plans to turn it on again on every run.
``GetBucketReplication`` rebuilds each rule from ``ID``, ``Priority``,
``Status`` and ``Destination`` only: ``DeleteMarkerReplication`` is always
``Disabled``, ``Filter`` always ``{Prefix: ""}``, and
``SourceSelectionCriteria`` and ``ExistingObjectReplication`` are dropped, so
``aws_s3_bucket_replication_configuration`` drifts on each of them.

What this extension does: ``GetBucketNotificationConfiguration`` adds
``EventBridgeConfiguration: {}`` when it is configured; ``GetBucketReplication``
returns each rule as it was put (``ID``, ``Priority``, ``Status``,
``Filter`` or the legacy ``Prefix``, ``DeleteMarkerReplication``,
``SourceSelectionCriteria``, ``ExistingObjectReplication``, ``Destination``),
with ``DeleteMarkerReplication`` ``Disabled`` and ``Filter`` ``{Prefix: ""}``
only when they were left out. New objects replicate: a ``PutObject`` into a
bucket with an enabled rule whose prefix the key has writes the object into
the rule's destination bucket too, at once, encrypted with the rule's replica
key (AWS takes seconds to minutes; Replication Time Control's 15-minute promise
is not modelled, nor delete-marker or metadata replication). Nothing is notified.
"""

from __future__ import annotations

from moto.s3.models import s3_backends

from drkit_emulator.core.routing import install_backend
from drkit_emulator.s3 import models


def install() -> None:
    """Make every S3 backend created from now on drkit's. Idempotent."""
    install_backend(s3_backends, models.DrkitS3Backend)
