"""drkit.regions.residency: a layout that would copy patient data out of its residency is
refused before anything is synthesized, naming the region."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given

import app
from drkit.errors import SpecError
from drkit.regions import DeploymentSpec
from drkit.regions.catalog import SHORT_CODES
from drkit.regions.residency import COUNTRIES, EUROPEAN_UNION, allowed_regions
from tests.strategies import spec as s

EU_LAYOUT = """
data_residency = "EU"

[[regions]]
region = "eu-west-1"
role = "primary"
weight = 60
cidr = "10.0.0.0/16"

[[regions]]
region = "eu-central-1"
role = "secondary"
weight = 40
cidr = "10.1.0.0/16"
"""

US_REPLICA = """
[[regions]]
region = "us-east-1"
role = "secondary"
weight = 0
cidr = "10.2.0.0/16"
"""


def test_an_eu_layout_within_the_eu_builds(tmp_path):
    path = tmp_path / "eu.toml"
    path.write_text(EU_LAYOUT)
    assert DeploymentSpec.from_toml(path).data_residency == ("EU",)


def test_eu_patient_data_replicated_to_a_us_region_is_refused_naming_it(tmp_path):
    path = tmp_path / "eu-and-us.toml"
    path.write_text(EU_LAYOUT + US_REPLICA)
    with pytest.raises(SpecError) as err:
        DeploymentSpec.from_toml(path)
    assert err.value.field == "regions[2].region"
    assert str(err.value).startswith("regions[2].region: 'us-east-1' is not allowed")
    assert "us-east-1 is in US" in str(err.value)
    assert "\n" not in str(err.value)


def test_app_py_refuses_it_in_one_line(tmp_path, monkeypatch, capsys):
    path = tmp_path / "eu-and-us.toml"
    path.write_text(EU_LAYOUT + US_REPLICA)
    for name in ("ENVIRONMENT_SUFFIX", "DRKIT_TARGET", "DRKIT_ENDPOINT_URL", "DRKIT_RUNTIME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DRKIT_CONFIG", str(path))
    assert app.main() == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("drkit: invalid deployment spec: regions[2].region: 'us-east-1'")


def test_london_and_zurich_are_in_europe_but_not_in_the_union():
    eu = allowed_regions(["EU"])
    assert "eu-west-2" not in eu and "eu-central-2" not in eu
    assert {COUNTRIES[r] for r in eu} == EUROPEAN_UNION
    assert allowed_regions(["GB"]) == ("eu-west-2",)
    assert allowed_regions([]) == tuple(SHORT_CODES)


@pytest.mark.parametrize(
    ("value", "field"),
    [("XX", "data_residency[0]"), (["EU", "eu"], "data_residency[1]"), (7, "data_residency")],
)
def test_an_unknown_jurisdiction_is_refused_naming_it(value, field):
    with pytest.raises(SpecError) as err:
        DeploymentSpec.default(data_residency=value)
    assert err.value.field == field


@given(s.deployment_specs(max_regions=5))
def test_a_layout_is_within_the_countries_of_its_own_regions(spec):
    """Any valid layout builds with the residency of its own regions' countries, and is
    refused with a residency missing one of them, naming that region."""
    countries = sorted({COUNTRIES[r.region] for r in spec.regions})
    assert attrs.evolve(spec, data_residency=countries).data_residency == tuple(countries)
    if len(countries) > 1:
        dropped = countries[0]
        with pytest.raises(SpecError) as err:
            attrs.evolve(spec, data_residency=countries[1:])
        index = next(i for i, r in enumerate(spec.regions) if COUNTRIES[r.region] == dropped)
        assert err.value.field == f"regions[{index}].region"


def test_the_default_layout_is_within_the_us():
    assert DeploymentSpec.default(data_residency="US").data_residency == ("US",)
    with pytest.raises(SpecError, match=r"regions\[0\]\.region: 'us-east-1'"):
        DeploymentSpec.default(data_residency=["EU"])
