"""``drkit validate`` validates the layout it is given (``--config``, ``DRKIT_CONFIG``), says
which, and refuses a bad one before synthesizing; with none, the built-in two and three
regions. (The Terraform side runs in tests/synth/test_validate.py.)"""

from __future__ import annotations

from drkit.commands import main
from drkit.deploy.validate import LAYOUTS, chosen_layouts

BAD = """
[[regions]]
region = "us-east-1"
role = "primary"
weight = 170
cidr = "10.0.0.0/16"
"""


def test_with_no_layout_named_the_built_in_ones_are_validated():
    assert list(chosen_layouts({})) == list(LAYOUTS)


def test_a_named_layout_is_the_only_one_validated_and_named():
    chosen = chosen_layouts({"DRKIT_CONFIG": "/tmp/mine.toml", "ENVIRONMENT_SUFFIX": "prod"})
    assert chosen == {
        "/tmp/mine.toml (suffix 'prod')": {
            "DRKIT_CONFIG": "/tmp/mine.toml",
            "ENVIRONMENT_SUFFIX": "prod",
        }
    }
    assert list(chosen_layouts({"ENVIRONMENT_SUFFIX": "qa"})) == [
        "the built-in two regions (suffix 'qa')"
    ]


def test_a_bad_layout_is_refused_before_anything_is_synthesized(tmp_path, monkeypatch, capsys):
    layout = tmp_path / "bad.toml"
    layout.write_text(BAD)
    workdir = tmp_path / "work"
    assert main(["validate", "--config", str(layout), "--workdir", str(workdir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "regions[0].weight: 170 is not allowed" in err
    monkeypatch.setenv("DRKIT_CONFIG", str(layout))
    assert main(["validate", "--workdir", str(workdir)]) == 2
    assert "regions[0].weight" in capsys.readouterr().err
    assert not workdir.exists()
