"""Immutability with ``protect_data``: the trail's log files locked for HIPAA's six years in
every region, delete markers kept in the region they were made in; without it nothing is
locked and every bucket goes with ``terraform destroy`` (docs/compliance.md, "Immutability").

The protected layout is the default one with ``protect_data`` (``protected_stack``, synthesized
once per session); the unprotected ones are the default and three-region layouts (``case``).
"""

from __future__ import annotations

import pytest

from drkit.errors import SpecError
from drkit.regions import names
from drkit.services.cloudtrail import TRAIL_RETENTION_DAYS
from drkit.services.s3_lock import MAX_LOCK_RETENTION_DAYS, check_lock_retention_days
from tests.helpers import (
    as_list,
    bucket_named,
    bucket_of,
    resources,
    role_logical,
    role_statements,
)

pytestmark = pytest.mark.synth


def _trail_buckets(spec, stack) -> set[str]:
    """The trail's bucket and its archive in every other region (logical names)."""
    return {bucket_named(stack, names.TRAIL_BUCKET(spec.namer, r.region)) for r in spec.regions}


def _locks(stack) -> dict[str, dict]:
    """``bucket -> its Object Lock configuration`` (logical names); one each at most."""
    locks: dict[str, dict] = {}
    for body in resources(stack, "aws_s3_bucket_object_lock_configuration").values():
        bucket = bucket_of(stack, body["bucket"])
        assert bucket not in locks, f"two lock configurations on {bucket}"
        locks[bucket] = body
    return locks


def _locked(stack) -> set[str]:
    return {k for k, b in resources(stack, "aws_s3_bucket").items() if b.get("object_lock_enabled")}


def test_protected_trail_archives_are_locked_in_compliance_mode_for_six_years(
    protected_spec, protected_stack
):
    """With protect_data the trail's bucket and every region's archive of it are created with
    Object Lock, lock each new version for TRAIL_RETENTION_DAYS in compliance mode (after
    versioning, which Object Lock needs), and are kept on destroy."""
    spec, stack = protected_spec, protected_stack
    buckets, locks = resources(stack, "aws_s3_bucket"), _locks(stack)
    trail = _trail_buckets(spec, stack)
    assert len(trail) == len(spec.regions)
    for bucket in trail:
        assert buckets[bucket]["object_lock_enabled"] is True
        assert buckets[bucket]["force_destroy"] is False
        lock = locks[bucket]
        assert lock["rule"] == {
            "default_retention": {"mode": "COMPLIANCE", "days": TRAIL_RETENTION_DAYS}
        }
        (after,) = lock["depends_on"]  # "<type>.<logical name>"
        kind, versioning = after.split(".", 1)
        assert kind == "aws_s3_bucket_versioning"
        body = resources(stack, kind)[versioning]
        assert bucket_of(stack, body["bucket"]) == bucket


def test_only_the_trail_archives_are_locked(protected_spec, protected_stack):
    """No other bucket is locked: an access-log target cannot be (S3 delivers no server access
    logs to a locked bucket), and data and release buckets are not audit records."""
    spec, stack = protected_spec, protected_stack
    trail = _trail_buckets(spec, stack)
    assert _locked(stack) == trail
    assert set(_locks(stack)) == trail


def test_without_protect_data_nothing_is_locked_and_every_bucket_goes_with_destroy(case):
    """A test or demo layout stays destroyable: no bucket has Object Lock, none is kept."""
    spec, stack = case
    assert spec.protect_data is False
    assert resources(stack, "aws_s3_bucket_object_lock_configuration") == {}
    for body in resources(stack, "aws_s3_bucket").values():
        assert "object_lock_enabled" not in body
        assert body["force_destroy"] is True


