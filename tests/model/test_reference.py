"""drkit.regions.reference: the README's layout table and `drkit schema` are the model's."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import attrs
import jsonschema
import pytest

from drkit.regions import reference
from drkit.regions.backend import S3Backend
from drkit.regions.region import RegionSpec
from drkit.regions.spec import DeploymentSpec
from tests.commands.support import cli

ROOT = Path(__file__).resolve().parents[2]
README_TABLE = re.compile(
    r"<!-- layout reference: begin [^>]*-->\n(.*?)<!-- layout reference: end -->", re.S
)
LAYOUTS = [*sorted((ROOT / "examples").glob("*.toml")), ROOT / "tests/e2e/two-region.toml"]


def test_the_readme_table_is_the_models() -> None:
    """If this fails, paste reference.markdown() between the README's markers."""
    [embedded] = README_TABLE.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert embedded == reference.markdown()


@pytest.mark.parametrize("cls", [DeploymentSpec, RegionSpec, S3Backend])
def test_every_field_is_described(cls: type) -> None:
    """A field without a line in its class's Attributes would be a blank row."""
    described = reference.descriptions(cls)
    assert [f.name for f in attrs.fields(cls) if not described.get(f.name)] == []


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda p: p.name)
def test_the_schema_accepts_every_example_layout(layout: Path) -> None:
    jsonschema.validate(tomllib.loads(layout.read_text()), reference.json_schema())


@pytest.mark.parametrize(
    "change",
    [
        {"helth_check_interval_seconds": 10},
        {"protect_data": "yes"},
        {"lambda_memory_mb": "1024"},
        {"regions": [{"region": "us-east-1", "role": "leader", "weight": 100, "cidr": "x"}]},
    ],
)
def test_the_schema_refuses_what_an_editor_can_see(change: dict) -> None:
    """A misspelt key, a string for a boolean or a number, an unknown role."""
    layout = {**tomllib.loads(LAYOUTS[0].read_text()), **change}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(layout, reference.json_schema())


def test_drkit_schema_prints_it(tmp_path: Path) -> None:
    code, out, _ = cli(["schema"])
    assert code == 0 and json.loads(out) == reference.json_schema()
    code, _, _ = cli(["schema", "-o", str(tmp_path / "layout.schema.json")])
    assert code == 0 and json.loads((tmp_path / "layout.schema.json").read_text())["$id"]


def test_drkit_init_writes_the_default_layout_with_every_field_explained(tmp_path: Path) -> None:
    """The file builds into the default spec; each field a layout may set is in it, commented
    at its default; an existing file is not overwritten."""
    path = tmp_path / "drkit.toml"
    assert cli(["init", "-o", str(path)])[0] == 0
    text = path.read_text()
    assert DeploymentSpec.from_toml(path) == DeploymentSpec.default()
    settable = [f.name for f in attrs.fields(DeploymentSpec)]
    settable = [n for n in settable if n not in reference.FROM_THE_ENVIRONMENT | {"regions"}]
    assert [n for n in settable if f"# {n} =" not in text and f"# [{n}]" not in text] == []
    for line in (line[2:] for line in text.splitlines() if line.startswith("# ") and " = " in line):
        tomllib.loads(line)  # each commented field is valid TOML once uncommented
    code, _, err = cli(["init", "-o", str(path)])
    assert code == 2 and "does not exist yet" in err
