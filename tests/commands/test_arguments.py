"""Every command's arguments: a wrong value is one line naming the argument, exit 2, nothing run."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from drkit.commands import COMMANDS, build_parser
from tests.commands.support import cli
from tests.helpers import ROOT

A_FILE = str(ROOT / "app.py")
#: (command, option) -> a value that option must refuse. Every option that takes a value is here
#: (test_every_option_taking_a_value_has_a_bad_value_here keeps it so).
BAD_VALUES: dict[tuple[str, str], list[str]] = {
    ("budget", "--interval"): ["x", "20", "10.0", "nan"],
    ("budget", "--threshold"): ["three", "0", "11"],
    ("budget", "--dns-cache"): ["-1", "301", "1e3"],
    ("budget", "--lag-threshold"): ["0", "x"],
    ("budget", "--lag-periods"): ["4", "true"],
    ("budget", "--rto-target"): ["301", ""],
    ("budget", "--rpo-target"): ["61", "sixty"],
    ("budget", "--reserved-concurrency"): ["0", "901", "lots"],
    ("budget", "--peak-concurrency"): ["0", "-3", "2.5"],
    ("budget", "--peak-read-units"): ["0", "1000001", "1e4"],
    ("budget", "--availability-target"): ["0.9999", "100", "nan", "inf", "high"],
    ("budget", "--incidents"): ["-1", "10001", "twelve"],
    ("preflight", "--lambda-memory-quota"): ["64", "10241", "3GB"],
    ("preflight", "--endpoint-url"): ["localhost:5000", "ftp://h"],
    ("budget", "--config"): ["/nonexistent/layout.toml", str(ROOT)],
    ("budget", "--suffix"): ["UPPER", "a_b", "x-", ""],
    ("preflight", "--config"): ["/nonexistent/layout.toml", str(ROOT)],
    ("preflight", "--suffix"): ["UPPER", "a_b", "x-", ""],
    ("drill", "--config"): ["/nonexistent/layout.toml", str(ROOT)],
    ("drill", "--suffix"): ["UPPER", "a_b", "x-", ""],
    ("drill", "--report"): [str(ROOT), "/nonexistent/d.md", f"{A_FILE}/d.md"],
    ("synth", "--config"): ["/nonexistent/layout.toml", str(ROOT)],
    ("synth", "--suffix"): ["UPPER", "a_b", "x-", ""],
    ("synth", "--outdir"): [A_FILE, f"{A_FILE}/below"],
    ("init", "--output"): [str(ROOT), "/nonexistent/l.toml", f"{A_FILE}/l.toml"],
    ("schema", "--output"): [str(ROOT), "/nonexistent/s.json", f"{A_FILE}/s.json"],
    ("check", "--config"): ["/nonexistent/layout.toml", str(ROOT)],
    ("check", "--suffix"): ["UPPER", "a_b", "x-", ""],
    ("check", "--synthesized"): [A_FILE, str(ROOT), "/nonexistent/cdktf.out"],
    ("check", "--format"): ["xml", "SARIF", ""],
    ("check", "--output"): [str(ROOT), "/nonexistent/r.sarif", f"{A_FILE}/r.sarif"],
    ("check", "--workdir"): [A_FILE, f"{A_FILE}/below"],
    ("audit", "--config"): ["/nonexistent/layout.toml", str(ROOT)],
    ("audit", "--suffix"): ["UPPER", "a_b", "x-", ""],
    ("audit", "--region"): ["us-east-9", "US-EAST-1"],
    ("audit", "--anchor"): [str(ROOT), "/nonexistent/before.json"],
    ("audit", "--endpoint-url"): ["localhost:5000", "ftp://h"],
    ("demo", "--config"): ["/nonexistent/layout.toml", str(ROOT)],
    ("demo", "--suffix"): ["UPPER", "a_b", "x-", ""],
    ("demo", "--workdir"): [A_FILE, f"{A_FILE}/below"],
    ("demo", "--port"): ["0", "65536", "http", "-1"],
    ("validate", "--workdir"): [A_FILE],
    ("validate", "--config"): ["/nonexistent/layout.toml", str(ROOT)],
    ("validate", "--suffix"): ["UPPER", "a_b", "x-", ""],
    ("graph", "--config"): ["/nonexistent/layout.toml", str(ROOT)],
    ("graph", "--suffix"): ["UPPER", "a_b", "x-", ""],
    ("graph", "--synthesized"): [A_FILE, str(ROOT), "/nonexistent/cdktf.out"],
    ("graph", "--format"): ["png", "MERMAID", ""],
    ("graph", "--output"): [str(ROOT), "/nonexistent/t.svg", f"{A_FILE}/t.svg"],
    ("graph", "--workdir"): [A_FILE, f"{A_FILE}/below"],
    ("drill", "--region"): ["moon-1", "US-EAST-1", ""],
    ("drill", "--timeout"): ["0", "-5", "nan", "inf", "3601", "soon"],
    ("drill", "--poll-seconds"): ["0", "nan", "61"],
    ("drill", "--samples"): ["0", "1.5", "101", "many"],
    ("drill", "--endpoint-url"): ["localhost:5000", "http://", "http://h:99999", "ftp://h"],
    ("outage", "--endpoint"): ["localhost:5000", "http://", "ftp://h"],
    ("release", "--config"): ["/nonexistent/layout.toml", str(ROOT)],
    ("release", "--suffix"): ["UPPER", "a_b", "x-", ""],
    ("release", "--runtime"): [A_FILE, str(ROOT), "/nonexistent/runtime"],
    ("release", "--bake-seconds"): ["-1", "nan", "3601", "long"],
    ("release", "--interval-seconds"): ["0", "61", "x"],
    ("release", "--workdir"): [A_FILE, f"{A_FILE}/below"],
}
#: What the others need to get as far as the option under test.
REQUIRED = {"drill": ["--region", "us-west-2"], "outage": ["status"]}


def _value_options(command: str) -> set[str]:
    parser = build_parser([command])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {
        option
        for action in sub.choices[command]._actions
        if action.option_strings and action.nargs != 0
        for option in action.option_strings
        if option.startswith("--")
    }


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_option_taking_a_value_has_a_bad_value_here(command):
    """A new option gets a wrong value in BAD_VALUES, so the test below reaches it."""
    assert _value_options(command) == {o for c, o in BAD_VALUES if c == command}


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [(c, o, v) for (c, o), values in BAD_VALUES.items() for v in values],
)
def test_a_wrong_value_is_one_line_naming_the_option(command, option, value):
    """Each option refuses a wrong value when it is parsed: exit 2, nothing on stdout, one line
    on stderr naming the option and showing the value, before the command runs."""
    code, out, err = cli([command, *REQUIRED.get(command, []), option, value])
    assert code == 2 and out == ""
    assert err.count("\n") == 1, err
    named = re.escape(f"{option}: {value!r} is not allowed")
    assert re.match(rf"drkit {command}: error: argument (-[a-z]/)?{named}", err), err
    assert "allowed: " in err


def test_a_suffix_too_long_for_a_name_names_the_argument(tmp_path: Path):
    """--suffix of the right shape but too long for a bucket name is refused naming --suffix
    (not ENVIRONMENT_SUFFIX, which the user did not set), before the emulator starts."""
    code, out, err = cli(["demo", "--suffix", "x" * 40, "--workdir", str(tmp_path / "w")])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("drkit demo: error: --suffix: ")
    assert not (tmp_path / "w").exists()


def test_an_invalid_config_names_the_argument(tmp_path: Path):
    """--config naming a file that is not TOML is refused naming --config."""
    layout = tmp_path / "layout.toml"
    layout.write_text("regions = [\n")
    code, _, err = cli(["demo", "--config", str(layout), "--workdir", str(tmp_path / "w")])
    assert code == 2 and err.startswith("drkit demo: error: --config: ")


def test_a_wrong_environment_variable_names_the_variable():
    """DRKIT_TARGET=gcp for `drkit drill` is one line naming the variable, exit 2."""
    code, out, err = cli(["drill", "--region", "us-west-2"], {"DRKIT_TARGET": "gcp"})
    assert code == 2 and out == ""
    assert (
        err == "drkit drill: error: DRKIT_TARGET: 'gcp' is not allowed; allowed: 'aws' or 'local'\n"
    )
