"""Every refusal of the model, word for word: the field it names, the value it shows and what
it says is allowed (STYLE.md: an error shows the bad value and the allowed values; users fix
their layout from this one line, so its words are part of the model's behaviour)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest

from drkit.errors import MISSING, SpecError
from drkit.regions import DeploymentSpec, RegionSpec, Role, S3Backend, Target
from drkit.regions.catalog import SHORT_CODES
from drkit.regions.validators import check_bucket, check_endpoint_url, check_zone
from tests.strategies.spec import valid_layout_dict

LAYOUT = valid_layout_dict(DeploymentSpec.default().regions)
REGION_LIST = "an AWS commercial region: " + ", ".join(SHORT_CODES)
CIDR_FORM = "an IPv4 network in CIDR form with no host bits, e.g. 10.0.0.0/16"
PREFIXES = "a prefix from /16 to /22 ({})"
SUBNETS_TOO_SMALL = (
    "drkit's 2 private subnets are 4 bits longer than the VPC, and /26 is the smallest it "
    "uses: a /23 would leave them /27"
)
TAG_TEXT = "letters, digits, spaces and + - . / : = @ _"
BUCKET = (
    "an S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens, starting and ending"
    " with a letter or digit"
)
BUCKET_PATTERN = (
    "a bucket name with {region} in it once, e.g. 'acme-tfstate-{region}': each region's"
    " stacks keep their state in a bucket of their own region"
)
BUCKET_MADE = (
    "a pattern that makes an S3 bucket name (3-63 lower-case letters, digits, dots and"
    " hyphens) with every region name in it, the longest being ap-southeast-1"
)
STATE_KEY = (
    "an S3 object key of 1-1024 bytes, not starting or ending with '/' and without '//',"
    " e.g. 'drkit/prod.tfstate'"
)
ZONE = "a lower-case DNS name with at least two labels, e.g. dr.example.com"
ENDPOINT = "None or a URL like http://127.0.0.1:5000"
PRINCIPAL = (
    "the ARN of an IAM user or role of people, e.g. arn:aws:iam::111122223333:role/dr-operators"
)
RETENTION = "one of " + ", ".join(
    f"{d} days" for d in (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
)
SPEC_KEYS = "one of the keys " + ", ".join(sorted(f.name for f in DeploymentSpec.__attrs_attrs__))
THROUGHPUT = (
    "at most 199 on Parameter Store's standard throughput (40 reads a second per account and"
    " region; a limit kept from when the API function served /health and read the drain switch,"
    " docs/architecture.md); above it, turn on higher throughput in every region and set"
    " parameter_store_high_throughput = true"
)
SUFFIX = (
    "lower-case letters, digits and inner hyphens (S3 bucket names are lower-case),"
    " e.g. 'prod' or 'pr-123'"
)


def region(**fields: Any) -> RegionSpec:
    return RegionSpec(**{"region": "us-east-1", "role": Role.PRIMARY, "weight": 50,
                         "cidr": "10.0.0.0/16", **fields})  # fmt: skip


def two(**second: Any) -> tuple[RegionSpec, ...]:
    """us-east-1 (primary, 50, 10.0.0.0/16) and a second region of 50 changed by ``second``."""
    other = {"region": "us-west-2", "role": Role.SECONDARY, "cidr": "10.1.0.0/16", **second}
    return region(), region(**other)


def backend(**fields: Any) -> S3Backend:
    return S3Backend(**{"bucket": "state-{region}", "key": "k", "region": "us-east-1", **fields})


def bucket_name(value: Any) -> None:
    """S3's own bucket-name rule, which every region's name from a pattern must pass."""
    check_bucket(None, attrs.fields_dict(S3Backend)["bucket"], value)


def in_layout(**fields: Any) -> dict[str, Any]:
    return {**LAYOUT, **fields}


def one_table(**fields: Any) -> dict[str, Any]:
    table = {"region": "us-east-1", "role": "primary", "weight": 100, "cidr": "10.0.0.0/16"}
    return {"regions": [{**table, **fields}]}


S, F, E = DeploymentSpec.default, DeploymentSpec.from_mapping, DeploymentSpec.from_environment
p = pytest.param
# One refusal a row, read as a table (build, its arguments, field, value shown, allowed).
# fmt: off
REFUSALS: list[Any] = [
    # ----- a region's own fields
    p(region, {"region": "moon-1"}, "region", "moon-1", REGION_LIST, id="unknown region"),
    p(region, {"region": 7}, "region", 7, REGION_LIST, id="region not text"),
    p(region, {"role": "primary"}, "role", "primary",
      "Role.PRIMARY or Role.SECONDARY ('primary'/'secondary')", id="role as text"),
    p(region, {"weight": 101}, "weight", 101, "an integer percentage from 0 to 100", id="weight"),
    p(region, {"weight": True}, "weight", True, "an integer percentage from 0 to 100", id="bool"),
    p(region, {"cidr": 10}, "cidr", 10, CIDR_FORM, id="cidr not text"),
    p(region, {"cidr": "10.0.0/16"}, "cidr", "10.0.0/16", CIDR_FORM, id="no network"),
    p(region, {"cidr": "10.0.0.1/16"}, "cidr", "10.0.0.1/16", CIDR_FORM, id="host bits"),
    p(region, {"cidr": "10.0.0.0/255.255.0.0"}, "cidr", "10.0.0.0/255.255.0.0",
      f"{CIDR_FORM} (written 10.0.0.0/16)", id="netmask"),
    p(region, {"cidr": "8.8.0.0/16"}, "cidr", "8.8.0.0/16",
      "a private (RFC 1918) range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", id="public"),
    p(region, {"cidr": "10.0.0.0/23"}, "cidr", "10.0.0.0/23", PREFIXES.format(SUBNETS_TOO_SMALL),
      id="/23"),
    p(region, {"cidr": "10.0.0.0/15"}, "cidr", "10.0.0.0/15",
      PREFIXES.format("AWS's largest VPC is a /16"), id="/15"),
    # ----- the regions together
    p(DeploymentSpec, {"regions": (region(weight=100),)}, "regions", ["us-east-1"],
      "at least two regions, one primary: DR needs a second one", id="one region"),
    p(DeploymentSpec, {"regions": two(region="us-east-1")}, "regions[1].region", "us-east-1",
      "a region not already used by regions[0]", id="region twice"),
    p(DeploymentSpec, {"regions": (region(role=Role.SECONDARY), *two()[1:])}, "regions[].role", [],
      "exactly one region with role 'primary'", id="no primary"),
    p(DeploymentSpec, {"regions": two(weight=40)}, "regions[].weight", [50, 40],
      "weights summing to 100 (these sum to 90)", id="weights"),
    p(DeploymentSpec, {"regions": two(cidr="10.0.4.0/22")}, "regions[1].cidr", "10.0.4.0/22",
      "a range that does not overlap regions[0].cidr 10.0.0.0/16", id="overlap"),
    p(DeploymentSpec, {"regions": 7}, "regions", 7, "an array of regions ([[regions]] tables)",
      id="regions not an array"),
    p(DeploymentSpec, {"regions": ("us-east-1",)}, "regions[0]", "us-east-1",
      "a RegionSpec ([[regions]] table)", id="regions item"),
    # ----- shared settings
    p(S, {"tags": {f"k{i}": "v" for i in range(48)}}, "tags", {f"k{i}": "v" for i in range(48)},
      "at most 47 tags (AWS allows 50)", id="too many tags"),
    p(S, {"tags": {"": "v"}}, 'tags.""', "", f"a tag key of 1-128 {TAG_TEXT}", id="empty key"),
    p(S, {"tags": {"a#b": "v"}}, 'tags."a#b"', "a#b", f"a tag key of 1-128 {TAG_TEXT}",
      id="tag key symbol"),
    p(S, {"tags": {"Team": "a#b"}}, "tags.Team", "a#b", f"a string of up to 256 {TAG_TEXT}",
      id="tag value symbol"),
    p(S, {"tags": {"Team": "v" * 257}}, "tags.Team", "v" * 257, f"a string of up to 256 {TAG_TEXT}",
      id="tag value length"),
    p(S, {"tags": {"Team": 7}}, "tags.Team", 7, f"a string of up to 256 {TAG_TEXT}", id="tag 7"),
    p(S, {"tags": {"Team": "AWS:x"}}, "tags.Team", "AWS:x",
      "keys and values not starting with 'aws:' (reserved by AWS)", id="aws: prefix"),
    p(S, {"tags": {"DisasterRecovery": "Off"}}, "tags.DisasterRecovery", "Off",
      "'Enabled' (a required tag cannot be changed)", id="required tag"),
    p(S, {"tags": ["a"]}, "tags", ["a"], 'a table of tags, e.g. tags = { Team = "dr" }',
      id="tags not a table"),
    p(S, {"alert_emails": ()}, "alert_emails", (),
      "at least one address: alarms must reach a person", id="no e-mail"),
    p(S, {"alert_emails": ("a@b.c", "nope")}, "alert_emails[1]", "nope",
      "an e-mail address like oncall@example.com", id="bad e-mail"),
    p(S, {"alert_emails": ("a@b.c",) * 2}, "alert_emails[1]", "a@b.c",
      "an address not already listed", id="e-mail twice"),
    p(S, {"alert_emails": "a@b.c"}, "alert_emails", "a@b.c",
      'an array of e-mail addresses, e.g. ["oncall@example.com"]', id="e-mails not an array"),
    p(S, {"operator_principals": ("arn:aws:iam::111122223333:root",)}, "operator_principals[0]",
      "arn:aws:iam::111122223333:root", PRINCIPAL, id="root principal"),
    p(S, {"operator_principals": ("arn:aws:iam::111122223333:role/a",) * 2},
      "operator_principals[1]", "arn:aws:iam::111122223333:role/a", "an ARN not already listed",
      id="principal twice"),
    p(S, {"operator_principals": "arn:aws:iam::111122223333:role/a"}, "operator_principals",
      "arn:aws:iam::111122223333:role/a",
      'an array of IAM user or role ARNs, e.g. ["arn:aws:iam::111122223333:role/dr-operators"]',
      id="principals not an array"),
    p(S, {"dns_zone_name": "localhost"}, "dns_zone_name", "localhost", ZONE, id="one label"),
    p(S, {"dns_zone_name": "Dr.Example.com"}, "dns_zone_name", "Dr.Example.com", ZONE,
      id="upper-case zone"),
    p(S, {"dns_zone_name": 7}, "dns_zone_name", 7, ZONE, id="zone not text"),
    p(S, {"dns_zone_name": ".".join(["a" * 60] * 5)}, "dns_zone_name", ".".join(["a" * 60] * 5),
      ZONE, id="zone of 304 characters"),
    p(S, {"dns_record_name": "API"}, "dns_record_name", "API",
      "one lower-case DNS label, e.g. 'api'", id="record label"),
    p(S, {"existing_zone_id": "zone-1"}, "existing_zone_id", "zone-1",
      "None (create the zone) or a Route 53 zone id like Z0123456789ABC", id="zone id"),
    p(S, {"health_check_interval_seconds": 15}, "health_check_interval_seconds", 15,
      "one of 10 s, 30 s", id="interval"),
    p(S, {"health_check_interval_seconds": True}, "health_check_interval_seconds", True,
      "one of 10 s, 30 s", id="interval bool"),
    p(S, {"health_check_failure_threshold": 11}, "health_check_failure_threshold", 11,
      "an integer from 1 to 10", id="threshold 11"),
    p(S, {"health_check_failure_threshold": 0}, "health_check_failure_threshold", 0,
      "an integer from 1 to 10", id="threshold 0"),
    p(S, {"log_retention_days": 30}, "log_retention_days", 30, RETENTION, id="retention"),
    p(S, {"protect_data": "yes"}, "protect_data", "yes", "true or false", id="protect_data"),
    p(S, {"protect_data": None}, "protect_data", None, "true or false", id="protect_data None"),
    p(S, {"target": "local"}, "target", "local",
      "Target.AWS or Target.LOCAL ('aws'/'local' in TOML)", id="target as text"),
    p(S, {"target": Target.LOCAL}, "local_endpoint", None,
      "the emulator URL when target is local (DRKIT_ENDPOINT_URL)", id="local, no endpoint"),
    p(S, {"target": Target.LOCAL, "local_endpoint": "127.0.0.1:5000"}, "local_endpoint",
      "127.0.0.1:5000", ENDPOINT, id="endpoint without scheme"),
    p(S, {"target": Target.LOCAL, "local_endpoint": "http://127.0.0.1:0"}, "local_endpoint",
      "http://127.0.0.1:0", ENDPOINT, id="port 0"),
    p(S, {"target": Target.LOCAL, "local_endpoint": "http://127.0.0.1:70000"}, "local_endpoint",
      "http://127.0.0.1:70000", ENDPOINT, id="port 70000"),
    p(S, {"backend": {"bucket": "b"}}, "backend", {"bucket": "b"},
      "None or an S3Backend ([backend] table)", id="backend as a dict"),
    p(S, {"health_check_interval_seconds": 30, "health_check_failure_threshold": 6},
      "health_check_failure_threshold", 6,
      "at most 5 with a 30 s interval: worst-case RTO would be 325 s against"
      " rto_target_seconds=300",
      id="RTO missed"),
    p(S, {"rto_target_seconds": 100}, "health_check_failure_threshold", 3,
      "none: even one failure exceeds the RTO target; lower the interval or the DNS caching",
      id="no threshold"),
    p(S, {"replication_lag_threshold_seconds": 60}, "replication_lag_threshold_seconds", 60,
      "less than rpo_target_seconds=60: the alarm must fire before replication lag reaches"
      " the RPO",
      id="lag at the RPO"),
    p(S, {"lambda_reserved_concurrency": 200}, "lambda_reserved_concurrency", 200, THROUGHPUT,
      id="standard throughput"),
    # ----- remote state
    p(backend, {"bucket": "state"}, "bucket", "state", BUCKET_PATTERN, id="no {region}"),
    p(backend, {"bucket": "{region}-{region}"}, "bucket", "{region}-{region}", BUCKET_PATTERN,
      id="{region} twice"),
    p(backend, {"bucket": 7}, "bucket", 7, BUCKET_PATTERN, id="bucket not text"),
    p(backend, {"bucket": "a..b-{region}"}, "bucket", "a..b-{region}", BUCKET_MADE,
      id="bucket with '..'"),
    p(backend, {"bucket": "Bucket-{region}"}, "bucket", "Bucket-{region}", BUCKET_MADE,
      id="upper-case bucket"),
    p(bucket_name, {"value": "a..b"}, "bucket", "a..b", BUCKET, id="bucket name with '..'"),
    p(bucket_name, {"value": "10.0.0.1"}, "bucket", "10.0.0.1", BUCKET, id="bucket like an IP"),
    p(bucket_name, {"value": "Bucket"}, "bucket", "Bucket", BUCKET, id="upper-case name"),
    p(backend, {"key": "/k"}, "key", "/k", STATE_KEY, id="leading /"),
    p(backend, {"key": "a//b"}, "key", "a//b", STATE_KEY, id="//"),
    p(backend, {"key": "a/"}, "key", "a/", STATE_KEY, id="trailing /"),
    p(backend, {"key": ""}, "key", "", STATE_KEY, id="empty key"),
    p(backend, {"key": "é" * 513}, "key", "é" * 513, STATE_KEY, id="1026 bytes"),
    p(backend, {"use_lockfile": "yes"}, "use_lockfile", "yes", "true or false", id="lockfile"),
    # ----- layout documents and the environment
    p(F, {"raw": []}, "layout", [], "a table of DeploymentSpec fields (a TOML document)",
      id="layout not a table"),
    p(F, {"raw": {"regions": [], "colour": 1}}, "colour", 1, SPEC_KEYS, id="unknown key"),
    p(F, {"raw": {}}, "regions", MISSING, "", id="no regions"),
    p(F, {"raw": {"regions": {}}}, "regions", {}, "an array of [[regions]] tables",
      id="regions not an array in TOML"),
    p(F, {"raw": {"regions": [7]}}, "regions[0]", 7,
      "a [[regions]] table: region, role, weight, cidr", id="region not a table"),
    p(F, {"raw": {"regions": [{"region": "us-east-1"}]}}, "regions[0].role", MISSING,
      "", id="region without role"),
    p(F, {"raw": one_table(role="boss")}, "regions[0].role", "boss", "'primary' or 'secondary'",
      id="role boss"),
    p(F, {"raw": one_table(weight=-1)}, "regions[0].weight", -1,
      "an integer percentage from 0 to 100", id="weight in a table"),
    p(F, {"raw": {"regions": [], "target": "gcp"}}, "target", "gcp", "'aws' or 'local'",
      id="target gcp"),
    p(F, {"raw": in_layout(backend="s3")}, "backend", "s3",
      "a [backend] table: bucket, key, region, optional use_lockfile", id="backend not a table"),
    p(F, {"raw": in_layout(backend={"bucket": "b", "key": "k", "region": "us-east-1", "x": 1})},
      "backend.x", 1, "one of the keys bucket, key, region, use_lockfile", id="backend key"),
    p(F, {"raw": in_layout(backend={"bucket": "B-{region}", "key": "k", "region": "us-east-1"})},
      "backend.bucket", "B-{region}", BUCKET_MADE, id="backend bucket"),
    p(E, {"environ": {"DRKIT_CONFIG": 7}}, "DRKIT_CONFIG", 7,
      "a string (an environment variable's value)", id="variable not text"),
    p(E, {"environ": {"ENVIRONMENT_SUFFIX": "UP"}}, "ENVIRONMENT_SUFFIX", "UP", SUFFIX,
      id="suffix from the environment"),
    p(E, {"environ": {"DRKIT_TARGET": "local", "DRKIT_ENDPOINT_URL": "ftp://x"}},
      "DRKIT_ENDPOINT_URL", "ftp://x", ENDPOINT, id="endpoint from the environment"),
]
# fmt: on


@pytest.mark.parametrize(("build", "arguments", "field", "value", "allowed"), REFUSALS)
def test_each_refusal_names_the_field_the_value_and_what_is_allowed(
    build: Callable[..., Any], arguments: dict[str, Any], field: str, value: Any, allowed: str
) -> None:
    """Building it raises SpecError with exactly this field, value and allowed text."""
    with pytest.raises(SpecError) as caught:
        build(**arguments)
    assert (caught.value.field, caught.value.value, caught.value.allowed) == (field, value, allowed)


# ----- what is still allowed at each limit -----------------------------------------------------
ZONE_253 = ".".join(["a" * 63] * 3 + ["b" * 61])  # exactly 253 characters


@pytest.mark.parametrize(
    ("fields", "allowed"),
    [
        ({"tags": {f"k{i}": "v" for i in range(47)}}, True),  # 47 user tags: the most
        ({"tags": {"k": "v"}}, True),  # a one-character key
        ({"tags": {"k" * 128: "v"}}, True),
        ({"tags": {"k" * 129: "v"}}, False),
        ({"tags": {"Team": "v" * 256}}, True),
        ({"dns_zone_name": "example.com"}, True),  # two labels are enough
        ({"dns_zone_name": "dr.example.com."}, True),  # fully qualified, with its root dot
        ({"dns_zone_name": ".dr.example.com"}, False),
        ({"dns_zone_name": "dr.example.comX"}, False),  # only the root dot is stripped
    ],
)
def test_each_limit_is_allowed_up_to_and_including_itself(fields: dict, allowed: bool) -> None:
    """Tags (47, keys of 1 to 128, values of 256 characters) and zone names (two labels,
    a root dot) are taken exactly up to their limits."""
    try:
        DeploymentSpec.default(**fields)
    except SpecError:
        assert not allowed
    else:
        assert allowed


@pytest.mark.parametrize(("zone", "allowed"), [(ZONE_253, True), (ZONE_253 + "b", False)])
def test_a_zone_name_may_be_253_characters(zone: str, allowed: bool) -> None:
    """DNS names are at most 253 characters; the zone's own rule takes one of exactly 253 (the
    regional names under it are checked apart)."""
    field = attrs.fields_dict(DeploymentSpec)["dns_zone_name"]
    try:
        check_zone(None, field, zone)
    except SpecError:
        assert not allowed
    else:
        assert allowed


#: A bucket pattern of 49 characters besides {region}: with ap-southeast-1 (14), the longest
#: region name, exactly S3's 63.
BUCKET_63 = "b" * 49 + "{region}"


@pytest.mark.parametrize(("pattern", "allowed"), [(BUCKET_63, True), ("b" + BUCKET_63, False)])
def test_a_bucket_pattern_may_make_names_of_63_characters(pattern: str, allowed: bool) -> None:
    """A state bucket pattern is taken while its name in the longest region is at most S3's 63
    characters, and refused at 64."""
    assert len(pattern.replace("{region}", "ap-southeast-1")) == (63 if allowed else 64)
    try:
        backend(bucket=pattern)
    except SpecError:
        assert not allowed
    else:
        assert allowed


@pytest.mark.parametrize(("key", "allowed"), [("k" * 1024, True), ("k" * 1025, False)])
def test_a_state_key_may_be_1024_bytes(key: str, allowed: bool) -> None:
    """Terraform's state key is an S3 object key: up to 1,024 bytes."""
    try:
        backend(key=key)
    except SpecError:
        assert not allowed
    else:
        assert allowed


