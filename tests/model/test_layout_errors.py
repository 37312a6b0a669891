"""drkit.regions.layout_errors: a layout file's errors all at once, each with its line, a
"did you mean" for near misses, the wrong type named, readable messages for what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from drkit.errors import SpecError
from drkit.regions.layout_errors import LayoutErrors, line_of
from drkit.regions.spec import DeploymentSpec

REGIONS = """
[[regions]]
region = "us-east-1"
role = "primary"
weight = 70
cidr = "10.0.0.0/16"

[[regions]]
region = "{second}"
role = "secondary"
weight = 30
cidr = "{cidr}"
"""


def _layout(tmp_path: Path, head: str, second: str = "us-west-2", cidr: str = "10.1.0.0/16"):
    path = tmp_path / "layout.toml"
    path.write_text(head + REGIONS.format(second=second, cidr=cidr), encoding="utf-8")
    return path


def test_four_mistakes_are_four_errors_in_one_run(tmp_path: Path) -> None:
    """A misspelt key, a number in quotes, a bad boolean and a misspelt region: all of them,
    in the file's order, each with its line, the near misses with what was meant."""
    path = _layout(
        tmp_path,
        'helth_check_interval_seconds = 10\nlambda_memory_mb = "1024"\nprotect_data = "yes"\n',
        second="eu-centrall-1",
    )
    with pytest.raises(LayoutErrors) as caught:
        DeploymentSpec.from_toml(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"4 errors in {path}:"
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "line 1",
        "line 2",
        "line 3",
        "line 12",
    ]
    assert "did you mean 'health_check_interval_seconds'?" in lines[1]
    assert "this is a string: write the number without quotes" in lines[2]
    assert "did you mean 'eu-central-1'?" in lines[4]
    assert (
        isinstance(caught.value, SpecError) and caught.value.field == "helth_check_interval_seconds"
    )


def test_one_mistake_is_one_line_naming_the_file_and_line(tmp_path: Path) -> None:
    path = _layout(tmp_path, "", cidr="10.1.0.0/28")
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.from_toml(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("regions[1].cidr: '10.1.0.0/28'")
    assert message.endswith(f"({path}, line 12)")
    assert "a /28 would leave them /32" in message


def test_a_missing_field_says_so(tmp_path: Path) -> None:
    path = tmp_path / "layout.toml"
    path.write_text('environment_suffix = "qa"\n', encoding="utf-8")
    with pytest.raises(SpecError, match=r"regions: required, and missing"):
        DeploymentSpec.from_toml(path)


def test_rules_across_fields_wait_for_valid_fields(tmp_path: Path) -> None:
    """With its regions wrong, a residency that only they could break is not blamed."""
    path = _layout(tmp_path, 'data_residency = "US"\n', second="eu-centrall-1")
    with pytest.raises(SpecError) as caught:
        DeploymentSpec.from_toml(path)
    assert "data_residency" not in str(caught.value) and "eu-centrall-1" in str(caught.value)


@pytest.mark.parametrize(
    ("field", "line"),
    [
        ("protect_data", 1),
        ("regions[0]", 3),
        ("regions[1].weight", 10),
        ("backend.bucket", 13),
        ("tags.Team", 16),
        ("nowhere", None),
    ],
)
def test_a_field_is_found_where_the_file_writes_it(field: str, line: int | None) -> None:
    text = "\n".join(
        [
            "protect_data = true",
            "",
            "[[regions]]",
            'region = "us-east-1"',
            "",
            "[[regions]]",
            'region = "us-west-2"',
            'role = "secondary"',
            "",
            "weight = 30",
            "",
            "[backend]",
            'bucket = "b"',
            "",
            "[tags]",
            'Team = "x"',
        ]
    )
    assert line_of(text, field) == line
