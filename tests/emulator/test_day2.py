"""Day-2 changes: the update and delete calls the AWS provider makes when a region is added to
or removed from a running deployment, read back as the provider reads them.

These already behave in moto 5.2.5 plus the extensions (checked with boto3 here, and with
hashicorp/aws 5.100.0 applying a two-region fixture, adding a third region and removing one,
each apply followed by an empty plan). UpdateBackupPlan and PutMetricAlarm, which did not,
are in test_backup.py and test_cloudwatch.py.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit_emulator.runner import Emulator
from tests.emulator.dynamodb_support import EAST, WEST, create_table, key

EU = "eu-west-1"


def error_code(call: Any) -> str:
    with pytest.raises(ClientError) as error:
        call()
    return str(error.value.response["Error"]["Code"])


# -- DynamoDB replicas ---------------------------------------------------------------------


def test_a_removed_replica_takes_its_items_and_stream_and_the_rest_keep_replicating(
    aws: Emulator, table: str
) -> None:
    east = create_table(aws, table)
    for region in (WEST, EU):
        east.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": region}}])
    east.put_item(TableName=table, Item=key("before"))
    west, eu = aws.client("dynamodb", WEST), aws.client("dynamodb", EU)
    assert aws.client("dynamodbstreams", WEST).list_streams(TableName=table)["Streams"]

    east.update_table(TableName=table, ReplicaUpdates=[{"Delete": {"RegionName": WEST}}])
    assert error_code(lambda: west.describe_table(TableName=table)) == "ResourceNotFoundException"
    assert aws.client("dynamodbstreams", WEST).list_streams(TableName=table)["Streams"] == []
    replicas = east.describe_table(TableName=table)["Table"]["Replicas"]
    assert [r["RegionName"] for r in replicas] == [EU]
    east.put_item(TableName=table, Item=key("after"))
    assert "Item" in eu.get_item(TableName=table, Key=key("after"))

    # Adding the region back (a region re-added on a later day) copies the current items.
    east.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    assert west.scan(TableName=table)["Count"] == 2


def test_a_replicas_point_in_time_recovery_is_set_in_its_own_region(
    aws: Emulator, table: str
) -> None:
    """The provider sets a replica's PITR with UpdateContinuousBackups in the replica's region."""
    east = create_table(aws, table)
    east.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    west = aws.client("dynamodb", WEST)
    for enabled, status in ((True, "ENABLED"), (False, "DISABLED")):
        west.update_continuous_backups(
            TableName=table,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": enabled},
        )
        described = west.describe_continuous_backups(TableName=table)
        pitr = described["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        assert pitr["PointInTimeRecoveryStatus"] == status


# -- S3, Lambda, SSM, SNS ------------------------------------------------------------------


def test_put_bucket_replication_replaces_the_rules_and_objects_follow_the_new_ones(
    aws: Emulator, unique_name: str
) -> None:
    s3 = aws.client("s3")
    source, old, new = (f"{unique_name.lower()[:50]}-{n}" for n in ("src", "old", "new"))
    for bucket in (source, old, new):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

    def configuration(destination: str) -> dict[str, Any]:
        rule = {
            "ID": f"to-{destination}",
            "Priority": 1,
            "Status": "Enabled",
            "Filter": {"Prefix": ""},
            "DeleteMarkerReplication": {"Status": "Enabled"},
            "Destination": {"Bucket": f"arn:aws:s3:::{destination}"},
        }
        return {"Role": "arn:aws:iam::123456789012:role/replication", "Rules": [rule]}

    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration=configuration(old))
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration=configuration(new))
    rules = s3.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"]
    assert [r["ID"] for r in rules] == [f"to-{new}"]
    s3.put_object(Bucket=source, Key="k", Body=b"v")
    assert s3.list_objects_v2(Bucket=new)["KeyCount"] == 1
    assert s3.list_objects_v2(Bucket=old)["KeyCount"] == 0


def _zipped_handler() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("h.py", "def handler(event, context):\n    return None\n")
    return archive.getvalue()


def test_reserved_concurrency_changes_read_back_in_both_calls(
    aws: Emulator, unique_name: str
) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    name = unique_name[:64]
    role = aws.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    functions = aws.client("lambda")
    functions.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="h.handler",
        Code={"ZipFile": _zipped_handler()},
    )
    for reserved in (2, 3):
        functions.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)
        got = functions.get_function_concurrency(FunctionName=name)
        assert got["ReservedConcurrentExecutions"] == reserved
        concurrency = functions.get_function(FunctionName=name)["Concurrency"]
        assert concurrency == {"ReservedConcurrentExecutions": reserved}
    # reserved_concurrent_executions = -1: the provider deletes the reservation.
    functions.delete_function_concurrency(FunctionName=name)
    assert "ReservedConcurrentExecutions" not in functions.get_function_concurrency(
        FunctionName=name
    )
    assert "Concurrency" not in functions.get_function(FunctionName=name)


def test_put_parameter_overwrite_makes_a_new_version(aws: Emulator, unique_name: str) -> None:
    ssm = aws.client("ssm")
    name = f"/drkit/test/{unique_name}"
    ssm.put_parameter(Name=name, Value='["us-east-1"]', Type="String")
    answer = ssm.put_parameter(
        Name=name, Value='["us-east-1","eu-west-1"]', Type="String", Overwrite=True
    )
    assert answer["Version"] == 2
    parameter = ssm.get_parameter(Name=name)["Parameter"]
    assert (parameter["Value"], parameter["Version"]) == ('["us-east-1","eu-west-1"]', 2)
    again = lambda: ssm.put_parameter(Name=name, Value="x", Type="String")  # noqa: E731
    assert error_code(again) == "ParameterAlreadyExists"


def test_set_topic_attributes_replaces_the_policy(aws: Emulator, unique_name: str) -> None:
    sns = aws.client("sns")
    arn = sns.create_topic(Name=unique_name[:256])["TopicArn"]
    for regions in ([EAST], [EAST, EU]):
        statements = [
            {
                "Sid": f"alarms-{region}",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": arn,
            }
            for region in regions
        ]
        policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
        sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=policy)
    read = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])
    assert [s["Sid"] for s in read["Statement"]] == [f"alarms-{EAST}", f"alarms-{EU}"]


# -- EC2 peering and routes ----------------------------------------------------------------


def test_a_removed_peering_and_its_routes_are_gone_from_both_regions(aws: Emulator) -> None:
    east, eu = aws.client("ec2", EAST), aws.client("ec2", EU)
    east_vpc = east.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    eu_vpc = eu.create_vpc(CidrBlock="10.41.0.0/16")["Vpc"]["VpcId"]
    peering = east.create_vpc_peering_connection(VpcId=east_vpc, PeerVpcId=eu_vpc, PeerRegion=EU)
    pcx = peering["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    eu.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    table = east.create_route_table(VpcId=east_vpc)["RouteTable"]["RouteTableId"]
    east.create_route(
        RouteTableId=table, DestinationCidrBlock="10.41.0.0/16", VpcPeeringConnectionId=pcx
    )

    east.delete_route(RouteTableId=table, DestinationCidrBlock="10.41.0.0/16")
    routes = east.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    assert [r.get("DestinationCidrBlock") for r in routes] == ["10.40.0.0/16"]
    again = lambda: east.delete_route(RouteTableId=table, DestinationCidrBlock="10.41.0.0/16")  # noqa: E731
    assert error_code(again) == "InvalidRoute.NotFound"

    east.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    for ec2 in (east, eu):
        (seen,) = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])[
            "VpcPeeringConnections"
        ]
        assert seen["Status"]["Code"] == "deleted"