def test_tables_read_on_their_own_name_their_own_fields() -> None:
    """A [[regions]] or [backend] table read alone names its errors regions[] or backend."""
    with pytest.raises(SpecError) as caught:
        RegionSpec.from_mapping(one_table(weight=-1)["regions"][0])
    assert caught.value.field == "regions[].weight"
    with pytest.raises(SpecError) as caught:
        S3Backend.from_mapping({"bucket": "B", "key": "k", "region": "us-east-1"})
    assert caught.value.field == "backend.bucket"


def test_an_emulator_url_refused_on_its_own_says_what_a_url_is() -> None:
    """Checked outside a spec (a command-line argument), a bad URL gets the full description."""
    with pytest.raises(SpecError) as caught:
        check_endpoint_url("URL", "nope")
    assert (
        caught.value.allowed == "a URL like http://127.0.0.1:5000 (http or https, a host, a port)"
    )


def test_extra_statements_are_an_array_and_unnamed_ones_are_numbered() -> None:
    """extra_api_statements must be an array; a statement without Sid is named Extra<n>."""
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.default(extra_api_statements={"Action": "s3:GetObject"})
    assert caught.value.allowed == "an array of IAM statement tables ([[extra_api_statements]])"
    statement = {"Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::reports/*"}
    spec = DeploymentSpec.default(extra_api_statements=[statement, statement])
    assert [s.sid for s in spec.extra_api_statements] == ["Extra0", "Extra1"]


def test_the_default_layout_takes_other_regions() -> None:
    """DeploymentSpec.default(regions=...) keeps every other default and uses those regions."""
    regions = two(region="eu-west-1")
    assert DeploymentSpec.default(regions=regions).regions == regions
