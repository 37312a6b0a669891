"""Remote Terraform state for teams: one state per stack, each in its own region's bucket.

The default is local state (one file per stack). With ``[backend]``, a regional stack keeps
its state in the bucket of its own region, so its plan and apply read nothing from another
region while that region is down; the global and cross-region stacks keep theirs in the
bucket of ``region``. Every state is locked (S3-native lock files, Terraform 1.10+).
"""

from __future__ import annotations

from typing import Any

import attrs

from drkit.errors import SpecError
from drkit.regions import region_rules as rules
from drkit.regions import validators as v
from drkit.regions.catalog import SHORT_CODES

#: What ``bucket`` must contain: each region's stacks read and write the bucket named with it.
REGION_PLACEHOLDER = "{region}"
#: The longest region name drkit knows: a bucket pattern must fit S3's 63 with any of them.
_LONGEST_REGION = max(SHORT_CODES, key=len)


def _check_bucket_pattern(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or value.count(REGION_PLACEHOLDER) != 1:
        v.fail(
            attribute.name,
            value,
            f"a bucket name with {REGION_PLACEHOLDER} in it once, e.g. 'acme-tfstate-"
            f"{REGION_PLACEHOLDER}': each region's stacks keep their state in a bucket of their "
            "own region",
        )
    try:
        v.check_bucket(None, attribute, value.replace(REGION_PLACEHOLDER, _LONGEST_REGION))
    except SpecError:
        v.fail(
            attribute.name,
            value,
            "a pattern that makes an S3 bucket name (3-63 lower-case letters, digits, dots and "
            f"hyphens) with every region name in it, the longest being {_LONGEST_REGION}",
        )


@attrs.frozen(kw_only=True)
class S3Backend:
    """Where each stack's state lives when it is remote.

    Attributes:
        bucket: The state buckets' names, with ``{region}`` in place of the region
            (``acme-tfstate-{region}``); one existing, versioned bucket per region used.
        key: Prefix of the state objects: a stack's state is ``<key>/<stack>.tfstate``.
        region: The region whose bucket holds the global and cross-region stacks' state.
        use_lockfile: Use S3-native state locking (Terraform 1.10+).
    """

    bucket: str = attrs.field(validator=_check_bucket_pattern)
    key: str = attrs.field(validator=v.check_state_key)
    region: str = attrs.field(validator=rules.check_region)
    use_lockfile: bool = attrs.field(default=True, validator=v.instance_of(bool, "true or false"))

    @classmethod
    def from_mapping(cls, raw: Any, *, field: str = "backend") -> S3Backend:
        """Build from the ``[backend]`` table; errors name ``backend.key``."""
        table = v.expect_table(
            field, raw, "a [backend] table: bucket, key, region, optional use_lockfile"
        )
        v.check_keys(field, table, required=("bucket", "key", "region"), optional=("use_lockfile",))
        try:
            return cls(**{str(k): value for k, value in table.items()})
        except SpecError as err:
            raise err.within(field) from None

    def bucket_in(self, region: str | None) -> str:
        """The state bucket of ``region`` (None: the global stacks' region)."""
        return self.bucket.replace(REGION_PLACEHOLDER, region or self.region)

    def state_key(self, stack: str) -> str:
        """The object key of ``stack``'s state."""
        return f"{self.key}/{stack}.tfstate"
