"""``make mutate``: mutation testing of the model, the runtime and the emulator's IAM evaluator.

mutmut names a mutant after its file's path (``drkit_runtime/records.py`` ->
``drkit_runtime.records``) and activates it only in the module of that name, but the Lambda
code lives at ``assets/runtime/drkit_runtime`` and is imported as ``drkit_runtime``. So
mutmut runs in a staging folder, ``.mutmut/``, whose top level links to each package where
its import name says (``drkit``, ``drkit_emulator``, ``drkit_runtime``) and to what the
selected tests read; mutmut copies it into ``.mutmut/mutants/`` and mutates the files
``[mutmut] only_mutate`` in setup.cfg names. It runs only the tests that call the mutated
function (mutmut's per-function selection, from one instrumented run of the fast tests of
``pytest_add_cli_args_test_selection``), one mutant per core.

Then it prints the score per package and the surviving mutants; docs/mutation.md says why
each one left is equivalent. Arguments go to ``mutmut run`` (mutant names or globs, e.g.
``'drkit_runtime.*'``); results are kept between runs in ``.mutmut/mutants/``. With
``--again`` first, only the mutants of the last run that were not caught run again (those
the globs after it match, or all of them): the loop after writing a test.

mutmut forks its workers after the tests have imported the code, so a mutant of a function
that runs only at import time (an attrs validator built when its class is defined, a table
built from a function) is never active and always "survives". ``--applied NAME...`` checks
such mutants the slow way: each is written into its source file, the same tests run, and
the file is restored.
"""

from __future__ import annotations

import collections
import configparser
import fnmatch
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / ".mutmut"
#: The staging folder's entries, by the repository path each links to.
LINKS = {
    "drkit": "drkit",
    "drkit_emulator": "drkit_emulator",
    "drkit_runtime": "assets/runtime/drkit_runtime",
    "tests": "tests",
    "app.py": "app.py",
    "examples": "examples",
    "README.md": "README.md",
    "setup.cfg": "setup.cfg",
}
#: The packages the score is given for, by mutant-name prefix.
PACKAGES = ("drkit.regions", "drkit_runtime", "drkit_emulator.iam")
#: How mutmut reports a mutant that changed behaviour and was caught (the rest were not).
CAUGHT = {"killed", "timeout", "caught by type check", "segfault"}
#: A mutant a partial run (``make mutate MUTATE_ARGS='drkit_runtime.*'``) left alone.
NOT_CHECKED = "not checked"


def stage() -> None:
    """Create the staging folder's links (once; they follow the working tree)."""
    STAGE.mkdir(exist_ok=True)
    for name, target in LINKS.items():
        link = STAGE / name
        if not link.is_symlink():
            link.symlink_to(os.path.relpath(ROOT / target, STAGE))


def mutmut(*args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "mutmut"), *args]
    # The derandomized profile of tests/conftest.py: a mutant is killed or not, every run.
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutate"}
    return subprocess.run(command, cwd=STAGE, env=env, text=True, capture_output=capture)


def statuses() -> dict[str, str]:
    """Every mutant's status, by name, as ``mutmut results --all`` prints them."""
    done = mutmut("results", "--all", "true", capture=True)
    found = {}
    for line in done.stdout.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def report(found: dict[str, str]) -> list[str]:
    """The score of each package and overall, then every mutant checked and not caught."""
    lines = []
    totals: collections.Counter[str] = collections.Counter()
    for package in PACKAGES:
        mine = [s for n, s in found.items() if n.startswith(package + ".")]
        checked = [s for s in mine if s != NOT_CHECKED]
        caught = sum(s in CAUGHT for s in checked)
        totals.update(caught=caught, checked=len(checked), unchecked=len(mine) - len(checked))
        lines.append(f"{package:<20} {_score(caught, len(checked), len(mine) - len(checked))}")
    overall = _score(totals["caught"], totals["checked"], totals["unchecked"])
    lines.append(f"{'all three':<20} {overall}")
    left = sorted((n, s) for n, s in found.items() if s not in CAUGHT and s != NOT_CHECKED)
    lines.append(f"\nnot caught ({len(left)}; `cd .mutmut && mutmut show NAME` shows one):")
    lines += [f"  {name}: {status}" for name, status in left]
    return lines


def _score(caught: int, checked: int, unchecked: int) -> str:
    share = f"{100 * caught / checked:.1f} %" if checked else "-"
    rest = f", {unchecked} not checked" if unchecked else ""
    return f"{caught:>5} of {checked:>5} mutants caught ({share}){rest}"


def not_caught(patterns: list[str]) -> list[str]:
    """The mutants checked and not caught so far that ``patterns`` match (all: no pattern)."""
    return [
        name
        for name, status in statuses().items()
        if status not in CAUGHT
        and status != NOT_CHECKED
        and (not patterns or any(fnmatch.fnmatch(name, p) for p in patterns))
    ]


def selected_tests() -> list[str]:
    """The pytest arguments of setup.cfg's [mutmut] section: the tests and the filters."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    keys = ("pytest_add_cli_args_test_selection", "pytest_add_cli_args")
    return [line for key in keys for line in config["mutmut"][key].splitlines() if line]


def source_of(name: str) -> Path:
    """The working tree's file a mutant belongs to (``drkit_runtime.api.x_handle__mutmut_3``)."""
    parts = name.split(".")
    module = parts[: next(i for i, p in enumerate(parts) if p.startswith(("x_", "xǁ")))]
    return (STAGE / Path(*module)).with_suffix(".py").resolve()


def applied(names: list[str]) -> int:
    """Write each mutant into its file, run the selected tests, restore the file."""
    tests = [sys.executable, "-m", "pytest", "-q", "-x", "-n", "0", *selected_tests()]
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutate"}
    survived = []
    for name in names:
        path = source_of(name)
        original = path.read_bytes()
        try:
            mutmut("apply", name, capture=True)
            ran = subprocess.run(tests, cwd=ROOT, env=env, capture_output=True, text=True)
        finally:
            path.write_bytes(original)
        verdict = "killed" if ran.returncode else "survived"
        last = (ran.stdout.strip() or ran.stderr.strip() or "no output").splitlines()[-1]
        print(f"{name}: {verdict} ({last})", flush=True)
        survived += [name] if not ran.returncode else []
    print(f"{len(names) - len(survived)} of {len(names)} killed when applied")
    return 1 if survived else 0


def main(argv: list[str]) -> int:
    stage()
    if argv[:1] == ["--applied"]:
        return applied(argv[1:])
    if argv[:1] == ["--again"]:
        argv = not_caught(argv[1:])
        if not argv:
            print("no mutant left to run again")
            return 0
    started = time.monotonic()
    ran = mutmut("run", "--max-children", os.environ.get("MUTATE_WORKERS", "2"), *argv)
    elapsed = time.monotonic() - started
    if ran.returncode != 0:
        return ran.returncode
    print("\n".join(report(statuses())))
    print(f"\nmutmut run took {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
