"""``drkit drill`` on the command line, against an in-process moto: exit codes and one-line errors.

moto's one checker never fails, so a real wait here always times out; the
measurement itself is tested in tests/operations/drill/.
"""

from __future__ import annotations

import pytest

from drkit.commands import main
from drkit.operations.drill import runner
from tests.operations.drill.support import PRIMARY, SECONDARY, check_name, param


def test_restores_when_the_wait_times_out(deployment, capsys):
    """With moto's always-healthy checker the wait times out: exit 1, switch restored."""
    argv = ["--region", SECONDARY, "--yes", "--timeout", "0.2", "--poll-seconds", "0.05"]
    code = main(["drill", *argv, "--no-traffic-probe"])

    assert code == 1
    assert "timed out" in capsys.readouterr().out
    assert deployment.history(SECONDARY) == ["active", "drained", "active"]


def test_interrupt_restores_and_exits_130(deployment, monkeypatch, capsys):
    """Ctrl-C during `drkit drill` restores the switch and exits 130."""

    def interrupted(*args: object) -> str:
        raise KeyboardInterrupt  # the first progress line comes after the flip

    monkeypatch.setattr(runner, "progress_line", interrupted)
    code = main(["drill", "--region", SECONDARY, "--yes", "--no-traffic-probe"])

    assert code == 130
    assert capsys.readouterr().err == "drkit drill: interrupted\n"
    assert deployment.history(SECONDARY) == ["active", "drained", "active"]


def test_dry_run_prints_the_plan_and_changes_nothing(deployment, capsys):
    """--dry-run runs the read-only preflight, prints the plan and writes nothing."""
    code = main(["drill", "--region", SECONDARY, "--dry-run"])

    out = capsys.readouterr().out
    assert code == 0
    assert param(SECONDARY) in out
    assert f"Name={check_name(SECONDARY)} (id {deployment.health_check_ids[SECONDARY]})" in out
    assert "nothing was changed" in out
    assert deployment.history(SECONDARY) == ["active"]


def test_unknown_region_is_one_line_and_exit_2(deployment, capsys):
    """A region outside the spec: exit 2, one line naming it and the allowed regions."""
    code = main(["drill", "--region", "eu-central-1", "--yes"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "eu-central-1" in err and f"{PRIMARY}, {SECONDARY}" in err
    assert deployment.history(SECONDARY) == ["active"] and deployment.history(PRIMARY) == ["active"]


def test_a_refused_preflight_is_one_line_and_exit_1(deployment, capsys):
    """A switch already 'drained' (a maintenance drain) is left alone: exit 1, one line."""
    deployment.ssm(SECONDARY).put_parameter(Name=param(SECONDARY), Value="drained", Overwrite=True)

    code = main(["drill", "--region", SECONDARY, "--yes", "--no-traffic-probe"])

    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("drkit drill: error: drain switch")
    assert deployment.history(SECONDARY) == ["active", "drained"]


def test_declined_confirmation_changes_nothing(deployment, monkeypatch, capsys):
    """Without --yes, any answer but the region's name aborts with exit 1."""
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")

    code = main(["drill", "--region", SECONDARY, "--no-traffic-probe"])

    assert code == 1
    assert "not confirmed" in capsys.readouterr().out
    assert deployment.history(SECONDARY) == ["active"]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        ([], "--region"),
        (["--region", "moon-1"], "--region"),
        (["--region", SECONDARY, "--timeout", "0"], "--timeout"),
        (["--region", SECONDARY, "--timeout", "nan"], "--timeout"),
        (["--region", SECONDARY, "--timeout", "inf"], "--timeout"),
        (["--region", SECONDARY, "--poll-seconds", "-1"], "--poll-seconds"),
        (["--region", SECONDARY, "--samples", "1.5"], "--samples"),
        (["--region", SECONDARY, "--endpoint-url", "localhost:5000"], "--endpoint-url"),
        (["--region", SECONDARY, "--endpoint-url", "http://127.0.0.1:70000"], "--endpoint-url"),
    ],
)
def test_bad_arguments_are_one_line_naming_the_argument(argv, named, capsys):
    """A missing region, a number out of range (nan and inf too) or a URL that is not one
    exits 2 with one line naming the argument, before any AWS call."""
    assert main(["drill", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("drkit drill: error: ")
    assert named in err
