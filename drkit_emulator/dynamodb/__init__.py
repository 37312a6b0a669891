"""DynamoDB: global tables (version 2019.11.21), regional stream records, tags that overwrite.

Global tables
-------------
The gap (moto 5.2.5): ``UpdateTable`` accepts ``ReplicaUpdates`` but ignores
them. No replica table appears, ``DescribeTable`` never lists ``Replicas``, so
Terraform's ``aws_dynamodb_table`` with a ``replica {}`` block waits forever
for the replica to become ``ACTIVE``.

What this extension does (:mod:`.models.global_tables`, :mod:`.responses`):

* ``ReplicaUpdates`` ``Create {RegionName, KMSMasterKeyId}`` creates the replica
  at once (status ``ACTIVE``) in that region's backend: same name, key schema,
  attribute definitions, billing mode, throughput, GSIs, LSIs, stream
  specification and TTL setting, the existing items, and SSE with the given KMS
  key (the region's AWS-managed key when none is given and the source uses
  one). Tags are not copied, as in AWS (Terraform's ``propagate_tags`` does it).
* ``Update {RegionName, KMSMasterKeyId}`` changes a member's KMS key; other
  fields of the action (throughput and table-class overrides) are accepted and
  ignored. ``Delete {RegionName}`` deletes the replica table.
* ``DescribeTable`` (and the ``UpdateTable`` response) in any member region
  returns ``GlobalTableVersion: 2019.11.21`` and ``Replicas``: every *other*
  member with ``RegionName``, ``ReplicaStatus: ACTIVE`` and, when it uses a KMS
  key, ``KMSMasterKeyId``. AWS leaves the region being asked out of the list,
  and Terraform relies on that: listing it would show a phantom replica.
* ``DeleteTable`` of a member removes it from the group; the others stay.
  Terraform deletes replicas first and the primary last, which works.
* Writes replicate, synchronously. ``PutItem``, ``UpdateItem``, ``DeleteItem``,
  ``BatchWriteItem``, ``TransactWriteItems`` (after the whole transaction
  commits), PartiQL statements and ``UpdateTimeToLive`` made in one member are
  applied to every other member before the response is sent, and so appear in
  their streams as ordinary ``INSERT``/``MODIFY``/``REMOVE`` records. All
  DynamoDB writes in the emulator take one lock, so concurrent writers to
  different regions are serialised and the last writer wins everywhere; the
  members never diverge. Replication copies the whole resulting item, as AWS
  does. It waits, and then applies the source's current item, for a region held
  on demand and for a region taken out of the emulator, in either direction
  (:mod:`.models.hold`, :mod:`drkit_emulator.outage`). Two writes of one item made
  in two regions while replication between them waits are settled as AWS does, by
  last writer wins: each replica ends with the later write, and the earlier one,
  arriving after it, is discarded (the region that made the earlier write sees it
  replaced on its stream; the other sees nothing). "Later" is the emulator's one
  write order, not a clock.

Not emulated: replication lag, the ``CREATING``/``DELETING`` transitions,
propagating GSI changes or stream-spec changes made after a replica exists,
and the 2017.11.29 ``CreateGlobalTable`` API.

Stream records
--------------
The gap (moto 5.2.5): every stream record says ``"awsRegion": "us-east-1"``,
whatever the table's region (``StreamRecord.__init__`` hard-codes it). With
global tables the same change shows up in each replica's stream, and a
consumer that reads ``awsRegion`` (to tell which region's copy it is looking
at) would be told the wrong region for every replica.

What this extension does (:class:`.models.RegionalStreamRecord`): a
``StreamRecord`` subclass sets ``awsRegion`` to the table's region, and moto's
table module is pointed at it (``StreamShard.add`` looks the class up there at
call time). Records are otherwise unchanged.

Tags
----
The gap (moto 5.2.5): ``TagResource`` appends the new tags to the table's list
without removing existing tags of the same key, so changing a tag's value
leaves two entries with that key and ``ListTagsOfResource`` returns both.
Terraform changes a tag by calling ``TagResource`` with the new value (on the
table, and on every replica when ``propagate_tags`` is set).

What this extension does (:class:`.models.DrkitDynamoDBBackend`): drops the
table's existing tags whose keys are being set, then lets moto append the new
ones. Tagging an unknown ARN still does nothing, as in moto.
"""

from __future__ import annotations

from moto.dynamodb.models import dynamodb_backends

from drkit_emulator.core.routing import install_backend
from drkit_emulator.dynamodb import models


def install() -> None:
    """Make every DynamoDB backend created from now on drkit's, and stream records regional.

    Idempotent.

    Raises:
        MotoExtensionError: Region backends already exist (they would keep the
            old class); install before the first DynamoDB request.
    """
    models.install_stream_records()
    install_backend(dynamodb_backends, models.DrkitDynamoDBBackend)
