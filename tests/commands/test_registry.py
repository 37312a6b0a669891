"""The command registry and ``main``: exit codes, one-line errors, commands loaded when chosen."""

from __future__ import annotations

import importlib
import inspect

import pytest

from drkit import __version__
from drkit.commands import COMMANDS, Command
from tests.commands.support import cli


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register tests/commands/fake_command.py as ``drkit fake``."""
    command = Command(module="tests.commands.fake_command", summary="a test command")
    monkeypatch.setitem(COMMANDS, "fake", command)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_module_is_add_arguments_and_run_only(name):
    """A command module defines exactly two public functions: add_arguments and run(args)."""
    module = importlib.import_module(COMMANDS[name].module)
    functions = {
        n
        for n, f in vars(module).items()
        if inspect.isfunction(f) and f.__module__ == module.__name__ and not n.startswith("_")
    }
    assert functions == {"add_arguments", "run"}
    assert list(inspect.signature(module.run).parameters) == ["args"]


def test_no_command_prints_help_and_exits_2():
    """`drkit` alone lists every command and exits 2."""
    code, out, err = cli([])
    assert code == 2 and out == ""
    assert all(name in err for name in COMMANDS)


def test_unknown_command_is_a_usage_error():
    """A command drkit does not have exits 2 with argparse's usage message."""
    code, _, err = cli(["nonsense"])
    assert code == 2 and "invalid choice" in err


def test_version_prints_the_version_and_exits_0():
    """--version prints drkit's version on stdout."""
    code, out, _ = cli(["--version"])
    assert code == 0 and out == f"drkit {__version__}\n"


@pytest.mark.usefixtures("fake")
@pytest.mark.parametrize(("error", "code"), [("spec", 2), ("compliance", 2), ("drill", 1)])
def test_errors_are_one_line_with_their_exit_code(error, code):
    """Bad input exits 2, a command that ran and failed 1; either way one line, no traceback."""
    got, out, err = cli(["fake", "--raise", error])
    assert got == code and out == ""
    assert err.count("\n") == 1 and err.startswith("drkit fake: error: ")


@pytest.mark.usefixtures("fake")
def test_interrupt_exits_130():
    """Ctrl-C in a command exits 130 with one line."""
    assert cli(["fake", "--raise", "interrupt"])[::2] == (130, "drkit fake: interrupted\n")


@pytest.mark.usefixtures("fake")
def test_the_command_chooses_the_exit_code():
    """Whatever run returns is the exit code."""
    assert cli(["fake", "--code", "1"])[0] == 1
    assert cli(["fake"])[0] == 0


def test_a_module_without_run_is_refused(monkeypatch):
    """Registering a module that is not a command fails loudly, naming what is missing."""
    monkeypatch.setitem(COMMANDS, "broken", Command(module="tests.commands.support", summary="x"))
    with pytest.raises(AssertionError, match="must define add_arguments"):
        cli(["broken"])
