"""An EU layout with ``data_residency = "EU"`` synthesizes no store of patient data, and no
copy of one, outside the European Union (what lands in us-east-1 whatever the layout holds
none: IAM, Route 53, its alarms and query logs)."""

from __future__ import annotations

import json
import re

import pytest

from drkit.regions import DeploymentSpec
from drkit.regions.residency import allowed_regions
from tests.helpers import all_resources, merged, region_of, synth_stacks

pytestmark = pytest.mark.synth

#: Where patient records, audit entries and objects (and their replicas, backups and the
#: trail's data events) are kept.
PATIENT_DATA = (
    "aws_dynamodb_table",
    "aws_dynamodb_table_replica",
    "aws_s3_bucket",
    "aws_backup_vault",
    "aws_cloudtrail",
)
#: A region in an ARN of a service that stores or copies data.
DATA_ARN = re.compile(
    r"arn:\$\{[^}]+\}:(?:dynamodb|backup|kms):([a-z0-9-]+):|arn:aws:(?:dynamodb|backup|kms):([a-z0-9-]+):"
)


def test_patient_data_and_its_copies_stay_in_the_union():
    spec = DeploymentSpec.from_mapping(
        {
            "data_residency": "EU",
            "regions": [
                {"region": "eu-west-1", "role": "primary", "weight": 50, "cidr": "10.0.0.0/16"},
                {
                    "region": "eu-central-1",
                    "role": "secondary",
                    "weight": 30,
                    "cidr": "10.1.0.0/16",
                },
                {"region": "eu-north-1", "role": "secondary", "weight": 20, "cidr": "10.2.0.0/16"},
            ],
        }
    )
    stack = merged(synth_stacks(spec))
    allowed = set(allowed_regions(["EU"]))
    placed = {
        f"{rtype}.{name}": region_of(stack, body)
        for rtype, name, body in all_resources(stack)
        if rtype in PATIENT_DATA
    }
    assert {r.split(".")[0] for r in placed} >= {"aws_dynamodb_table", "aws_s3_bucket"}
    assert {k: v for k, v in placed.items() if v not in allowed} == {}
    replicas = {
        replica["region_name"]
        for _, _, body in all_resources(stack)
        for replica in body.get("replica", [])
        if isinstance(replica, dict) and "region_name" in replica
    }
    named = {r for pair in DATA_ARN.findall(json.dumps(stack)) for r in pair if r}
    assert replicas and named  # the checks below read something
    assert (replicas | named) - allowed == set()
