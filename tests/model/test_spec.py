"""The region model accepts every valid layout and rejects every invalid one with SpecError."""

from __future__ import annotations

import ipaddress

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drkit.errors import SpecError
from drkit.regions import DeploymentSpec, RegionSpec, Role, Target
from drkit.regions.spec import REQUIRED_TAGS
from tests.strategies import spec as s


@given(s.region_specs())
def test_accepts_every_valid_layout(regions):
    """Every generated valid layout builds a spec with exactly one primary."""
    spec = DeploymentSpec(regions=regions)
    assert spec.primary.role is Role.PRIMARY
    assert sum(r.weight for r in spec.regions) == 100


@given(s.region_specs())
def test_toml_shape_round_trips(regions):
    """A layout written as TOML tables reads back as the same region specs."""
    spec = DeploymentSpec.from_mapping(s.valid_layout_dict(regions))
    assert spec.regions == regions


@given(s.invalid_layouts())
def test_rejects_every_invalid_layout_naming_the_field(case):
    """Every layout with one defect raises SpecError naming the defective field."""
    raw, field = case
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.from_mapping(raw)
    assert caught.value.field == field
    assert "allowed" in str(caught.value)


def _refused_overlap(regions, pair):
    """The SpecError building ``regions`` raises; it must blame the later region of ``pair``
    and name the earlier one's range."""
    a, b = pair
    with pytest.raises(SpecError) as caught:
        DeploymentSpec(regions=regions)
    assert caught.value.field == f"regions[{b}].cidr"
    assert f"regions[{a}].cidr {regions[a].cidr}" in str(caught.value)
    return caught.value


@given(s.overlapping_layouts(neighbours=False))
def test_refuses_overlap_between_regions_that_are_not_neighbours(case):
    """Two overlapping ranges with other regions listed between them are refused, naming both."""
    _refused_overlap(*case)


@given(s.overlapping_layouts(overlap="identical"))
def test_refuses_the_same_range_in_any_two_regions(case):
    """Any two of three or more regions with the very same range: refused, naming both."""
    _refused_overlap(*case)


@given(s.overlapping_layouts(overlap="inside"))
def test_refuses_a_range_inside_another_regions_range(case):
    """A range nested in another region's (earlier or later in the list) is refused."""
    _refused_overlap(*case)


@given(s.overlapping_layouts(overlap="around"))
def test_refuses_a_range_around_another_regions_range(case):
    """A range holding another region's whole range (earlier or later) is refused."""
    _refused_overlap(*case)


@given(s.overlapping_layouts())
def test_the_overlap_is_refused_from_a_layout_file_too(case):
    """Read from TOML tables, the same layouts fail on the same field."""
    regions, (_, b) = case
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.from_mapping(s.valid_layout_dict(regions))
    assert caught.value.field == f"regions[{b}].cidr"


@given(s.overlapping_layouts(), st.data())
def test_without_the_overlap_the_same_layout_builds(case, data):
    """Giving one region of the pair a free range of its own makes the layout valid: the
    overlap, not something else in it, is what was refused."""
    regions, pair = case
    changed = data.draw(st.sampled_from(pair))
    taken = [r.network for r in regions]
    free = next(
        n
        for n in ipaddress.ip_network("10.0.0.0/8").subnets(new_prefix=22)
        if not any(n.overlaps(t) for t in taken)
    )
    fixed = list(regions)
    fixed[changed] = attrs.evolve(regions[changed], cidr=str(free))
    assert DeploymentSpec(regions=tuple(fixed)).regions == tuple(fixed)


@given(s.region_specs())
def test_subnets_fit_inside_their_vpc(regions):
    """Each region's subnets are distinct and inside its own VPC range."""
    for r in regions:
        subnets = [__import__("ipaddress").ip_network(c) for c in r.subnet_cidrs()]
        assert len(set(subnets)) == len(subnets) >= 2
        assert all(n.subnet_of(r.network) for n in subnets)


