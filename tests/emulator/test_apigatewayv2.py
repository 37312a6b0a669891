"""The API Gateway v2 domain-name extension, driven with boto3 against the running emulator.

Domain names are per region and unique per name, so every test uses a
domain name of its own.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from drkit.regions.catalog import SHORT_CODES
from drkit_emulator.apigatewayv2.models import (
    REGIONAL_HOSTED_ZONE_IDS,
    UNKNOWN_REGION_HOSTED_ZONE_ID,
    target_domain_name,
)
from drkit_emulator.runner import Emulator

EAST = "us-east-1"
TARGET = re.compile(r"d-[a-z0-9]{10}\.execute-api\.(?P<region>[a-z0-9-]+)\.amazonaws\.com")


@pytest.fixture
def domain(unique_name: str) -> str:
    """This test's custom domain name."""
    return f"{unique_name.lower()}.dr.example.com"


def certificate(aws: Emulator, domain: str, region: str = EAST) -> str:
    acm = aws.client("acm", region)
    return str(acm.request_certificate(DomainName=domain, ValidationMethod="DNS")["CertificateArn"])


def create_domain(aws: Emulator, domain: str, region: str = EAST, **extra: Any) -> dict[str, Any]:
    client = aws.client("apigatewayv2", region)
    return dict(
        client.create_domain_name(
            DomainName=domain,
            DomainNameConfigurations=[
                {
                    "CertificateArn": certificate(aws, domain, region),
                    "EndpointType": "REGIONAL",
                    "SecurityPolicy": "TLS_1_2",
                }
            ],
            **extra,
        )
    )


def test_created_domain_is_available_with_a_target_and_the_regional_zone(
    aws: Emulator, domain: str
) -> None:
    """CreateDomainName answers AVAILABLE, a d-xxxxxxxxxx target in the region, us-east-1's zone."""
    config = create_domain(aws, domain)["DomainNameConfigurations"][0]
    assert config["DomainNameStatus"] == "AVAILABLE"
    match = TARGET.fullmatch(config["ApiGatewayDomainName"])
    assert match is not None and match["region"] == EAST
    assert config["HostedZoneId"] == "Z1UJRXOUMOOFQ8"
    assert config["EndpointType"] == "REGIONAL" and config["SecurityPolicy"] == "TLS_1_2"


def test_get_domain_name_answers_what_create_answered(aws: Emulator, domain: str) -> None:
    """GetDomainName (what Terraform's waiter polls) has the same completed configuration."""
    created = create_domain(aws, domain)["DomainNameConfigurations"][0]
    got = aws.client("apigatewayv2", EAST).get_domain_name(DomainName=domain)
    assert got["DomainNameConfigurations"][0] == created


@pytest.mark.parametrize(
    ("region", "zone"),
    [
        ("us-west-2", "Z2OJLYMUO9EFXC"),
        ("eu-west-1", "ZLY8HYME6SFDD"),
        ("ap-northeast-3", "Z22ILHG95FLSZ2"),
    ],
)
def test_hosted_zone_is_the_one_api_gateway_publishes_for_the_region(
    aws: Emulator, domain: str, region: str, zone: str
) -> None:
    """Each region reports its own published API Gateway hosted zone and a target in that region."""
    config = create_domain(aws, domain, region)["DomainNameConfigurations"][0]
    assert config["HostedZoneId"] == zone
    assert config["ApiGatewayDomainName"].endswith(f".execute-api.{region}.amazonaws.com")


def test_every_catalog_region_has_a_published_hosted_zone() -> None:
    """No region drkit can deploy to falls back to the placeholder zone."""
    assert set(SHORT_CODES) - set(REGIONAL_HOSTED_ZONE_IDS) == set()


def test_region_without_a_known_zone_gets_the_placeholder_and_says_why(
    aws: Emulator, domain: str
) -> None:
    """A region missing from the table gets the placeholder zone and a message naming the region."""
    region = "us-gov-west-1"  # GovCloud: known to moto, outside drkit's table
    assert region not in REGIONAL_HOSTED_ZONE_IDS
    config = create_domain(aws, domain, region)["DomainNameConfigurations"][0]
    assert config["HostedZoneId"] == UNKNOWN_REGION_HOSTED_ZONE_ID
    assert region in config["DomainNameStatusMessage"]
    assert config["DomainNameStatus"] == "AVAILABLE"