def test_no_lifecycle_rule_ends_a_log_before_its_lock(protected_spec, protected_stack):
    """Every trail bucket's lifecycle expires a current log version no earlier than its lock
    ends. (Noncurrent versions expire after 30 days, but S3 never lets a lifecycle rule delete
    a locked version: a log deleted early stays until its lock ends.)"""
    spec, stack = protected_spec, protected_stack
    trail = _trail_buckets(spec, stack)
    days = {}
    for body in resources(stack, "aws_s3_bucket_lifecycle_configuration").values():
        bucket = bucket_of(stack, body["bucket"])
        if bucket in trail:
            days[bucket] = [e["days"] for r in body["rule"] for e in r.get("expiration", [])]
    assert set(days) == trail
    for bucket, expirations in days.items():
        assert expirations, f"the logs in {bucket} never expire"
        assert min(expirations) >= TRAIL_RETENTION_DAYS, bucket


def test_protected_replication_keeps_delete_markers_in_their_region(
    protected_spec, protected_stack
):
    """With protect_data no replication rule (data buckets, trail) copies delete markers: an
    object deleted in one region stays readable in every other."""
    spec, stack = protected_spec, protected_stack
    configs = resources(stack, "aws_s3_bucket_replication_configuration").values()
    assert len(configs) == len(spec.regions) + 1  # every data bucket, and the trail's
    for config in configs:
        for rule in config["rule"]:
            assert rule["delete_marker_replication"] == {"status": "Disabled"}, config["bucket"]


def test_without_protect_data_deletes_read_the_same_in_every_region(case):
    """Without protect_data every rule still copies delete markers, as before."""
    _, stack = case
    for config in resources(stack, "aws_s3_bucket_replication_configuration").values():
        for rule in config["rule"]:
            assert rule["delete_marker_replication"] == {"status": "Enabled"}, config["bucket"]


def _locked_replications(stack):
    locked = _locked(stack)
    return [
        c
        for c in resources(stack, "aws_s3_bucket_replication_configuration").values()
        if bucket_of(stack, c["bucket"]) in locked
    ]


def test_locked_buckets_replicate_only_into_locked_buckets(protected_stack):
    """S3 replicates from a bucket with Object Lock only into buckets with it
    (replication-requirements.html); the replicas keep their source's lock."""
    stack = protected_stack
    replications, locked = _locked_replications(stack), _locked(stack)
    assert replications
    for config in replications:
        for rule in config["rule"]:
            assert bucket_of(stack, rule["destination"]["bucket"]) in locked, rule["id"]


def test_the_replication_role_of_a_locked_bucket_reads_its_locks(protected_stack):
    """The role replicating a locked bucket may read each version's retention and legal hold,
    which S3 needs to copy them: s3:GetObjectRetention and s3:GetObjectLegalHold on the
    source's objects (object-lock-managing.html, "Using Object Lock with S3 Replication")."""
    stack = protected_stack
    for config in _locked_replications(stack):
        objects = f":::{config['bucket']}/*"
        granted = {
            action
            for st in role_statements(stack, role_logical(stack, config["role"]))
            if st["Effect"] == "Allow" and any(r.endswith(objects) for r in as_list(st["Resource"]))
            for action in as_list(st["Action"])
        }
        assert {"s3:GetObjectRetention", "s3:GetObjectLegalHold"} <= granted, config["bucket"]


@pytest.mark.parametrize("days", [0, -1, MAX_LOCK_RETENTION_DAYS + 1])
def test_a_retention_s3_would_refuse_is_refused_when_the_bucket_is_built(days):
    """A lock shorter than a day or longer than S3's 100 years fails naming the field."""
    with pytest.raises(SpecError, match="lock_retention_days"):
        check_lock_retention_days(days)


@pytest.mark.parametrize("days", [None, 1, TRAIL_RETENTION_DAYS, MAX_LOCK_RETENTION_DAYS])
def test_no_lock_and_every_retention_s3_allows_are_accepted(days):
    """None (no lock) and one day up to 100 years pass."""
    check_lock_retention_days(days)