def test_a_vpc_gets_the_first_two_sixteenths_as_subnets():
    """A /16 gets two /20 subnets, the first two of its range (one per AZ)."""
    spec = RegionSpec(region="us-east-1", role=Role.PRIMARY, weight=100, cidr="10.0.0.0/16")
    assert spec.subnet_cidrs() == ("10.0.0.0/20", "10.0.16.0/20")


def test_default_layout_is_the_mission():
    spec = DeploymentSpec.default()
    assert [(r.region, r.role, r.weight, r.cidr) for r in spec.regions] == [
        ("us-east-1", Role.PRIMARY, 70, "10.0.0.0/16"),
        ("us-west-2", Role.SECONDARY, 30, "10.1.0.0/16"),
    ]
    assert spec.lambda_memory_mb == 3072 and spec.lambda_timeout_seconds == 30
    assert spec.health_check_failure_threshold == 3
    assert spec.protect_data is False
    assert spec.availability_target == 99.99
    assert (spec.peak_concurrency, spec.lambda_reserved_concurrency) == (80, 100)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"health_check_interval_seconds": 15}, "health_check_interval_seconds"),
        (
            {"health_check_interval_seconds": 30, "health_check_failure_threshold": 10},
            "health_check_failure_threshold",
        ),
        ({"replication_lag_threshold_seconds": 60}, "replication_lag_threshold_seconds"),
        ({"rto_target_seconds": 600}, "rto_target_seconds"),
        ({"rpo_target_seconds": 120}, "rpo_target_seconds"),
        ({"lambda_timeout_seconds": 60}, "lambda_timeout_seconds"),
        ({"log_retention_days": 30}, "log_retention_days"),
        ({"alert_emails": ()}, "alert_emails"),
        ({"alert_emails": ("not-an-address",)}, "alert_emails[0]"),
        ({"tags": {"Environment": "Staging"}}, "tags.Environment"),
        ({"tags": {"aws:x": "y"}}, 'tags."aws:x"'),
        ({"dns_zone_name": "localhost"}, "dns_zone_name"),
        ({"existing_zone_id": "zone-1"}, "existing_zone_id"),
        ({"target": Target.LOCAL}, "local_endpoint"),
        ({"environment_suffix": "x" * 40}, "environment_suffix"),
        ({"availability_target": 0.9999}, "availability_target"),
        ({"availability_target": 100}, "availability_target"),
        ({"availability_target": float("nan")}, "availability_target"),
        ({"availability_target": "99.99"}, "availability_target"),
        ({"availability_target": True}, "availability_target"),
        ({"peak_concurrency": 0}, "peak_concurrency"),
        ({"peak_read_units_per_second": 2.5}, "peak_read_units_per_second"),
    ],
)
def test_rejects_bad_shared_settings(overrides, field):
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.default(**overrides)
    assert caught.value.field == field


def test_an_availability_target_may_be_written_as_an_integer():
    """TOML writes ``availability_target = 99`` as an integer: the spec holds 99.0, a float,
    and its error for a fraction says to write a percentage."""
    assert DeploymentSpec.default(availability_target=99).availability_target == 99.0
    assert isinstance(DeploymentSpec.default(availability_target=99).availability_target, float)
    with pytest.raises(SpecError, match=r"99\.99 \(not 0\.9999\)"):
        DeploymentSpec.default(availability_target=0.9999)


def test_suffix_error_says_how_long_it_may_be():
    with pytest.raises(SpecError, match=r"at most \d+ characters"):
        DeploymentSpec.default(environment_suffix="a" * 50)


def test_user_tags_cannot_drop_required_ones():
    spec = DeploymentSpec.default(tags={"CostCenter": "42"})
    assert spec.all_tags == {**REQUIRED_TAGS, "CostCenter": "42"}


