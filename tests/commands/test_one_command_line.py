"""One command line: every command that reads a layout takes --config and --suffix and checks
the suffix alike, an unknown option points at the command's own help, graph's --output names
a format it writes, and synth refuses a bad layout before synthesizing."""

from __future__ import annotations

from pathlib import Path

import pytest

from drkit.errors import SpecError
from drkit.operations.graph.output import output_format
from drkit.operations.synthesized import size_warnings
from tests.commands.support import cli

ROOT = Path(__file__).resolve().parents[2]
LAYOUT_COMMANDS = (
    "synth",
    "validate",
    "graph",
    "demo",
    "budget",
    "preflight",
    "drill",
    "audit",
    "check",
    "release",
)


@pytest.mark.parametrize("command", LAYOUT_COMMANDS)
def test_every_layout_command_takes_config_and_suffix(command: str) -> None:
    """--config and --suffix are in each one's help."""
    code, out, _ = cli([command, "--help"])
    assert code == 0 and "--config" in out and "--suffix" in out


@pytest.mark.parametrize("command", ["budget", "synth", "audit"])
def test_a_bad_suffix_in_the_environment_is_refused_naming_the_variable(command: str) -> None:
    """ENVIRONMENT_SUFFIX=PROD: exit 2, one line naming the variable, as app.py does."""
    code, _, err = cli([command], {"ENVIRONMENT_SUFFIX": "PROD"})
    assert code == 2 and "ENVIRONMENT_SUFFIX: 'PROD' is not allowed" in err, err
    assert len(err.strip().splitlines()) == 1


def test_a_layout_given_by_argument_is_the_one_used() -> None:
    """budget --config reads that layout, not the default nor DRKIT_CONFIG's."""
    example = str(ROOT / "examples" / "three-region.toml")
    code, out, _ = cli(["budget", "--config", example], {"DRKIT_CONFIG": "/nonexistent.toml"})
    assert code in (0, 1) and "eu-west-1" in out and "three-region.toml" in out


@pytest.mark.parametrize("command", ["budget", "graph", "audit", "synth"])
def test_an_unknown_option_points_at_the_commands_own_help(command: str) -> None:
    code, _, err = cli([command, "--no-such-option"])
    assert code == 2
    assert err.strip() == (
        f"drkit {command}: error: unrecognized arguments: --no-such-option "
        f"(see drkit {command} --help)"
    )


@pytest.mark.parametrize(
    ("given", "output", "chosen"),
    [
        (None, None, "mermaid"),
        (None, "t.svg", "svg"),
        (None, "t.GV", "dot"),
        ("dot", None, "dot"),
        ("svg", "t.svg", "svg"),
        ("mermaid", "picture", "mermaid"),
    ],
)
def test_graph_output_picks_its_format(given: str | None, output: str | None, chosen: str) -> None:
    assert output_format(given, Path(output) if output else None) == chosen


@pytest.mark.parametrize(("given", "output"), [(None, "t.png"), ("dot", "t.svg"), (None, "t.txt")])
def test_graph_output_of_another_format_is_refused(given: str | None, output: str) -> None:
    """A .png would hold Mermaid text; a .svg asked for as DOT would hold DOT: refused."""
    with pytest.raises(SpecError, match="--output"):
        output_format(given, Path(output))


def test_graph_refuses_the_output_before_synthesizing(tmp_path: Path) -> None:
    """No synthesis starts (it would take seconds and write a workdir) for a wrong suffix."""
    workdir = tmp_path / "work"
    code, _, err = cli(["graph", "-o", str(tmp_path / "x.png"), "--workdir", str(workdir)])
    assert code == 2 and "--output" in err and not workdir.exists()


def test_synth_refuses_a_bad_layout_before_synthesizing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("protect_data = 'yes'\n")
    outdir = tmp_path / "out"
    code, _, err = cli(["synth", "--config", str(bad), "--outdir", str(outdir)])
    assert code == 2 and err.startswith("drkit synth: error: ") and not outdir.exists()


def test_a_layout_too_large_for_one_deployment_is_said_so_not_refused() -> None:
    """The default layout's figures raise nothing; 12 regions' (66 peerings, thousands of
    resources, a 3.9 MB stack) raise each warning."""
    assert size_warnings({"drkit-use1": 300_000}, 437, 1) == []
    found = size_warnings({"drkit-links": 3_900_000}, 3618, 66)
    assert [w.split(" ")[0] for w in found] == ["3618", "66", "drkit-links"]
