"""drkit's S3 backend: moto's, routing requests to drkit's handler (:mod:`.responses`)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from moto.s3.models import S3Backend

from drkit_emulator.s3 import urls


class DrkitS3Backend(S3Backend):
    """moto's S3 backend, routing requests to drkit's handler; objects replicate as configured."""

    @property
    def _url_module(self) -> ModuleType:
        return urls

    def put_object(
        self, bucket_name: str, key_name: str, value: bytes, *args: Any, **kwargs: Any
    ) -> Any:
        key = super().put_object(bucket_name, key_name, value, *args, **kwargs)
        self._replicate(bucket_name, key_name, value)
        return key

    def _replicate(self, bucket_name: str, key_name: str, value: bytes) -> None:
        """Copy a new object to every destination of an enabled rule whose prefix it has.

        At once (AWS takes seconds to minutes), re-encrypted with the rule's replica key;
        a replica is written with moto's own put_object, so it is not replicated again.
        """
        replication = getattr(self.get_bucket(bucket_name), "replication", None) or {}
        for rule in replication.get("Rule", []):
            prefix = (rule.get("Filter") or {}).get("Prefix", rule.get("Prefix", "")) or ""
            if rule.get("Status") != "Enabled" or not key_name.startswith(prefix):
                continue
            destination = rule["Destination"]
            target = destination["Bucket"].split(":::", 1)[-1]
            if target not in self.buckets:
                continue
            replica_key = (destination.get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID")
            S3Backend.put_object(
                self,
                target,
                key_name,
                value,
                encryption="aws:kms" if replica_key else None,
                kms_key_id=replica_key,
            )