def test_target_is_stable_across_delete_and_recreate(aws: Emulator, domain: str) -> None:
    """The same domain in the same region always gets the same target name."""
    first = create_domain(aws, domain)["DomainNameConfigurations"][0]["ApiGatewayDomainName"]
    aws.client("apigatewayv2", EAST).delete_domain_name(DomainName=domain)
    second = create_domain(aws, domain)["DomainNameConfigurations"][0]["ApiGatewayDomainName"]
    assert first == second == target_domain_name("123456789012", EAST, domain)
    assert target_domain_name("123456789012", EAST, "other." + domain) != first


def test_unset_mutual_tls_is_left_out(aws: Emulator, domain: str) -> None:
    """Without mutual TLS there is no (empty) MutualTlsAuthentication block to drift on."""
    create_domain(aws, domain)
    assert "MutualTlsAuthentication" not in aws.client("apigatewayv2", EAST).get_domain_name(
        DomainName=domain
    )


def test_update_domain_name_replaces_the_configuration_and_stays_available(
    aws: Emulator, domain: str
) -> None:
    """UpdateDomainName (a new certificate) keeps the target and zone and stays AVAILABLE."""
    before = create_domain(aws, domain)["DomainNameConfigurations"][0]
    new_cert = certificate(aws, domain)
    client = aws.client("apigatewayv2", EAST)
    updated = client.update_domain_name(
        DomainName=domain,
        DomainNameConfigurations=[
            {"CertificateArn": new_cert, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}
        ],
    )["DomainNameConfigurations"][0]
    assert updated["CertificateArn"] == new_cert != before["CertificateArn"]
    assert updated["DomainNameStatus"] == "AVAILABLE"
    assert updated["ApiGatewayDomainName"] == before["ApiGatewayDomainName"]
    assert client.get_domain_name(DomainName=domain)["DomainNameConfigurations"][0] == updated


def test_update_of_an_unknown_domain_is_not_found(aws: Emulator, domain: str) -> None:
    """UpdateDomainName of a domain that does not exist is a NotFoundException."""
    with pytest.raises(ClientError) as caught:
        aws.client("apigatewayv2", EAST).update_domain_name(
            DomainName=domain, DomainNameConfigurations=[{"EndpointType": "REGIONAL"}]
        )
    assert caught.value.response["Error"]["Code"] == "NotFoundException"


def api_with_stage(aws: Emulator, name: str) -> str:
    client = aws.client("apigatewayv2", EAST)
    api_id = str(client.create_api(Name=name, ProtocolType="HTTP")["ApiId"])
    client.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    return api_id


def test_api_mapping_works_on_the_domain(aws: Emulator, domain: str, unique_name: str) -> None:
    """An API mapping can be created, read and listed on the domain, as Terraform does."""
    create_domain(aws, domain)
    api_id = api_with_stage(aws, unique_name)
    client = aws.client("apigatewayv2", EAST)
    mapping = client.create_api_mapping(DomainName=domain, ApiId=api_id, Stage="$default")
    got = client.get_api_mapping(DomainName=domain, ApiMappingId=mapping["ApiMappingId"])
    assert (got["ApiId"], got["Stage"]) == (api_id, "$default")
    assert [m["ApiMappingId"] for m in client.get_api_mappings(DomainName=domain)["Items"]] == [
        mapping["ApiMappingId"]
    ]


def test_deleting_a_domain_with_a_mapping_deletes_both(
    aws: Emulator, domain: str, unique_name: str
) -> None:
    """DeleteDomainName with a mapping attached succeeds (moto raised) and deletes the mapping."""
    create_domain(aws, domain)
    api_id = api_with_stage(aws, unique_name)
    client = aws.client("apigatewayv2", EAST)
    client.create_api_mapping(DomainName=domain, ApiId=api_id, Stage="$default")
    client.delete_domain_name(DomainName=domain)
    with pytest.raises(ClientError) as caught:
        client.get_domain_name(DomainName=domain)
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
    create_domain(aws, domain)
    assert client.get_api_mappings(DomainName=domain)["Items"] == []


def test_tags_from_create_and_from_tag_resource_are_one_set(aws: Emulator, domain: str) -> None:
    """Tags from creation and from TagResource/UntagResource show in GetDomainName and GetTags."""
    arn = create_domain(aws, domain, Tags={"Name": domain, "Owner": "a"})["DomainNameArn"]
    client = aws.client("apigatewayv2", EAST)
    client.tag_resource(ResourceArn=arn, Tags={"Owner": "b", "Team": "dr"})
    client.untag_resource(ResourceArn=arn, TagKeys=["Name"])
    expected = {"Owner": "b", "Team": "dr"}
    assert client.get_domain_name(DomainName=domain)["Tags"] == expected
    assert client.get_tags(ResourceArn=arn)["Tags"] == expected