def test_environment_overrides(tmp_path):
    layout = tmp_path / "layout.toml"
    layout.write_text(
        'environment_suffix = "fromfile"\n'
        '[[regions]]\nregion="eu-west-1"\nrole="primary"\nweight=50\ncidr="10.8.0.0/16"\n'
        '[[regions]]\nregion="eu-central-1"\nrole="secondary"\nweight=50\ncidr="10.9.0.0/16"\n'
    )
    spec = DeploymentSpec.from_environment(
        {"DRKIT_CONFIG": str(layout), "ENVIRONMENT_SUFFIX": "pr-7"}
    )
    assert spec.environment_suffix == "pr-7"
    assert [r.region for r in spec.regions] == ["eu-west-1", "eu-central-1"]
    local = DeploymentSpec.from_environment(
        {"DRKIT_TARGET": "local", "DRKIT_ENDPOINT_URL": "http://127.0.0.1:5000"}
    )
    assert local.target is Target.LOCAL and local.local_endpoint == "http://127.0.0.1:5000"


@pytest.mark.parametrize(
    "environ, field",
    [
        ({"DRKIT_TARGET": "gcp"}, "DRKIT_TARGET"),
        ({"DRKIT_CONFIG": "/nonexistent/layout.toml"}, "DRKIT_CONFIG"),
        ({"ENVIRONMENT_SUFFIX": "UPPER"}, "ENVIRONMENT_SUFFIX"),
        ({"ENVIRONMENT_SUFFIX": "x" * 40}, "ENVIRONMENT_SUFFIX"),
        ({"DRKIT_TARGET": "local"}, "DRKIT_ENDPOINT_URL"),
        (
            {"DRKIT_TARGET": "local", "DRKIT_ENDPOINT_URL": "http://127.0.0.1:99999"},
            "DRKIT_ENDPOINT_URL",
        ),
        ({"DRKIT_TARGET": "local", "DRKIT_ENDPOINT_URL": "127.0.0.1:5000"}, "DRKIT_ENDPOINT_URL"),
        ({"DRKIT_CONFIG": "/"}, "DRKIT_CONFIG"),
        ({"DRKIT_TARGET": 7}, "DRKIT_TARGET"),
    ],
)
def test_environment_errors_name_the_variable(environ, field):
    """A bad value that came from a variable is reported under the variable's name."""
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.from_environment(environ)
    assert caught.value.field == field


def test_unknown_toml_keys_are_errors():
    raw = s.valid_layout_dict(DeploymentSpec.default().regions)
    raw["health_check_intervall_seconds"] = 10
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.from_mapping(raw)
    assert caught.value.field == "health_check_intervall_seconds"
    raw = s.valid_layout_dict(DeploymentSpec.default().regions)
    raw["regions"][0]["wieght"] = 5
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.from_mapping(raw)
    assert caught.value.field == "regions[0].wieght"


def test_region_spec_field_errors_are_specific():
    with pytest.raises(SpecError) as caught:
        RegionSpec(region="us-east-1", role=Role.PRIMARY, weight=True, cidr="10.0.0.0/16")
    assert caught.value.field == "weight"
    with pytest.raises(SpecError) as caught:
        RegionSpec(region="us-east-1", role=Role.PRIMARY, weight=50, cidr="10.0.0.1/16")
    assert caught.value.field == "cidr"


@given(st.sampled_from(s.REGIONS), s.suffixes)
def test_valid_suffixes_make_legal_names_everywhere(region, suffix):
    """A suffix of up to 10 characters makes every catalogue name legal in every region."""
    from drkit.regions.names import check_all
    from drkit.regions.naming import Namer

    check_all(Namer(suffix), [region])


@pytest.mark.parametrize(
    "value",
    ["arn:aws:iam::111122223333:root", "arn:aws:iam::1:role/x", "dr-operators", 7],
)
@pytest.mark.parametrize("field", ["operator_principals", "break_glass_principals"])
def test_people_principals_must_name_people(field, value):
    """Only IAM users or roles may be operators or break-glass users; the error names the
    entry, and a lone string the field."""
    with pytest.raises(SpecError, match=rf"{field}\[0\]"):
        DeploymentSpec.default(**{field: (value,)})
    with pytest.raises(SpecError, match=rf"^{field}: "):
        DeploymentSpec.default(**{field: "arn:aws:iam::111122223333:role/a"})
